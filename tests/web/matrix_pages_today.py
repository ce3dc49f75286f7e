"""Matrix rows for the Today page's actions (see test_authorization_matrix.py and
matrix_pages.py for the shape of a row). The requests are plain forms: success is a
303 back to Today; a record the actor may not see is 404."""

from __future__ import annotations

from goodwill.services import giving
from tests.factories import make_contact, make_task

ROLES = ("owner", "teammate", "outsider")


def _by_record(private, workspace):
    """Statuses per role (owner, teammate, outsider) on the private and the workspace record."""
    cells = {}
    for role, p, w in zip(ROLES, private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


def _all(status):
    return _by_record((status,) * 3, (status,) * 3)


def _task(owner, uow, canary, record, planted):
    """The owner's task about the planted contact, due today, as visible as the record."""
    task = make_task(owner, uow, title=f"call {canary}", due="today", contact=planted["id"],
                     visibility=record)  # fmt: skip
    return {"task": task.id}


def _give(owner, uow, canary, record, planted):
    """A way to give the owner sees: the planted contact's need, another's offer."""
    other = make_contact(owner, uow, name=f"Offering {canary[-6:]}", visibility="workspace")
    giving.add_need(owner, uow, planted["id"], f"hiring {canary} engineer", tags=["matrix-de"])
    giving.add_offer(owner, uow, other.id, "engineer open to roles", tags=["matrix-de"])
    found = giving.ways_to_give(owner, uow, limit=100)
    # The pair may suggest more than one way (introduce, refer): any of them will do.
    keys = [g.key for g in found if canary in g.need.text and g.offer.contact.id == other.id]
    return {"key": keys[0]}


ROWS = {
    ("GET", "/today/week"): (lambda r: ("GET", "/today/week", None), _all(200)),
    # A workspace task is the teammate's to tick off too (services.tasks: visible, open).
    ("POST", "/today/tasks/{task_id}/done"): (
        lambda r: ("POST", f"/today/tasks/{r['task']}/done", None),
        _by_record((303, 404, 404), (303, 303, 404)),
        _task,
    ),
    ("POST", "/today/tasks/{task_id}/snooze"): (
        lambda r: ("POST", f"/today/tasks/{r['task']}/snooze", {"until": "+7d"}),
        _by_record((303, 404, 404), (303, 303, 404)),
        _task,
    ),
    ("POST", "/today/contacts/{contact_id}/touch"): (
        lambda r: ("POST", f"/today/contacts/{r['id']}/touch", {"channel": "call"}),
        _by_record((303, 404, 404), (303, 303, 404)),
    ),
    # A way to give pairs the owner's own offer: nobody else sees the suggestion.
    ("POST", "/today/gives/{key}/act"): (
        lambda r: ("POST", f"/today/gives/{r['key']}/act", {"as": "ledger"}),
        _all(404) | {("owner", "private"): 303, ("owner", "workspace"): 303},
        _give,
    ),
    ("POST", "/today/gives/{key}/dismiss"): (
        lambda r: ("POST", f"/today/gives/{r['key']}/dismiss", None),
        _all(404) | {("owner", "private"): 303, ("owner", "workspace"): 303},
        _give,
    ),
}
