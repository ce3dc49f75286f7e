"""Authorization-matrix rows for the introductions, needs and offers,
ways to give, discovery, pipelines, opportunities and reports routes
(see test_authorization_matrix.py for the shape of a row).

A private record carries the canary in its own text and people. A workspace record is
one a teammate may read, so its own text is plain; what it links to that is private (a
private contact, a private answer, a private opportunity) carries the canary instead,
proving the teammate sees the record with those parts redacted or left out.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from goodwill.services import discovery, giving, intros, opportunities, pipelines
from tests.factories import make_contact


def _all(status):
    return _by_record((status,) * 3, (status,) * 3)


def _by_record(private, workspace):
    cells = {}
    for role, p, w in zip(("owner", "teammate", "outsider"), private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


READ = _by_record((200, 404, 404), (200, 200, 404))
CHANGE = _by_record((200, 404, 404), (200, 403, 404))


def _text(canary, record, what):
    return f"{what} {canary}" if record == "private" else f"a shared {what}"


def _hidden_person(owner, uow, canary):
    return make_contact(owner, uow, name=None, first_name=canary, last_name="Private",
                        visibility="private").id  # fmt: skip


def _person(owner, uow, canary, record, planted):
    """The planted contact when private; a plain workspace contact otherwise."""
    if record == "private":
        return planted["id"]
    return make_contact(owner, uow, name=f"Shared {uuid4().hex[:6]}", visibility="workspace").id


def plant_person(owner, uow, canary, record, planted):
    return {"person": _person(owner, uow, canary, record, planted)}


def plant_pair(owner, uow, canary, record, planted):
    other = make_contact(owner, uow, name=f"Other {uuid4().hex[:6]}", visibility="workspace").id
    return {"a": _person(owner, uow, canary, record, planted), "b": other}


def plant_intro(owner, uow, canary, record, planted, *, to=None):
    """An introduction whose target is private (carries the canary) either way."""
    requester = _person(owner, uow, canary, record, planted)
    target = _hidden_person(owner, uow, canary)
    view = intros.request_introduction(
        owner, uow, f"#{requester}", f"#{target}", goal=_text(canary, record, "goal"),
        why_target=_text(canary, record, "why"), blurb=_text(canary, record, "blurb"),
        visibility=record,
    )  # fmt: skip
    if to in ("asked", "agreed", "made"):
        intros.triage_introduction(owner, uow, view.id, "accept")
    if to in ("agreed", "made"):
        intros.record_consent(owner, uow, view.id, agreed=True, by=target)
    if to == "made":
        intros.make_introduction(owner, uow, view.id)
    return {"intro": view.id, "target": target}


def plant_items(owner, uow, canary, record, planted):
    """A need and an offer that match, and the suggestion's key."""
    need_by = _person(owner, uow, canary, record, planted)
    offer_by = (
        _hidden_person(owner, uow, canary)
        if record == "private"
        else _person(owner, uow, canary, record, planted)
    )
    tags = [f"topic{uuid4().hex[:6]}"]
    need = giving.add_need(owner, uow, need_by, _text(canary, record, "need for fintech"),
                           tags=tags, visibility=record)  # fmt: skip
    giving.add_offer(owner, uow, offer_by, _text(canary, record, "recruiter for fintech"),
                     tags=tags, visibility=record)  # fmt: skip
    found = giving.ways_to_give(owner, uow, limit=50)
    key = next(s.key for s in found if s.need.id == need.id)
    return {"need": need.id, "key": key}


def plant_discovery(owner, uow, canary, record, planted):
    """A profile: a private answer with the canary, and for a workspace contact a
    workspace answer too."""
    person = _person(owner, uow, canary, record, planted)
    discovery.record_discovery(owner, uow, person, {"challenges": f"hard {canary}"},
                               visibility="private")  # fmt: skip
    if record == "workspace":
        discovery.record_discovery(owner, uow, person, {"goal": "grow"}, visibility="workspace")
    return {"person": person}


def plant_pipeline(owner, uow, canary, record, planted):
    """A pipeline of the record's visibility holding a private opportunity that was
    qualified out for a reason with the canary, and an opportunity of its own visibility."""
    view = pipelines.create_pipeline(
        owner, uow, _text(canary, record, f"pipeline {uuid4().hex[:6]}"), "sales",
        visibility=record,
    )  # fmt: skip
    hidden = opportunities.add_opportunity(
        owner, uow, view.id, f"deal {canary}", value="10", currency="EUR", visibility="private"
    )
    opportunities.qualify_out(owner, uow, hidden.id, f"reason {canary}")
    opp = opportunities.add_opportunity(
        owner, uow, view.id, _text(canary, record, "deal"), value="5", currency="EUR",
        visibility=record,
    )  # fmt: skip
    return {"pipeline": view.id, "opp": opp.id, "stage": view.stages[1].name}


def _row(request, expected, plant=None):
    return (request, expected, plant) if plant else (request, expected)


