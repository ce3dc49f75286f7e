"""Import: upload a file, which runs as a background job (services.import_jobs, as the
API's /api/v1/imports does) while the page polls its progress; its per-record errors and
undo; the past imports; and the duplicates review with a merge preview
(services.dedupe)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from goodwill.errors import ValidationFailed
from goodwill.services import dedupe, import_jobs, importing
from goodwill.web.api.imports import DEFAULT_MAX_UPLOAD, _run_and_clean, _save
from goodwill.web.api.models import MAX_ID
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
ImportId = Annotated[int, Path(ge=1, le=MAX_ID)]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
After = Annotated[int | None, Query(ge=1, le=MAX_ID)]

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
        path = _save(file, folder, limit)
        if path is None:
            raise ValidationFailed("file", f"the file is over {limit:,} bytes")
        options = importing.ImportOptions(format=format)
        run_id = import_jobs.start(page.actor, page.uow, path, options)
        background.add_task(_run_and_clean, page.actor, page.uow, run_id, path, options, folder)
        handed_over = True
    finally:
        if not handed_over:
            shutil.rmtree(folder, ignore_errors=True)
    return page.redirect(f"/import/{run_id}")


@router.get("/import/duplicates")
def duplicates(page: PageDep) -> Response:
    found = dedupe.list_duplicates(page.actor, page.uow, limit=DUPLICATES_SHOWN)
    return page.render("duplicates.html", found=found)


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
