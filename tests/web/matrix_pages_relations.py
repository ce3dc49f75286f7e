"""Matrix rows for the Ledger, Asks, Introductions and Network pages (session clients,
forms; see test_authorization_matrix.py). A teammate's and an outsider's ledger, asks
and paths never show the owner's private contact (the canary): it is planted in the
owner's entries, asks, introductions and in the middle of a warm path."""

from __future__ import annotations

from uuid import uuid4

from goodwill.services import asks, intros, ledger, network
from tests.factories import make_contact, make_interaction
from tests.web.matrix_relationships import (
    READ,
    _all,
    _by_record,
    _hidden_person,
    _person,
    _text,
    plant_intro,
    plant_pair,
    plant_person,
)

# A form the owner may send; the others' refused one comes back re-rendered (422).
FORM = _by_record((303, 422, 422), (303, 303, 422))
# The owner's record moved: a teammate may see a shared one but not change it.
MOVE = _by_record((303, 404, 404), (303, 403, 404))


def plant_ledger(owner, uow, canary, record, planted):
    """The owner's entries with the planted contact (a taker: received more)."""
    ledger.record_receive(owner, uow, planted["id"], "advice", weight=4, note=f"tip {canary}")
    ledger.record_give(owner, uow, planted["id"], "article", weight=1, note=f"read {canary}")
    return {}


def plant_ask(owner, uow, canary, record, planted):
    person = _person(owner, uow, canary, record, planted)
    view = asks.create_ask(owner, uow, person, "favor", f"a favor {canary}", "they know",
                           visibility=record)  # fmt: skip
    return {"ask": view.ask.id, "person": person}


def plant_asked(owner, uow, canary, record, planted):
    found = plant_ask(owner, uow, canary, record, planted)
    asks.mark_asked(owner, uow, found["ask"])
    return found


def plant_planned_ask(owner, uow, canary, record, planted):
    """An ask with a plan step, about a private target (the canary) either way; its own
    text carries the canary only when the ask is private."""
    person = _person(owner, uow, canary, record, planted)
    view = asks.create_ask(owner, uow, person, "introduction", _text(canary, record, "favor"),
                           "they know", "a fit", "a blurb",
                           target=_hidden_person(owner, uow, canary), visibility=record,
                           steps=[("coffee", "+2d")])  # fmt: skip
    return {"ask": view.ask.id, "step": view.ask.steps[0].task_id, "person": person}


def plant_needs_info(owner, uow, canary, record, planted):
    found = plant_intro(owner, uow, canary, record, planted)
    intros.triage_introduction(owner, uow, found["intro"], "tell-me-why")
    return found


def _at(to):
    return lambda owner, uow, canary, record, planted: plant_intro(
        owner, uow, canary, record, planted, to=to
    )


def plant_path(owner, uow, canary, record, planted):
    """me → a private contact with the canary → a workspace target they know."""
    target = make_contact(owner, uow, name=f"Target {uuid4().hex[:6]}", visibility="workspace").id
    middle = _hidden_person(owner, uow, canary)
    make_interaction(owner, uow, middle, summary="coffee")
    network.record_knows(owner, uow, middle, target, 0.9, note=f"via {canary}",
                         visibility=record)  # fmt: skip
    return {"target": target}


A = "/asks/{ask_id}"
N = "/introductions/{intro_id}"
ROWS = {
    ("GET", "/ledger"): (lambda r: ("GET", "/ledger", None), _all(200), plant_ledger),
    ("POST", "/ledger"): (
        lambda r: (
            "POST",
            "/ledger",
            {"direction": "gave", "counterpart": f"#{r['person']}", "kind": "favor", "weight": "2"},
        ),  # fmt: skip
        FORM,
        plant_person,
    ),
    ("GET", "/asks"): (lambda r: ("GET", "/asks", None), _all(200), plant_ask),
    ("POST", "/asks/preview"): (
        lambda r: (
            "POST",
            "/asks/preview",
            {"contact": f"#{r['person']}", "kind": "favor", "what": "Could you review my plan?"},
        ),  # fmt: skip
        _all(200),
        plant_person,
    ),
    ("POST", "/asks"): (
        lambda r: (
            "POST",
            "/asks",
            {
                "contact": f"#{r['person']}",
                "kind": "favor",
                "what": "a review",
                "why_them": "they know",
            },
        ),  # fmt: skip
        FORM,
        plant_person,
    ),
    ("POST", A + "/asked"): (lambda r: ("POST", f"/asks/{r['ask']}/asked", None), MOVE, plant_ask),
    ("POST", A + "/close"): (
        lambda r: ("POST", f"/asks/{r['ask']}/close", {"outcome": "granted", "record": "yes"}),
        MOVE,
        plant_asked,
    ),
    ("GET", A): (lambda r: ("GET", f"/asks/{r['ask']}", None), READ, plant_planned_ask),
    ("POST", A + "/steps"): (
        lambda r: ("POST", f"/asks/{r['ask']}/steps", {"channel": "a call", "when": "+3d"}),
        MOVE,
        plant_planned_ask,
    ),
    ("POST", A + "/steps/{task_id}/done"): (
        lambda r: ("POST", f"/asks/{r['ask']}/steps/{r['step']}/done", None),
        MOVE,
        plant_planned_ask,
    ),
    ("GET", "/introductions"): (lambda r: ("GET", "/introductions", None), _all(200), plant_intro),
    ("POST", "/introductions"): (
        lambda r: (
            "POST",
            "/introductions",
            {"requester": f"#{r['a']}", "target": f"#{r['b']}", "goal": "meet"},
        ),  # fmt: skip
        FORM,
        plant_pair,
    ),
    ("POST", N + "/triage"): (
        lambda r: ("POST", f"/introductions/{r['intro']}/triage", {"decision": "accept"}),
        MOVE,
        plant_intro,
    ),
    ("POST", N + "/answer"): (
        lambda r: ("POST", f"/introductions/{r['intro']}/answer", {"why_target": "fit"}),
        MOVE,
        plant_needs_info,
    ),
    ("POST", N + "/consent"): (
        lambda r: (
            "POST",
            f"/introductions/{r['intro']}/consent",
            {"agreed": "yes", "by": str(r["target"])},
        ),  # fmt: skip
        MOVE,
        _at("asked"),
    ),
    ("POST", N + "/make"): (
        lambda r: ("POST", f"/introductions/{r['intro']}/make", {"weight": "2"}),
        MOVE,
        _at("agreed"),
    ),
    ("POST", N + "/outcome"): (
        lambda r: ("POST", f"/introductions/{r['intro']}/outcome", {"outcome": "met"}),
        MOVE,
        _at("made"),
    ),
    ("GET", "/network"): (
        lambda r: ("GET", f"/network?target=%23{r['target']}", None),
        _all(200),
        plant_path,
    ),
    # "Private" is the hidden person's last name (the planted contact's is "Hidden").
    ("GET", "/network/suggest"): (
        lambda r: ("GET", "/network/suggest?target=Private", None),
        _all(200),
        lambda owner, uow, canary, record, planted: {"hidden": _hidden_person(owner, uow, canary)},
    ),
}
