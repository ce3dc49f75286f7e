"""Authorization-matrix rows for the imports routes
(see test_authorization_matrix.py for the shape of a row).

An import belongs to the user who ran it, whatever the visibility of what it brought
in: only its owner lists, reads or undoes it; to anyone else its id is missing. The
planted import's file is named after the canary and brings in a contact named after it,
in the visibility of the record.

The matrix sends JSON bodies, so its POST /api/v1/imports carries no file: 422 for
everyone. Uploads by each role are in test_api_imports.py.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from goodwill.services import importing
from goodwill.services.importing import ImportOptions

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _by_record(private, workspace):
    cells = {}
    for role, p, w in zip(("owner", "teammate", "outsider"), private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


def _all(status):
    return _by_record((status,) * 3, (status,) * 3)


OWN = _by_record((200, 404, 404), (200, 404, 404))


def plant_import(owner, uow, canary, record, planted):
    folder = Path(tempfile.mkdtemp(prefix="goodwill-matrix-"))
    try:
        path = folder / f"{canary}.csv"
        row = f"{canary},Imported,https://www.linkedin.com/in/{canary.lower()},,Co,T,01 Jan 2020\n"
        path.write_text(HEADER + row, encoding="utf-8")
        options = ImportOptions(format="linkedin", visibility=record)
        return {"import": importing.run_import(owner, uow, path, options).id}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


ROWS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("POST", "/api/v1/imports"): (
        lambda r: ("POST", "/api/v1/imports", {"format": "linkedin"}),
        _all(422),
    ),
    ("GET", "/api/v1/imports"): (
        lambda r: ("GET", "/api/v1/imports", None),
        _all(200),
        plant_import,
    ),
    ("GET", "/api/v1/imports/{import_id}"): (
        lambda r: ("GET", f"/api/v1/imports/{r['import']}", None),
        OWN,
        plant_import,
    ),
    ("POST", "/api/v1/imports/{import_id}/undo"): (
        lambda r: ("POST", f"/api/v1/imports/{r['import']}/undo", None),
        OWN,
        plant_import,
    ),
}
