"""Imports as jobs (the API): the run is created before its records are read, so its id
is handed out at once; the run then goes on in the background, and anyone may ask how
far it got. The job keeps its first errors, or why it failed, on the run itself, where
every worker process can read them."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from goodwill.errors import Conflict, GoodwillError, NotFound
from goodwill.services import importing
from goodwill.services._import_summary import COUNT_KEYS, ImportSummary, summary_of
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.aggregates import fold_import
from goodwill.storage.schema import Contact, Import
from goodwill.storage.unit_of_work import UnitOfWork

MAX_ERRORS = 20
log = logging.getLogger(__name__)

# Records read so far by the runs this process is running: the row's counts move once
# per committed batch, this moves with every record.
_live: dict[int, dict[str, int]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class ImportJob:
    summary: ImportSummary
    errors: list[str]  # the first few problems with single records
    failure: str | None  # why the run stopped, when it failed


def start(actor: Actor, uow: UnitOfWork, path: Path, options: importing.ImportOptions) -> int:
    """Check the file and create its run; the id of the job."""
    return importing.start_import(actor, uow, path, options)


def run(
    actor: Actor, uow: UnitOfWork, run_id: int, path: Path, options: importing.ImportOptions
) -> None:
    """Run the import `start` created (in the background): never raises; a run that
    stops is marked failed, with the reason."""

    def progress(counts: dict[str, int]) -> None:
        with _lock:
            _live[run_id] = dict(counts)

    options.progress = progress
    failure: str | None = None
    try:
        importing.run_import(actor, uow, path, options)
    except GoodwillError as exc:
        failure = exc.message
    except Exception:  # a bug must not leave the run "running" for ever
        log.exception("import #%s stopped", run_id)
        failure = "the import stopped on an unexpected error"
    finally:
        with _lock:
            _live.pop(run_id, None)
        _finish(uow, run_id, options.errors[:MAX_ERRORS], failure)


def _finish(uow: UnitOfWork, run_id: int, errors: list[str], failure: str | None) -> None:
    with uow.write() as session:
        run = session.get_one(Import, run_id)
        run.options = {**run.options, "errors": errors, "failure": failure}
        if failure is not None and run.status == "running":
            run.status, run.finished_at = "failed", utcnow()
            fold_import(session, run_id)


def _own(actor: Actor, run: Import | None, import_id: int) -> Import:
    if run is None or run.owner_id != actor.user_id or run.workspace_id != actor.workspace_id:
        raise NotFound(f"no import #{import_id}")  # another's run is as good as missing
    return run


def status(actor: Actor, uow: UnitOfWork, import_id: int) -> ImportJob:
    """How far one of the actor's imports got: status, counts, first errors."""
    with uow.read() as session:
        run = _own(actor, session.get(Import, import_id), import_id)
        summary = summary_of(run)
        errors = [str(e) for e in run.options.get("errors") or []][:MAX_ERRORS]
        failure = run.options.get("failure")
    with _lock:
        live = _live.get(import_id)
    if summary.status == "running" and live is not None:
        read = max(summary.counts["read"], int(live.get("read", 0)))
        summary = ImportSummary(
            summary.id, summary.format, summary.source, summary.status,
            {**summary.counts, "read": read}, summary.started_at, summary.finished_at,
        )  # fmt: skip
    return ImportJob(summary, errors, str(failure) if failure else None)


@dataclass(frozen=True)
class ImportJobPage:
    job: ImportJob
    contacts: list[Ref]  # the first contacts it brought in that are still there, by name
    contacts_total: int


def job_page(actor: Actor, uow: UnitOfWork, import_id: int, *, limit: int = 20) -> ImportJobPage:
    """One of the actor's imports as its page shows it: the job (status, counts, first
    errors) and the contacts it created that are still there and visible."""
    job = status(actor, uow, import_id)
    with uow.read() as session:
        mine = (Contact.import_id == import_id, visible(Contact, actor))
        rows = session.execute(
            select(Contact.id, Contact.display_name)
            .where(*mine)
            .order_by(Contact.sort_key, Contact.id)
            .limit(max(1, min(limit, 200)))
        ).all()
        total = session.scalar(select(func.count()).select_from(Contact).where(*mine)) or 0
    return ImportJobPage(job, [Ref(i, name) for i, name in rows], int(total))


def undo(actor: Actor, uow: UnitOfWork, import_id: int) -> ImportSummary:
    """Undo one of the actor's imports; not while it is still running."""
    if status(actor, uow, import_id).summary.status == "running":
        raise Conflict(f"import #{import_id} is still running: undo it when it has finished")
    return importing.undo_import(actor, uow, import_id)


__all__ = ["COUNT_KEYS", "ImportJob", "ImportJobPage", "job_page", "run", "start", "status", "undo"]
