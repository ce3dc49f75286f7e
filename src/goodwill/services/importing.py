"""`goodwill import`: stream a file through its parser, save in checkpointed batches,
undo on request. Re-running a file changes nothing; an interrupted run resumes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import ImportFailed, ValidationFailed
from goodwill.importers import registry
from goodwill.importers.records import (
    ImportedContact,
    ImportedEvent,
    ImportedMessage,
    ParseResult,
    RecordError,
)
from goodwill.services import _common as common
from goodwill.services import _import_undo
from goodwill.services._import_activity import ActivitySaver
from goodwill.services._import_contacts import ContactSaver, is_profile, prepare
from goodwill.services._import_summary import COUNT_KEYS, ImportSummary, summary_of
from goodwill.services.actor import Actor, utcnow
from goodwill.services.privacy import suppression_checker
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import Import
from goodwill.storage.unit_of_work import UnitOfWork

BATCH = 500

__all__ = [
    "COUNT_KEYS",
    "ImportOptions",
    "ImportSummary",
    "list_imports",
    "run_import",
    "undo_import",
]


@dataclass
class ImportOptions:
    format: str = "auto"
    dry_run: bool = False
    create_contacts: bool = False
    keep_bodies: bool = False
    visibility: str | None = None
    batch_size: int = BATCH
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
    if not path.exists():
        raise ImportFailed(f"{path}: no such file or folder")
    fmt = registry.detect_format(path) if opts.format == "auto" else opts.format
    parse = registry.parser_for(fmt, now=utcnow(), keep_bodies=opts.keep_bodies)
    fingerprint = _fingerprint(path)
    records = parse(path)
    if opts.dry_run:
        try:
            return _dry_run(actor, uow, path, fmt, fingerprint, records, opts)
        finally:
            _close(records)
    run_id = _start(actor, uow, path, fmt, fingerprint, opts)
    try:
        return _run(actor, uow, run_id, records, opts)
    except ImportFailed:
        # The file is not what it claims: the run is marked failed, nothing else kept.
        with uow.write() as session:
            failed = session.get_one(Import, run_id)
            failed.status, failed.finished_at = "failed", utcnow()
        raise
    finally:
        _close(records)


def _close(records: Iterator[ParseResult]) -> None:
    close = getattr(records, "close", None)
    if close is not None:
        close()


def _run(
    actor: Actor, uow: UnitOfWork, run_id: int, records: Iterator[ParseResult], opts: ImportOptions
) -> ImportSummary:
    position = [0]  # results taken from the stream so far, across batches
    while True:
        with uow.write() as session:
            run = session.get_one(Import, run_id)
            more = _batch(session, actor, run, records, opts, opts.batch_size, position)
            if not more:
                run.status, run.finished_at = "completed", utcnow()
                return summary_of(run)


def _dry_run(
    actor: Actor, uow: UnitOfWork, path: Path, fmt: str, fingerprint: str,
    records: Iterator[ParseResult], opts: ImportOptions,
) -> ImportSummary:  # fmt: skip
    """Everything an import would do, in one transaction that is rolled back."""
    with uow.read() as session:
        run = _new_run(session, actor, path, fmt, fingerprint, opts)
        _batch(session, actor, run, records, opts, None, [0])
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
    records: Iterator[ParseResult],
    opts: ImportOptions,
    limit: int | None,
    seen: list[int],
) -> bool:
    """Save up to `limit` records after the checkpoint; False when the file is done."""
    counts = dict(run.counts)
    visibility = common.choose_visibility(session, actor, opts.visibility)
    contacts = ContactSaver(session, actor, run, visibility)
    activity = ActivitySaver(session, actor, run, visibility, opts, contacts)
    suppressed = suppression_checker(session, actor.workspace_id)
    done = 0
    touched: set[int] = set()

    def report(error: RecordError) -> None:
        if opts.on_error:
            opts.on_error(error)
        if len(opts.errors) < 20:
            opts.errors.append(str(error))

    for result in records:
        # Position in the stream, not the record's number: one calendar event yields
        # many occurrences. The parsers are deterministic, so positions are stable.
        seen[0] += 1
        number = seen[0]
        if number <= run.checkpoint:
            continue  # committed by an earlier, interrupted run of this file
        counts["read"] = counts.get("read", 0) + 1
        outcome = _save(session, result, run.format, actor, contacts, activity, suppressed,
                        report, touched)  # fmt: skip
        counts[outcome] = counts.get(outcome, 0) + 1
        run.checkpoint = number
        done += 1
        if opts.progress:
            opts.progress(counts)
        if limit is not None and done >= limit:
            break
    else:
        _finish(session, run, counts, touched, contacts)
        return False
    _finish(session, run, counts, touched, contacts)
    return True


def _finish(
    session: Session, run: Import, counts: dict[str, int], touched: set[int], saver: ContactSaver
) -> None:
    run.counts = counts
    saver.finish()
    rebuild_touches(session, touched)
    session.flush()


def _save(
    session: Session,
    result: ParseResult,
    fmt: str,
    actor: Actor,
    contacts: ContactSaver,
    activity: ActivitySaver,
    suppressed: Callable[[str, str], bool],
    report: Callable[[RecordError], None],
    touched: set[int],
) -> str:
    if isinstance(result, RecordError):
        report(result)
        return "failed"
    savepoint = session.begin_nested()  # a record that fails leaves nothing behind
    try:
        if isinstance(result, ImportedContact):
            item = prepare(result, fmt, actor, report)
            keys = [("email", e) for e, _ in item.emails]
            keys += [("url", u) for u, k in item.links if is_profile(k)]
            if any(suppressed(kind, value) for kind, value in keys):
                savepoint.rollback()
                return "suppressed"
            outcome = contacts.save(item)
        elif isinstance(result, ImportedMessage):
            outcome = activity.save_message(result, suppressed, touched)
        elif isinstance(result, ImportedEvent):
            outcome = activity.save_event(result, touched)
        else:  # pragma: no cover - the parsers yield only these
            raise ValidationFailed("record", f"unknown record {type(result).__name__}")
        savepoint.commit()
        return outcome
    except ValidationFailed as exc:
        savepoint.rollback()
        report(RecordError(result.location, exc.field or None, exc.reason))
        return "failed"


def list_imports(actor: Actor, uow: UnitOfWork, *, limit: int = 50) -> list[ImportSummary]:
    """The actor's imports, newest first."""
    with uow.read() as session:
        runs = session.scalars(
            select(Import)
            .where(Import.owner_id == actor.user_id, Import.workspace_id == actor.workspace_id)
            .order_by(Import.id.desc())
            .limit(max(1, limit))
        ).all()  # fmt: skip
        return [summary_of(r) for r in runs]


def undo_import(actor: Actor, uow: UnitOfWork, import_id: int) -> ImportSummary:
    """Remove exactly what an import created and revert what it changed (unless the
    value has been changed since, which is the user's)."""
    return _import_undo.undo(actor, uow, import_id)
