"""Canary entries for imports over the API (issue 8): B's import jobs never reach A's
private records, and A's job ids fail for B exactly like missing ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.services import contacts, import_jobs, importing
from goodwill.services.importing import ImportOptions
from tests.integration.canary_calls_imports import MISSING, _a_import, _file


def _bea_file(c: Any) -> Any:
    # A row with A's private email: B's import makes B's own contact; A's stays as it was.
    return _file("bea.csv", [f"Bea,Import,,{c.p.email},Bea Co,Lead,01 Jan 2020"])


def _start_import(b: Any, uow: Any, c: Any) -> list[Any]:
    return [c.ok(importing.start_import, _bea_file(c), ImportOptions(format="linkedin"))]


def _job_start(b: Any, uow: Any, c: Any) -> list[Any]:
    return [c.ok(import_jobs.start, _bea_file(c), ImportOptions(format="linkedin"))]


def _job_run(b: Any, uow: Any, c: Any) -> list[Any]:
    path, opts = _bea_file(c), ImportOptions(format="linkedin")
    run_id = import_jobs.start(b, uow, path, opts)
    done = [c.ok(import_jobs.run, run_id, path, opts)]
    assert contacts.show_contact(c.a, uow, c.p.contact).first_name == c.p.canary
    return [*done, c.ok(import_jobs.status, run_id, expect=lambda r: r.summary.counts["created"])]


def _job_status(b: Any, uow: Any, c: Any) -> list[Any]:
    theirs = _a_import(c)
    c.hidden([(theirs, MISSING)], lambda r: import_jobs.status(b, uow, r))
    return []


def _job_undo(b: Any, uow: Any, c: Any) -> list[Any]:
    theirs = _a_import(c)
    c.hidden([(theirs, MISSING)], lambda r: import_jobs.undo(b, uow, r))
    path, opts = _bea_file(c), ImportOptions(format="linkedin")
    mine = import_jobs.start(b, uow, path, opts)
    import_jobs.run(b, uow, mine, path, opts)
    return [c.ok(import_jobs.undo, mine, expect=lambda r: r.status == "undone")]


def _job_page(b: Any, uow: Any, c: Any) -> list[Any]:
    theirs = _a_import(c)
    c.hidden([(theirs, MISSING)], lambda r: import_jobs.job_page(b, uow, r))
    path, opts = _bea_file(c), ImportOptions(format="linkedin")
    mine = import_jobs.start(b, uow, path, opts)
    import_jobs.run(b, uow, mine, path, opts)
    return [
        c.ok(import_jobs.job_page, mine,
             expect=lambda r: [x.label for x in r.contacts] == ["Bea Import"]
             and r.contacts_total == 1),
    ]  # fmt: skip


IMPORT_JOB_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "importing.start_import": _start_import,
    "import_jobs.start": _job_start,
    "import_jobs.run": _job_run,
    "import_jobs.status": _job_status,
    "import_jobs.undo": _job_undo,
    "import_jobs.job_page": _job_page,
}
