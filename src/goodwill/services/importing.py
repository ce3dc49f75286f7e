"""`goodwill import`: stream a file through its parser, save in checkpointed batches,
undo on request. Re-running a file changes nothing; an interrupted run resumes."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from goodwill.errors import ImportFailed
from goodwill.importers import registry
from goodwill.importers.records import (
    ImportedContact,
    ImportedEvent,
    ImportedMessage,
    Location,
    RecordError,
)
from goodwill.services import _common as common
from goodwill.services import _import_undo
from goodwill.services import _paging as paging
from goodwill.services._import_activity import ActivitySaver
from goodwill.services._import_contacts import ContactSaver, Prepared
from goodwill.services._import_pipeline import PreparedContact, Streamed, open_stream, prepared
from goodwill.services._import_summary import COUNT_KEYS, ImportSummary, summary_of
from goodwill.services._import_wire import WireMessage, message_wire, wire_location
from goodwill.services.actor import Actor, utcnow
from goodwill.services.privacy import suppression_checker
from goodwill.storage.aggregates import fold_import
from goodwill.storage.schema import Import
from goodwill.storage.unit_of_work import UnitOfWork

BATCH = 5000  # contacts per batch (each becomes rows in several tables): fewer commits
# and lookups (the importer peaks about 30 MB higher than with 1,000: bench/README.md)
ACTIVITY_BATCH = 5000  # messages or events per batch: one row or two each
ACTIVITY_FORMATS = frozenset({"mbox", "maildir", "eml", "ics"})

__all__ = [
    "COUNT_KEYS",
    "ImportOptions",
    "ImportSummary",
    "list_imports",
    "run_import",
    "start_import",
    "undo_import",
]


@dataclass
class ImportOptions:
    format: str = "auto"
    dry_run: bool = False
    create_contacts: bool = False
    keep_bodies: bool = False
    visibility: str | None = None
    batch_size: int | None = None  # None: BATCH, or ACTIVITY_BATCH for email and calendars
    workers: int | None = None  # 2: parse in a second process; None: when the file is big
    progress: Callable[[dict[str, int]], None] | None = None
    on_error: Callable[[RecordError], None] | None = None
    errors: list[str] = field(default_factory=list)  # the first few, for the summary


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        digest.update(str(item.relative_to(path) if path.is_dir() else item.name).encode())
        with item.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def run_import(
    actor: Actor, uow: UnitOfWork, path: Path, options: ImportOptions | None = None
) -> ImportSummary:
    """Import a file or folder; one transaction per batch, each with its checkpoint.

    A run of the same file by the same user that was interrupted resumes after its
    last checkpoint, so it ends with exactly the counts of an uninterrupted run.
    """
    opts = options or ImportOptions()
    fmt, fingerprint = _checked(path, opts)
    stream = open_stream(fmt, path, utcnow(), opts.keep_bodies, actor, opts.workers)
    records = iter(stream)
    if opts.dry_run:
        try:
            return _dry_run(actor, uow, path, fmt, fingerprint, records, opts)
        finally:
            stream.close()
    run_id = _start(actor, uow, path, fmt, fingerprint, opts)
    # What exists now (the interpreter, SQLAlchemy's metadata, caches) outlives the
    # import: out of the collector's sight, each full collection that the batches'
    # records trigger walks only them (collections took 2.6 s of a 100k-message
    # import, 0.9 s frozen: bench/README.md).
    gc.freeze()
    try:
        return _run(actor, uow, run_id, records, opts)
    except ImportFailed:
        # The file is not what it claims: the run is marked failed; what its batches
        # committed before that now counts (undo removes it).
        with uow.write() as session:
            failed = session.get_one(Import, run_id)
            failed.status, failed.finished_at = "failed", utcnow()
            fold_import(session, run_id)
        raise
    finally:
        gc.unfreeze()
        stream.close()


def start_import(
    actor: Actor, uow: UnitOfWork, path: Path, options: ImportOptions | None = None
) -> int:
    """Check the file and create its run (or find its interrupted one), committed, before
    a record is read: an id to hand out at once. `run_import` of the same file with the
    same format then continues this run."""
    opts = options or ImportOptions()
    fmt, fingerprint = _checked(path, opts)
    return _start(actor, uow, path, fmt, fingerprint, opts)


def _checked(path: Path, opts: ImportOptions) -> tuple[str, str]:
    """The file's format and fingerprint; an unknown format fails here, before a run."""
    if not path.exists():
        raise ImportFailed(f"{path}: no such file or folder")
    fmt = registry.detect_format(path) if opts.format == "auto" else opts.format
    registry.parser_for(fmt, now=utcnow())
    return fmt, _fingerprint(path)