I = "/api/v1/introductions"  # noqa: E741
ROWS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", I): _row(lambda r: ("GET", f"{I}?limit=500", None), _all(200), plant_intro),
    ("POST", I): _row(
        lambda r: ("POST", I, {"requester_id": r["a"], "target_id": r["b"], "goal": "meet"}),
        _by_record((201, 404, 404), (201, 201, 404)),
        plant_pair,
    ),
    ("GET", I + "/{intro_id}"): _row(
        lambda r: ("GET", f"{I}/{r['intro']}", None), READ, plant_intro
    ),
    ("POST", I + "/{intro_id}/triage"): _row(
        lambda r: ("POST", f"{I}/{r['intro']}/triage", {"decision": "decline"}),
        CHANGE,
        plant_intro,
    ),
    ("POST", I + "/{intro_id}/consent"): _row(
        lambda r: ("POST", f"{I}/{r['intro']}/consent", {"agreed": True, "by": r["target"]}),
        CHANGE,
        lambda *a: plant_intro(*a, to="asked"),
    ),
    ("POST", I + "/{intro_id}/make"): _row(
        lambda r: ("POST", f"{I}/{r['intro']}/make", {"weight": 2}),
        CHANGE,
        lambda *a: plant_intro(*a, to="agreed"),
    ),
    ("POST", I + "/{intro_id}/outcome"): _row(
        lambda r: ("POST", f"{I}/{r['intro']}/outcome", {"outcome": "met"}),
        CHANGE,
        lambda *a: plant_intro(*a, to="made"),
    ),
    ("GET", "/api/v1/needs-offers"): _row(
        lambda r: ("GET", "/api/v1/needs-offers?include_closed=true", None),
        _all(200),
        plant_items,
    ),
    ("POST", "/api/v1/needs-offers"): _row(
        lambda r: (
            "POST",
            "/api/v1/needs-offers",
            {"kind": "need", "contact_id": r["person"], "text": "a new need"},
        ),
        _by_record((201, 404, 404), (201, 201, 404)),
        plant_person,
    ),
    ("POST", "/api/v1/needs-offers/{item_id}/close"): _row(
        lambda r: ("POST", f"/api/v1/needs-offers/{r['need']}/close", None), CHANGE, plant_items
    ),
    ("GET", "/api/v1/ways-to-give"): _row(
        lambda r: ("GET", "/api/v1/ways-to-give?limit=100", None), _all(200), plant_items
    ),
    ("POST", "/api/v1/ways-to-give/{key}/dismiss"): _row(
        lambda r: ("POST", f"/api/v1/ways-to-give/{r['key']}/dismiss", None),
        _by_record((200, 404, 404), (200, 200, 404)),
        plant_items,
    ),
    ("POST", "/api/v1/ways-to-give/{key}/act"): _row(
        lambda r: ("POST", f"/api/v1/ways-to-give/{r['key']}/act", {}),
        _by_record((200, 404, 404), (200, 200, 404)),
        plant_items,
    ),
    ("GET", "/api/v1/discovery"): _row(
        lambda r: ("GET", f"/api/v1/discovery?contact_id={r['person']}", None),
        READ,
        plant_discovery,
    ),
    ("POST", "/api/v1/discovery"): _row(
        lambda r: (
            "POST",
            "/api/v1/discovery",
            {"contact_id": r["person"], "answers": {"approach": "by hand"}},
        ),
        _by_record((201, 404, 404), (201, 201, 404)),
        plant_discovery,
    ),
    ("GET", "/api/v1/pipelines"): _row(
        lambda r: ("GET", "/api/v1/pipelines", None), _all(200), plant_pipeline
    ),
    ("POST", "/api/v1/pipelines"): _row(
        lambda r: ("POST", "/api/v1/pipelines", {"name": f"P {uuid4().hex}", "kind": "sales"}),
        _all(201),
    ),
    ("GET", "/api/v1/pipelines/{pipeline_id}"): _row(
        lambda r: ("GET", f"/api/v1/pipelines/{r['pipeline']}", None), READ, plant_pipeline
    ),
    ("GET", "/api/v1/opportunities"): _row(
        lambda r: ("GET", "/api/v1/opportunities?limit=500", None), _all(200), plant_pipeline
    ),
    ("POST", "/api/v1/opportunities"): _row(
        lambda r: ("POST", "/api/v1/opportunities", {"pipeline_id": r["pipeline"], "title": "x"}),
        _by_record((201, 404, 404), (201, 403, 404)),
        plant_pipeline,
    ),
    ("GET", "/api/v1/opportunities/{opp_id}"): _row(
        lambda r: ("GET", f"/api/v1/opportunities/{r['opp']}", None), READ, plant_pipeline
    ),
    ("POST", "/api/v1/opportunities/{opp_id}/move"): _row(
        lambda r: ("POST", f"/api/v1/opportunities/{r['opp']}/move", {"stage": r["stage"]}),
        CHANGE,
        plant_pipeline,
    ),
    ("POST", "/api/v1/opportunities/{opp_id}/qualify-out"): _row(
        lambda r: ("POST", f"/api/v1/opportunities/{r['opp']}/qualify-out", {"reason": "no"}),
        CHANGE,
        plant_pipeline,
    ),
    ("GET", "/api/v1/reports/goals"): _row(
        lambda r: ("GET", "/api/v1/reports/goals", None), _all(200)
    ),
    ("GET", "/api/v1/reports/{name}"): _row(
        lambda r: ("GET", f"/api/v1/reports/funnel?pipeline_id={r['pipeline']}", None),
        READ,
        plant_pipeline,
    ),
}
