"""/api/v1 introductions, needs and offers, ways to give, discovery profiles."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
INTRO = {"goal": "find a first hire", "why_target": "she hired ten", "blurb": "Ana builds X"}


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _contact(client, name, **extra):
    return _ok(client.post("/api/v1/contacts", json={"name": name, **extra}), 201)["id"]


def _intro(client, **overrides):
    body = {
        "requester_id": _contact(client, "Ana Alvarez"),
        "target_id": _contact(client, "Ben Brown"),
        **INTRO,
        **overrides,
    }
    return _ok(client.post("/api/v1/introductions", json=body), 201)


def test_an_introduction_from_request_to_outcome(as_owner):
    intro = _intro(as_owner)
    base = f"/api/v1/introductions/{intro['id']}"
    assert intro["status"] == "requested" and "ask-target" in intro["allowed"]
    moved = _ok(as_owner.post(f"{base}/triage", json={"decision": "accept"}))
    assert moved["introduction"]["status"] == "target-asked" and "Ben" in moved["message"]
    consent = {"agreed": True, "by": intro["target"]["id"]}
    assert _ok(as_owner.post(f"{base}/consent", json=consent))["status"] == "target-agreed"
    made = _ok(as_owner.post(f"{base}/make", json={"weight": 2}))
    assert made["introduction"]["status"] == "made" and made["introduction"]["ledger_entry_id"]
    done = _ok(as_owner.post(f"{base}/outcome", json={"outcome": "met", "note": "coffee"}))
    assert (done["status"], done["outcome"]) == ("closed", "met")
    shown = _ok(as_owner.get(base))
    assert [e["to_status"] for e in shown["events"]][-1] == "closed"
    listed = _ok(as_owner.get("/api/v1/introductions", params={"status": "closed"}))["items"]
    assert [i["id"] for i in listed] == [intro["id"]]
    assert _ok(as_owner.get("/api/v1/introductions", params={"open_only": True}))["items"] == []


def test_introduction_moves_out_of_order_are_conflicts(as_owner):
    intro = _intro(as_owner)
    response = as_owner.post(f"/api/v1/introductions/{intro['id']}/make", json={})
    assert response.status_code in (409, 422) and response.headers["content-type"] == PROBLEM


def test_a_consent_by_someone_else_than_the_target_is_refused(as_owner):
    intro = _intro(as_owner)
    base = f"/api/v1/introductions/{intro['id']}"
    _ok(as_owner.post(f"{base}/triage", json={"decision": "accept"}))
    wrong = as_owner.post(f"{base}/consent", json={"agreed": True, "by": intro["requester"]["id"]})
    assert wrong.status_code == 422 and wrong.json()["errors"]


def test_hidden_and_missing_introductions_look_the_same(as_owner, as_teammate):
    ana = _contact(as_owner, "Ana Alvarez", visibility="private")
    intro = _intro(as_owner, requester_id=ana)
    hidden = as_teammate.get(f"/api/v1/introductions/{intro['id']}")
    missing = as_teammate.get("/api/v1/introductions/2147483000")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.json()) == set(missing.json())
    assert hidden.json()["detail"].replace(str(intro["id"]), "N") == missing.json()[
        "detail"
    ].replace("2147483000", "N")


def test_needs_offers_and_a_way_to_give(as_owner):
    ana, dan = _contact(as_owner, "Ana Alvarez"), _contact(as_owner, "Dan Evans")
    need = {"kind": "need", "contact_id": ana, "text": "looking for a fintech job"}
    need = _ok(as_owner.post("/api/v1/needs-offers", json={**need, "tags": ["fintech"]}), 201)
    offer = {"kind": "offer", "contact_id": dan, "text": "recruiter for fintech roles"}
    offer = _ok(
        as_owner.post("/api/v1/needs-offers", json={**offer, "tags": ["recruiting", "fintech"]}),
        201,
    )
    listed = _ok(as_owner.get("/api/v1/needs-offers"))
    assert [i["id"] for i in listed["items"]] == [need["id"], offer["id"]]  # needs first
    assert _ok(as_owner.get("/api/v1/needs-offers", params={"limit": 1}))["more"] is True
    ways = _ok(as_owner.get("/api/v1/ways-to-give"))["items"]
    assert ways and ways[0]["need"]["id"] == need["id"]
    acted = _ok(as_owner.post(f"/api/v1/ways-to-give/{ways[0]['short_key']}/act", json={}))
    assert acted["acted_as"] in ("introduction", "ledger")
    assert _ok(as_owner.get("/api/v1/ways-to-give"))["items"] == []
    closed = _ok(as_owner.post(f"/api/v1/needs-offers/{need['id']}/close"))
    assert closed["closed_at"]
    assert as_owner.post(f"/api/v1/needs-offers/{need['id']}/close").status_code == 409


def test_a_dismissed_way_to_give_does_not_come_back(as_owner):
    ana, ben = _contact(as_owner, "Ana Alvarez"), _contact(as_owner, "Ben Brown")
    for kind, who, text in [
        ("need", ana, "hiring a data engineer"),
        ("offer", ben, "data engineer"),
    ]:
        body = {"kind": kind, "contact_id": who, "text": text, "tags": ["data engineering"]}
        _ok(as_owner.post("/api/v1/needs-offers", json=body), 201)
    key = _ok(as_owner.get("/api/v1/ways-to-give"))["items"][0]["key"]
    assert _ok(as_owner.post(f"/api/v1/ways-to-give/{key}/dismiss"))["key"] == key
    assert _ok(as_owner.get("/api/v1/ways-to-give"))["items"] == []
    assert as_owner.post(f"/api/v1/ways-to-give/{key}/dismiss").status_code == 404


def test_discovery_profile_records_and_shows_answers(as_owner):
    ana = _contact(as_owner, "Ana Alvarez")
    body = {"contact_id": ana, "answers": {"goal": "grow to 20 people", "challenges": "hiring"}}
    recorded = _ok(as_owner.post("/api/v1/discovery", json=body), 201)
    assert len(recorded["recorded"]) == 2
    shown = _ok(as_owner.get("/api/v1/discovery", params={"contact_id": ana}))
    latest = {q["key"]: (q["latest"] or {}).get("answer") for q in shown["questions"]}
    assert latest["goal"] == "grow to 20 people" and latest["approach"] is None


def test_discovery_needs_exactly_one_subject(as_owner):
    response = as_owner.get("/api/v1/discovery")
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/introductions", {"requester_id": 1, "target_id": 2, "goal": "x\x00"}),
        ("/api/v1/introductions", {"requester_id": 1, "target_id": 2, "goal": "g" * 2001}),
        ("/api/v1/introductions", {"requester_id": 0, "target_id": 2, "goal": "g"}),
        ("/api/v1/introductions/1/triage", {"decision": "maybe"}),
        ("/api/v1/introductions/1/triage", {"decision": "decline", "note": "\x00"}),
        ("/api/v1/introductions/1/make", {"weight": 6}),
        ("/api/v1/introductions/1/outcome", {"outcome": "met", "note": "n" * 2001}),
        ("/api/v1/needs-offers", {"kind": "need", "text": "a\x00b"}),
        ("/api/v1/needs-offers", {"kind": "wish", "text": "ab"}),
        ("/api/v1/needs-offers", {"kind": "need", "text": "t", "tags": ["x" * 201]}),
        ("/api/v1/ways-to-give/abcdef/act", {"as": "gift"}),
        ("/api/v1/discovery", {"contact_id": 1, "answers": {"goal": "\x00"}}),
        ("/api/v1/discovery", {"contact_id": 1, "answers": {"g" * 101: "x"}}),
        ("/api/v1/introductions/99999999999/make", {}),
        ("/api/v1/ways-to-give/not-hex!/dismiss", None),
    ],
)
def test_bad_input_is_a_422_problem(as_owner, path, body):
    response = as_owner.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert all({"field", "reason"} <= set(e) for e in response.json()["errors"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/introductions?limit=0",
        "/api/v1/introductions?status=%00",
        "/api/v1/needs-offers?contact_id=99999999999",
        "/api/v1/ways-to-give?limit=101",
        "/api/v1/discovery?contact_id=abc",
    ],
)
def test_bad_queries_are_422(as_owner, path):
    response = as_owner.get(path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
