"""Matrix rows for the Import pages (see test_authorization_matrix.py for the shape of a
row; a page row's request is (method, url, form)).

An import is its runner's alone (matrix_imports.plant_import: a file named after the
canary bringing in a contact named after it): anyone else finds it missing. The
duplicates review sees what the viewer may see: the planted pair is the canary contact
and a near-duplicate of it, both of the record's visibility; merging one away takes its
owner. Its stored pair is planted for everyone, so the page's read-time visibility check
is what keeps the private one from a teammate; a scan is anyone's own. The matrix's form
requests carry no file, so an upload is 422 for everyone (the uploads themselves are in
test_pages_import.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from goodwill.services.actor import utcnow
from goodwill.storage.schema import Membership, StoredDuplicate
from tests.factories import make_contact
from tests.web.matrix_imports import plant_import


def _by_record(private, workspace):
    cells = {}
    for role, p, w in zip(("owner", "teammate", "outsider"), private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


def _all(status):
    return _by_record((status,) * 3, (status,) * 3)


OWN = _by_record((200, 404, 404), (200, 404, 404))
OWN_WRITE = _by_record((303, 404, 404), (303, 404, 404))


def plant_duplicate(owner, uow, canary, record, planted):
    """A near-duplicate of the planted canary contact, of the same visibility."""
    twin = make_contact(owner, uow, name=None, first_name=canary, last_name="Hiddenn",
                        visibility=record)  # fmt: skip
    return {"twin": twin.id}


def plant_stored_duplicate(owner, uow, canary, record, planted):
    """The near-duplicate, and the pair stored for every member of every workspace as if
    each had scanned while it was shared: what each may see is checked when read."""
    twin = plant_duplicate(owner, uow, canary, record, planted)
    low, high = sorted((planted["id"], twin["twin"]))
    with uow.write() as session:
        members = session.execute(select(Membership.user_id, Membership.workspace_id)).all()
        for user_id, workspace_id in members:
            session.add(StoredDuplicate(
                owner_id=user_id, workspace_id=workspace_id, contact_a_id=low,
                contact_b_id=high, score=99, reasons=[f"same name {canary}"], scanned_at=utcnow(),
            ))  # fmt: skip
    return twin


D = "/import/duplicates"
ROWS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "/import"): (lambda r: ("GET", "/import", None), _all(200), plant_import),
    ("POST", "/import"): (lambda r: ("POST", "/import", {"format": "vcard"}), _all(422)),
    ("GET", "/import/{import_id}"): (
        lambda r: ("GET", f"/import/{r['import']}", None),
        OWN,
        plant_import,
    ),
    ("GET", "/import/{import_id}/progress"): (
        lambda r: ("GET", f"/import/{r['import']}/progress", None),
        OWN,
        plant_import,
    ),
    ("POST", "/import/{import_id}/undo"): (
        lambda r: ("POST", f"/import/{r['import']}/undo", None),
        OWN_WRITE,
        plant_import,
    ),
    ("GET", D): (lambda r: ("GET", D, None), _all(200), plant_stored_duplicate),
    ("POST", D + "/scan"): (lambda r: ("POST", D + "/scan", None), _all(303), plant_duplicate),
    ("GET", D + "/scan"): (lambda r: ("GET", D + "/scan", None), _all(200), plant_duplicate),
    ("GET", D + "/{keep_id}/{other_id}"): (
        lambda r: ("GET", f"{D}/{r['id']}/{r['twin']}", None),
        _by_record((200, 404, 404), (200, 403, 404)),
        plant_duplicate,
    ),
    ("POST", D + "/{keep_id}/{other_id}/merge"): (
        lambda r: ("POST", f"{D}/{r['id']}/{r['twin']}/merge", None),
        _by_record((303, 404, 404), (303, 403, 404)),
        plant_duplicate,
    ),
    ("POST", D + "/{keep_id}/{other_id}/dismiss"): (
        lambda r: ("POST", f"{D}/{r['id']}/{r['twin']}/dismiss", None),
        _by_record((303, 404, 404), (303, 303, 404)),
        plant_duplicate,
    ),
}
