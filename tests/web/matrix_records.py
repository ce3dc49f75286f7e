"""Authorization-matrix rows for the organizations, positions, interactions,
notes, tasks, ledger and asks routes
(see test_authorization_matrix.py for the shape of a row).

Planting: on the private record, the owner's record itself carries the canary. On the
workspace record, the shared record is clean (a teammate may read it) and a private
sibling with the canary hangs off the same contact or organization, so the cell proves
the shared answer filters out what is private.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from goodwill.services import asks, ledger, notes, positions
from tests.factories import make_contact, make_interaction, make_organization, make_task

ROLES = ("owner", "teammate", "outsider")


def _by_record(private, workspace):
    cells = {}
    for role, p, w in zip(ROLES, private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


def _all(status):
    return _by_record((status,) * 3, (status,) * 3)


def _shared(ok):
    """Hidden from all but the owner when private; a teammate may read and change it too."""
    return _by_record((ok, 404, 404), (ok, ok, 404))


def _owned(ok):
    """Only the owner (or an admin) may do it; a teammate who sees it gets 403."""
    return _by_record((ok, 404, 404), (ok, 403, 404))


def _link(owner, uow, record, planted) -> int:
    """The contact the planted records are about: the canary contact when private, a
    clean shared one when the record is shared."""
    if record == "private":
        return int(planted["id"])
    return make_contact(owner, uow, name="Shared Person", visibility="workspace").id


def _text(canary, record, what):
    return f"{what} {canary}" if record == "private" else f"{what} for the team"


def _plant_org(owner, uow, canary, record, planted):
    org = make_organization(
        owner, uow, name=f"Org {uuid4().hex[:8]} {_text(canary, record, 'named')}",
        description=_text(canary, record, "about"), visibility=record,
    )  # fmt: skip
    hidden = make_contact(owner, uow, name=f"Quiet {canary}", visibility="private")
    positions.add_position(owner, uow, hidden.id, str(org.id), title=f"chief {canary}")
    notes.add_note(owner, uow, f"secret {canary}", organization=org.id, visibility="private")
    return {"org": org.id}


def _plant_position(owner, uow, canary, record, planted):
    link = _link(owner, uow, record, planted)
    view = positions.add_position(
        owner, uow, link, f"Firm {uuid4().hex[:8]}", title=_text(canary, record, "title"),
        start="2020-01-01",
    )  # fmt: skip
    return {"link": link, "position": view.id}


def _plant_interaction(owner, uow, canary, record, planted):
    link = _link(owner, uow, record, planted)
    shared = make_interaction(
        owner, uow, link, summary=_text(canary, record, "call"), visibility=record
    )
    make_interaction(owner, uow, link, summary=f"secret {canary}", visibility="private")
    return {"link": link, "interaction": shared.interaction.id}


def _plant_note(owner, uow, canary, record, planted):
    link = _link(owner, uow, record, planted)
    note = notes.add_note(
        owner, uow, _text(canary, record, "note"), contact=link, visibility=record
    )
    notes.add_note(owner, uow, f"secret {canary}", contact=link, visibility="private")
    return {"link": link, "note": note.id}


def _plant_task(owner, uow, canary, record, planted):
    link = _link(owner, uow, record, planted)
    task = make_task(
        owner, uow, title=_text(canary, record, "task"), due="2030-01-01", contact=link,
        visibility=record,
    )  # fmt: skip
    make_task(owner, uow, title=f"secret {canary}", contact=link, visibility="private")
    return {"link": link, "task": task.id}


def _plant_entry(owner, uow, canary, record, planted):
    link = _link(owner, uow, record, planted)
    entry = ledger.record_give(
        owner, uow, link, "favor", note=_text(canary, record, "gave"), visibility=record
    )
    ledger.record_receive(owner, uow, link, "advice", note=f"secret {canary}", visibility="private")
    return {"link": link, "entry": entry.id}


def _plant_ask(owner, uow, canary, record, planted):
    link = _link(owner, uow, record, planted)
    made = asks.create_ask(
        owner, uow, link, "favor", _text(canary, record, "what"), "you know", visibility=record
    )
    asks.create_ask(owner, uow, link, "advice", f"secret {canary}", "why", visibility="private")
    return {"link": link, "ask": made.ask.id}


def _req(method, url, body=None):
    return lambda r: (method, url.format(**r), body)


def _new(method, url, body):
    """A request whose body is made fresh for each call (unique names)."""
    return lambda r: (method, url.format(**r), body(r))


ORG = "/api/v1/organizations/{org}"
TASK = "/api/v1/tasks/{task}"
ASK = "/api/v1/asks/{ask}"

ROWS: dict[tuple[str, str], tuple[Any, ...]] = {
    # organizations and positions
    ("GET", "/api/v1/organizations"): (_req("GET", "/api/v1/organizations"), _all(200), _plant_org),
    ("POST", "/api/v1/organizations"): (
        _new("POST", "/api/v1/organizations", lambda r: {"name": f"New {uuid4().hex}"}),
        _all(201),
    ),
    ("GET", "/api/v1/organizations/{organization_id}"): (
        _req("GET", ORG), _shared(200), _plant_org,
    ),
    ("PATCH", "/api/v1/organizations/{organization_id}"): (
        _req("PATCH", ORG, {"domain": "example.org"}), _shared(200), _plant_org,
    ),
    ("POST", "/api/v1/organizations/{organization_id}/archive"): (
        _req("POST", ORG + "/archive", {"archived": True}), _shared(200), _plant_org,
    ),
    ("DELETE", "/api/v1/organizations/{organization_id}"): (
        _req("DELETE", ORG), _owned(204), _plant_org,
    ),
    ("POST", "/api/v1/contacts/{contact_id}/positions"): (
        _new(
            "POST", "/api/v1/contacts/{link}/positions",
            lambda r: {"organization": f"Firm {uuid4().hex[:8]}", "title": "Engineer"},
        ),
        _shared(201), _plant_position,
    ),
    ("POST", "/api/v1/positions/{position_id}/end"): (
        _req("POST", "/api/v1/positions/{position}/end", {"end": "today"}),
        _shared(200), _plant_position,
    ),
    # interactions and the timeline
    ("GET", "/api/v1/interactions"): (
        _req("GET", "/api/v1/interactions"), _all(200), _plant_interaction,
    ),
    ("POST", "/api/v1/interactions"): (
        _new(
            "POST", "/api/v1/interactions",
            lambda r: {"channel": "call", "participants": [r["link"]]},
        ),
        _shared(201), _plant_interaction,
    ),
    ("DELETE", "/api/v1/interactions/{interaction_id}"): (
        _req("DELETE", "/api/v1/interactions/{interaction}"), _owned(204), _plant_interaction,
    ),
    ("GET", "/api/v1/contacts/{contact_id}/timeline"): (
        _req("GET", "/api/v1/contacts/{link}/timeline"), _shared(200), _plant_interaction,
    ),
    # notes
    ("GET", "/api/v1/notes"): (
        _req("GET", "/api/v1/notes?contact_id={link}"), _shared(200), _plant_note,
    ),
    ("POST", "/api/v1/notes"): (
        _new("POST", "/api/v1/notes", lambda r: {"body": "a new note", "contact_id": r["link"]}),
        _shared(201), _plant_note,
    ),
    ("PATCH", "/api/v1/notes/{note_id}"): (
        _req("PATCH", "/api/v1/notes/{note}", {"body": "edited"}), _shared(200), _plant_note,
    ),
    ("DELETE", "/api/v1/notes/{note_id}"): (
        _req("DELETE", "/api/v1/notes/{note}"), _owned(204), _plant_note,
    ),
    # tasks
    ("GET", "/api/v1/tasks"): (
        _req("GET", "/api/v1/tasks?contact_id={link}"), _shared(200), _plant_task,
    ),
    ("POST", "/api/v1/tasks"): (
        _new("POST", "/api/v1/tasks", lambda r: {"title": "call back", "contact_id": r["link"]}),
        _shared(201), _plant_task,
    ),
    ("POST", "/api/v1/tasks/{task_id}/complete"): (
        _req("POST", TASK + "/complete"), _shared(200), _plant_task,
    ),
    ("POST", "/api/v1/tasks/{task_id}/snooze"): (
        _req("POST", TASK + "/snooze", {"until": "tomorrow"}), _shared(200), _plant_task,
    ),
    ("POST", "/api/v1/tasks/{task_id}/reschedule"): (
        _req("POST", TASK + "/reschedule", {"due": "2031-02-03"}), _shared(200), _plant_task,
    ),
    ("DELETE", "/api/v1/tasks/{task_id}"): (_req("DELETE", TASK), _owned(204), _plant_task),
    # ledger
    ("GET", "/api/v1/ledger"): (
        _req("GET", "/api/v1/ledger?contact_id={link}"), _shared(200), _plant_entry,
    ),
    ("POST", "/api/v1/ledger"): (
        _new(
            "POST", "/api/v1/ledger",
            lambda r: {"direction": "gave", "counterpart_id": r["link"], "kind": "article"},
        ),
        _shared(201), _plant_entry,
    ),
    ("GET", "/api/v1/ledger/balance"): (
        _req("GET", "/api/v1/ledger/balance?contact_id={link}"), _shared(200), _plant_entry,
    ),
    ("GET", "/api/v1/ledger/takers"): (
        _req("GET", "/api/v1/ledger/takers"), _all(200), _plant_entry,
    ),
    ("DELETE", "/api/v1/ledger/{entry_id}"): (
        _req("DELETE", "/api/v1/ledger/{entry}"), _owned(204), _plant_entry,
    ),
    # asks
    ("GET", "/api/v1/asks"): (
        _req("GET", "/api/v1/asks?contact_id={link}"), _shared(200), _plant_ask,
    ),
    ("POST", "/api/v1/asks"): (
        _new(
            "POST", "/api/v1/asks",
            lambda r: {"contact_id": r["link"], "kind": "advice", "what": "w", "why_them": "y"},
        ),
        _shared(201), _plant_ask,
    ),
    ("GET", "/api/v1/asks/{ask_id}"): (_req("GET", ASK), _shared(200), _plant_ask),
    ("POST", "/api/v1/asks/{ask_id}/steps"): (
        _req("POST", ASK + "/steps", {"channel": "email", "when": "2030-05-06"}),
        _owned(201), _plant_ask,
    ),
    ("POST", "/api/v1/asks/{ask_id}/asked"): (
        _req("POST", ASK + "/asked"), _owned(200), _plant_ask,
    ),
    ("POST", "/api/v1/asks/{ask_id}/close"): (
        _req("POST", ASK + "/close", {"outcome": "withdrawn"}), _owned(200), _plant_ask,
    ),
    ("DELETE", "/api/v1/asks/{ask_id}"): (_req("DELETE", ASK), _owned(204), _plant_ask),
    ("GET", "/api/v1/contacts/{contact_id}/readiness"): (
        _req("GET", "/api/v1/contacts/{link}/readiness"), _shared(200), _plant_ask,
    ),
}  # fmt: skip