class _Savers:
    """The savers of one run: they keep run-wide caches across its batches."""

    def __init__(self, session: Session, actor: Actor, run: Import, opts: ImportOptions) -> None:
        visibility = common.choose_visibility(session, actor, opts.visibility)
        self.contacts = ContactSaver(actor, run.id, visibility)
        self.activity = ActivitySaver(actor, run.id, run.source_name, visibility, opts,
                                      self.contacts)  # fmt: skip

    def begin(self, session: Session) -> None:
        self.contacts.begin(session)
        self.activity.begin(session)


def _run(
    actor: Actor, uow: UnitOfWork, run_id: int, records: Iterator[Streamed], opts: ImportOptions
) -> ImportSummary:
    position = [0]  # results taken from the stream so far, across batches
    savers: _Savers | None = None
    while True:
        with uow.write() as session:
            run = session.get_one(Import, run_id)
            savers = savers or _Savers(session, actor, run, opts)
            batch = _take(records, run.checkpoint, _size(opts, run.format), position)
            _batch(session, actor, run, batch, savers, opts)
            if len(batch) < _size(opts, run.format):
                run.status, run.finished_at = "completed", utcnow()
                fold_import(session, run.id)  # its touches count from now on, at once
                return summary_of(run)


def _size(opts: ImportOptions, fmt: str) -> int:
    if opts.batch_size is not None:
        return max(1, opts.batch_size)
    return ACTIVITY_BATCH if fmt in ACTIVITY_FORMATS else BATCH


def _take(
    records: Iterator[Streamed], checkpoint: int, size: int, position: list[int]
) -> list[tuple[int, Streamed]]:
    """The next `size` results after the checkpoint, with their stream positions.

    Positions count results, not records: one calendar event yields many
    occurrences. The parsers are deterministic, so positions are stable.
    """
    batch: list[tuple[int, Streamed]] = []
    for result in records:
        position[0] += 1
        if position[0] <= checkpoint:
            continue  # committed by an earlier, interrupted run of this file
        batch.append((position[0], result))
        if len(batch) >= size:
            break
    return batch


def _dry_run(
    actor: Actor, uow: UnitOfWork, path: Path, fmt: str, fingerprint: str,
    records: Iterator[Streamed], opts: ImportOptions,
) -> ImportSummary:  # fmt: skip
    """Everything an import would do, in one transaction that is rolled back."""
    with uow.read() as session:
        run = _new_run(session, actor, path, fmt, fingerprint, opts)
        savers = _Savers(session, actor, run, opts)
        position = [0]
        while True:
            batch = _take(records, 0, _size(opts, fmt), position)
            _batch(session, actor, run, batch, savers, opts)
            if len(batch) < _size(opts, fmt):
                return summary_of(run)


def _start(
    actor: Actor, uow: UnitOfWork, path: Path, fmt: str, fingerprint: str, opts: ImportOptions
) -> int:
    """The run to continue (the same file, interrupted) or a new one, committed."""
    with uow.write() as session:
        unfinished = session.scalars(
            select(Import).where(
                Import.owner_id == actor.user_id,
                Import.workspace_id == actor.workspace_id,
                Import.source_hash == fingerprint,
                Import.format == fmt,
                Import.status == "running",
            )
        ).first()
        if unfinished is not None:
            return unfinished.id
        return _new_run(session, actor, path, fmt, fingerprint, opts).id


