"""Import: upload a file, which runs as a background job (services.import_jobs, as the
API's /api/v1/imports does) while the page polls its progress; its per-record errors and
undo; the past imports; and the duplicates review with a merge preview
(services.dedupe: a scan in a process of its own stores the likely pairs; the review
shows them a page at a time)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from goodwill.errors import ValidationFailed
from goodwill.services import dedupe, import_jobs, importing
from goodwill.web.api.imports import DEFAULT_MAX_UPLOAD, run_and_clean, save_upload
from goodwill.web.api.models import MAX_ID
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
ImportId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
After = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# Where a page of duplicate pairs starts: "score.a.b" of the last pair before it.
PairAfter = Annotated[str | None, Query(max_length=40, pattern=r"^\d{1,4}\.\d{1,10}\.\d{1,10}$")]


def _pair_key(after: str | None) -> tuple[int, int, int] | None:
    if after is None:
        return None
    score, a, b = (int(part) for part in after.split("."))
    return score, a, b


# The formats a page upload takes (a Maildir is a folder: the CLI imports it).
FORMATS = (
    ("auto", "Find out from the file"),
    ("linkedin", "LinkedIn connections (CSV)"),
    ("google", "Google contacts (CSV)"),
    ("outlook", "Outlook contacts (CSV)"),
    ("vcard", "vCard (.vcf)"),
    ("mbox", "Mailbox (mbox)"),
    ("eml", "One email (.eml)"),
    ("ics", "Calendar (.ics)"),
)
FORMAT_KEYS = frozenset(key for key, _ in FORMATS)
DUPLICATES_SHOWN = 50


@router.get("/import")
def import_page(page: PageDep, after: After = None) -> Response:
    runs = importing.imports_page(
        page.actor, page.uow, after=None if after is None else [after], limit=20
    )
    return page.render(
        "import.html",
        formats=FORMATS,
        runs=runs.items,
        next_after=None if runs.after is None else runs.after[-1],
    )


@router.post("/import")
def start_import(
    page: PageDep,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form(max_length=20)] = "auto",
) -> Response:
    """The upload saved to a folder of its own, its run created, the run handed to the
    background; the job's page polls it."""
    if format not in FORMAT_KEYS:
        raise ValidationFailed("format", f"'{format[:20]}' is not a format this page takes")
    limit = int(getattr(page.request.app.state, "max_upload_bytes", DEFAULT_MAX_UPLOAD))
    folder = FilePath(tempfile.mkdtemp(prefix="goodwill-upload-"))
    handed_over = False
    try:
        path = save_upload(file, folder, limit)
        if path is None:
            raise ValidationFailed("file", f"the file is over {limit:,} bytes")
        options = importing.ImportOptions(format=format)
        run_id = import_jobs.start(page.actor, page.uow, path, options)
        background.add_task(run_and_clean, page.actor, page.uow, run_id, path, options, folder)
        handed_over = True
    finally:
        if not handed_over:
            shutil.rmtree(folder, ignore_errors=True)
    return page.redirect(f"/import/{run_id}")


@router.get("/import/duplicates")
def duplicates(page: PageDep, after: PairAfter = None) -> Response:
    """The pairs the last scan stored, best first, a page at a time (each page re-scored
    with the current data); scanning again is a background job."""
    found = dedupe.stored_duplicates(
        page.actor, page.uow, limit=DUPLICATES_SHOWN, after=_pair_key(after)
    )
    next_after = None if found.after is None else ".".join(map(str, found.after))
    return page.render("duplicates.html", found=found, scan=found.scan, next_after=next_after)


@router.post("/import/duplicates/scan")
def scan_duplicates(page: PageDep) -> Response:
    """Start a scan for duplicates in a process of its own (web.scan_jobs; not a second
    one at a time): the page polls its progress, which the scan writes to its row."""
    launcher = page.request.app.state.scan_launcher
    dedupe.start_background_scan(page.actor, page.uow, launcher)
    return page.redirect("/import/duplicates")


@router.get("/import/duplicates/scan")
def scan_progress(page: PageDep) -> Response:
    """The scan's state, alone: the page polls it while a scan runs, and reloads itself
    when the scan has finished (to show the pairs it found)."""
    scan = dedupe.scan_state(page.actor, page.uow)
    refresh = page.htmx and not scan.running
    return page.render(
        "_duplicates_scan.html", scan=scan, headers={"HX-Refresh": "true"} if refresh else None
    )


@router.get("/import/duplicates/{keep_id}/{other_id}")
def merge_preview(keep_id: ContactId, other_id: ContactId, page: PageDep) -> Response:
    preview = dedupe.preview_merge(page.actor, page.uow, keep_id, other_id)
    return page.render("merge_preview.html", preview=preview)


@router.post("/import/duplicates/{keep_id}/{other_id}/merge")
def merge(keep_id: ContactId, other_id: ContactId, page: PageDep) -> Response:
    dedupe.merge_contacts(page.actor, page.uow, keep_id, other_id)
    return page.redirect("/import/duplicates")


@router.post("/import/duplicates/{keep_id}/{other_id}/dismiss")
def dismiss(keep_id: ContactId, other_id: ContactId, page: PageDep) -> Response:
    dedupe.dismiss_duplicate(page.actor, page.uow, keep_id, other_id)
    return page.redirect("/import/duplicates")


@router.get("/import/{import_id}")
def import_job(import_id: ImportId, page: PageDep) -> Response:
    found = import_jobs.job_page(page.actor, page.uow, import_id)
    return page.render("import_job.html", found=found)


@router.get("/import/{import_id}/progress")
def import_progress(import_id: ImportId, page: PageDep) -> Response:
    """The job's progress, alone: the job page polls it every second until it is done."""
    found = import_jobs.job_page(page.actor, page.uow, import_id)
    return page.render("_import_progress.html", found=found)


@router.post("/import/{import_id}/undo")
def undo(import_id: ImportId, page: PageDep) -> Response:
    import_jobs.undo(page.actor, page.uow, import_id)
    return page.redirect(f"/import/{import_id}")
