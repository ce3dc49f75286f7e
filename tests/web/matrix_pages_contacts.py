"""Matrix rows for the Contacts pages (see test_authorization_matrix.py and
matrix_pages.py for the shape of a row; the client is a browser's session).

The list is searched for the planted contact's last name ("Hidden"), never for the
canary itself: the search box echoes the query, which would be the caller's own input.
"""

from __future__ import annotations

from goodwill.services import ledger
from tests.factories import make_interaction


def _all(status):
    return {(role, record): status for role in ("owner", "teammate", "outsider")
            for record in ("private", "workspace")}  # fmt: skip


def _by_record(private, workspace):
    cells = {}
    for role, p, w in zip(("owner", "teammate", "outsider"), private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


def plant_history(owner, uow, canary, record, planted):
    """The owner's private touch and ledger entry with the planted contact."""
    make_interaction(owner, uow, planted["id"], summary=f"talked {canary}", visibility="private")
    ledger.record_give(owner, uow, planted["id"], "advice", note=f"gave {canary}")
    return {}


READ = _by_record((200, 404, 404), (200, 200, 404))
WRITE = _by_record((303, 404, 404), (303, 303, 404))

ROWS = {
    ("GET", "/contacts"): (lambda r: ("GET", "/contacts?q=hidden", None), _all(200)),
    ("POST", "/contacts"): (
        lambda r: ("POST", "/contacts", {"name": "New Person", "visibility": "private"}),
        _all(303),
    ),
    ("POST", "/contacts/bulk"): (
        lambda r: ("POST", "/contacts/bulk", {"ids": [r["id"]], "action": "tag", "tag": "m"}),
        WRITE,
    ),
    ("GET", "/contacts/{contact_id}"): (lambda r: ("GET", f"/contacts/{r['id']}", None), READ),
    # The contact's older interactions and the caller's own older ledger entries with them.
    ("GET", "/contacts/{contact_id}/timeline"): (
        lambda r: ("GET", f"/contacts/{r['id']}/timeline", None),
        READ,
        plant_history,
    ),
    ("GET", "/contacts/{contact_id}/ledger"): (
        lambda r: ("GET", f"/contacts/{r['id']}/ledger", None),
        READ,
        plant_history,
    ),
    ("POST", "/contacts/{contact_id}/interactions"): (
        lambda r: ("POST", f"/contacts/{r['id']}/interactions", {"channel": "call"}),
        WRITE,
    ),
    ("POST", "/contacts/{contact_id}/ledger"): (
        lambda r: (
            "POST",
            f"/contacts/{r['id']}/ledger",
            {"direction": "gave", "kind": "advice", "weight": "2"},
        ),
        WRITE,
    ),
    ("POST", "/contacts/{contact_id}/tasks"): (
        lambda r: ("POST", f"/contacts/{r['id']}/tasks", {"title": "follow up"}),
        WRITE,
    ),
}
