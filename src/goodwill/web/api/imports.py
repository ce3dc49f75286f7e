"""/api/v1/imports: upload a file → a job id at once → its progress → its result; undo.

The upload goes to a temporary folder of its own, deleted when the run ends. The run
itself goes on in the background (after the response), one committed batch at a time,
so `GET /api/v1/imports/{id}` shows its counts moving while it runs.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from goodwill.errors import ValidationFailed
from goodwill.services import import_jobs, importing
from goodwill.services.actor import Actor
from goodwill.services.import_jobs import ImportJob
from goodwill.services.views import to_jsonable
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body
from goodwill.web.errors import problem

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
ImportId = Annotated[int, Path(ge=1, le=MAX_ID)]

DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024
FORMATS = ("auto", "linkedin", "google", "outlook", "vcard", "mbox", "eml", "ics")
CHUNK = 1 << 20


def _job(job: ImportJob) -> dict[str, Any]:
    return {**to_jsonable(job.summary), "errors": job.errors, "failure": job.failure}


def _file_name(upload: UploadFile) -> str:
    """The upload's own name (it is part of the run's fingerprint), made safe as a path."""
    name = FilePath((upload.filename or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f/]", "", name).strip(" .")[:200]
    return name or "upload"


def save_upload(upload: UploadFile, folder: FilePath, limit: int) -> FilePath | None:
    """The upload copied into `folder`; None when it is over `limit` bytes."""
    path = folder / _file_name(upload)
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                return None
            out.write(chunk)
    return path


def run_and_clean(
    actor: Actor,
    uow: UnitOfWork,
    run_id: int,
    path: FilePath,
    options: importing.ImportOptions,
    folder: FilePath,
) -> None:
    try:
        import_jobs.run(actor, uow, run_id, path, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.post(
    "",
    status_code=202,
    responses={
        200: {"description": "A dry run: what the import would do, nothing written"},
        202: {"description": "The import runs: poll `url` for its progress"},
        413: {"description": "The file is over the server's upload limit"},
    },
)
def start_import(
    request: Request,
    background: BackgroundTasks,
    actor: ActorDep,
    uow: UowDep,
    file: Annotated[UploadFile, File(description="One file: a CSV export, .vcf, mbox, .eml, .ics")],
    format: Annotated[str, Form(max_length=20)] = "auto",
    dry_run: Annotated[bool, Form()] = False,
    create_contacts: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Upload a file to import; 202 with the job's id (the import's), the import runs on.

    `format` is auto (sniffed from the content) or one of linkedin, google, outlook, vcard,
    mbox, eml, ics: one file each. A Maildir is a folder: import it with the CLI. With
    `dry_run`, nothing is written and the answer (200) is what the import would do.
    """
    if format == "maildir":
        raise ValidationFailed(
            "format", "a Maildir is a folder, which cannot be uploaded: import it with the CLI"
        )
    if format not in FORMATS:
        raise ValidationFailed("format", f"'{format[:20]}' is not one of {', '.join(FORMATS)}")
    limit = int(getattr(request.app.state, "max_upload_bytes", DEFAULT_MAX_UPLOAD))
    folder = FilePath(tempfile.mkdtemp(prefix="goodwill-upload-"))
    handed_over = False
    try:
        path = save_upload(file, folder, limit)
        if path is None:
            return problem(413, "Upload too large", f"the file is over {limit} bytes")
        options = importing.ImportOptions(
            format=format, dry_run=dry_run, create_contacts=create_contacts
        )
        if dry_run:
            summary = importing.run_import(actor, uow, path, options)
            job = ImportJob(summary, options.errors[: import_jobs.MAX_ERRORS], None)
            return JSONResponse(_job(job), 200)
        run_id = import_jobs.start(actor, uow, path, options)
        background.add_task(run_and_clean, actor, uow, run_id, path, options, folder)
        handed_over = True
    finally:
        if not handed_over:
            shutil.rmtree(folder, ignore_errors=True)
    url = f"/api/v1/imports/{run_id}"
    return JSONResponse(
        {"id": run_id, "status": "running", "url": url}, 202, headers={"Location": url}
    )


@router.get("")
def list_imports(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
) -> dict[str, Any]:
    """Your imports, newest first, a page at a time (`next_cursor`)."""
    _, after = decode_cursor(cursor, "imports", None)
    return page_body("imports", importing.imports_page(actor, uow, after=after, limit=limit))


@router.get("/{import_id}")
def show_import(import_id: ImportId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """An import's status (running, completed, failed, undone), its counts so far, its
    first errors and, when it failed, why."""
    return _job(import_jobs.status(actor, uow, import_id))


@router.post("/{import_id}/undo")
def undo_import(import_id: ImportId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Take back what an import did, keeping what has been built on it since."""
    return dict(to_jsonable(import_jobs.undo(actor, uow, import_id)))