def _new_run(
    session: Session, actor: Actor, path: Path, fmt: str, fingerprint: str, opts: ImportOptions
) -> Import:
    run = Import(
        workspace_id=actor.workspace_id, owner_id=actor.user_id, format=fmt,
        source_name=path.name[:500], source_hash=fingerprint, status="running",
        options={"create_contacts": opts.create_contacts, "keep_bodies": opts.keep_bodies},
        checkpoint=0, counts=dict.fromkeys(COUNT_KEYS, 0), started_at=utcnow(),
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run


def _batch(
    session: Session,
    actor: Actor,
    run: Import,
    batch: list[tuple[int, Streamed]],
    savers: _Savers,
    opts: ImportOptions,
) -> None:
    """Save one batch set-wise and move the checkpoint past it.

    Everything that can make a record fail is checked before writing. Should the
    batch's write still fail in the database, it is rolled back and retried record
    by record, so the bad record is reported and the others are saved.
    """
    if not batch:
        return
    counts = dict(run.counts)
    savers.begin(session)
    suppressed = suppression_checker(session, actor.workspace_id)

    def report(error: RecordError) -> None:
        if opts.on_error:
            opts.on_error(error)
        if len(opts.errors) < 20:
            opts.errors.append(str(error))

    outcomes: dict[int, str] = {}
    ready: list[tuple[int, Ready]] = []
    for number, result in batch:
        counts["read"] = counts.get("read", 0) + 1
        if opts.progress:
            opts.progress(counts)  # records read move the bar; outcomes follow per batch
        if isinstance(result, tuple):  # a message, as the stream hands them over
            ready.append((number, result))
        elif isinstance(result, RecordError):
            report(result)
            outcomes[number] = "failed"
        elif isinstance(result, ImportedMessage):
            ready.append((number, message_wire(result)))
        elif isinstance(result, ImportedContact | PreparedContact):
            if isinstance(result, ImportedContact):  # parsed but not prepared yet
                result = prepared(result, run.format, actor)
                assert isinstance(result, PreparedContact)
            for warning in result.warnings:
                report(warning)
            if result.item is None:
                assert result.error is not None
                report(result.error)
                outcomes[number] = "failed"
                continue
            item = result.item
            keys = [("email", e) for e, _ in item.emails]
            keys += [("url", u) for u, k in item.links if k in item.profiles]
            if any(suppressed(kind, value) for kind, value in keys):
                outcomes[number] = "suppressed"
            else:
                ready.append((number, item))
        else:
            ready.append((number, result))
    state = savers.contacts.snapshot()
    try:
        with session.begin_nested():
            outcomes.update(_write(ready, savers, suppressed, report))
            savers.contacts.finish()
    except (IntegrityError, DataError):
        savers.contacts.restore(state)
        savers.activity.forget_cache()
        locations = {n: _location(r) for n, r in batch if not isinstance(r, RecordError)}
        for number, one in ready:
            state = savers.contacts.snapshot()
            try:
                with session.begin_nested():
                    outcomes.update(_write([(number, one)], savers, suppressed, report))
                    savers.contacts.finish()
            except (IntegrityError, DataError) as exc:
                savers.contacts.restore(state)
                savers.activity.forget_cache()
                reason = str(exc.orig).splitlines()[0] if exc.orig else "could not be saved"
                report(RecordError(locations[number], None, f"not saved: {reason}"))
                outcomes[number] = "failed"
    for number, _ in batch:
        counts[outcomes[number]] = counts.get(outcomes[number], 0) + 1
    run.checkpoint = batch[-1][0]
    run.counts = counts
    session.flush()
    if opts.progress:
        opts.progress(counts)


Ready = Prepared | WireMessage | ImportedEvent


def _location(result: Streamed) -> Location:
    return wire_location(result) if isinstance(result, tuple) else result.location


def _write(
    ready: list[tuple[int, Ready]],
    savers: _Savers,
    suppressed: Callable[[str, str], bool],
    report: Callable[[RecordError], None],
) -> dict[int, str]:
    contacts = [(n, r) for n, r in ready if isinstance(r, Prepared)]
    messages = [(n, r) for n, r in ready if isinstance(r, tuple)]
    events = [(n, r) for n, r in ready if isinstance(r, ImportedEvent)]
    outcomes: dict[int, str] = {}
    if contacts:
        saved = savers.contacts.save_batch([r for _, r in contacts])
        outcomes.update((n, outcome) for (n, _), (outcome, _) in zip(contacts, saved, strict=True))
    if messages:
        done = savers.activity.save_messages([r for _, r in messages], suppressed)
        outcomes.update(zip((n for n, _ in messages), done, strict=True))
    if events:
        done = savers.activity.save_events([r for _, r in events], report)
        outcomes.update(zip((n for n, _ in events), done, strict=True))
    return outcomes


IMPORT_SORTS = paging.Sorts(paging.by_id(Import.id, descending=True))


def list_imports(actor: Actor, uow: UnitOfWork, *, limit: int = 50) -> list[ImportSummary]:
    """The actor's imports, newest first."""
    return imports_page(actor, uow, limit=limit).items


def imports_page(
    actor: Actor, uow: UnitOfWork, *, after: Sequence[Any] | None = None, limit: int = 50
) -> paging.Page[ImportSummary]:
    """A page of the actor's imports, newest first."""
    order = IMPORT_SORTS.default
    with uow.read() as session:
        stmt = select(Import).where(
            Import.owner_id == actor.user_id, Import.workspace_id == actor.workspace_id
        )
        runs = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(runs, order, limit)
        return paging.page_of([summary_of(r) for r in found], order, next_key)


def undo_import(actor: Actor, uow: UnitOfWork, import_id: int) -> ImportSummary:
    """Remove exactly what an import created and revert what it changed (unless the
    value has been changed since, which is the user's)."""
    return _import_undo.undo(actor, uow, import_id)
