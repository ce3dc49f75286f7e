"""/api/v1 organizations, positions, interactions, notes, tasks, ledger and asks:
happy paths over the services, hidden = missing, bad input = 422 problem+json."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def _contact(client, name, **extra):
    return _ok(client.post("/api/v1/contacts", json={"name": name, **extra}), 201)["id"]


def test_organization_crud_archive_and_positions(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    org = _ok(as_owner.post("/api/v1/organizations", json={"name": "Analytical Engines"}), 201)
    dup = as_owner.post("/api/v1/organizations", json={"name": "analytical engines"})
    assert dup.status_code == 409 and dup.headers["content-type"] == PROBLEM
    position = _ok(
        as_owner.post(
            f"/api/v1/contacts/{ada}/positions",
            json={
                "organization": "Analytical Engines",
                "title": "Programmer",
                "start": "1842-01-01",
            },
        ),
        201,
    )
    assert position["organization"]["id"] == org["id"]
    shown = _ok(as_owner.get(f"/api/v1/organizations/{org['id']}"))
    assert [p["contact"]["label"] for p in shown["people"]] == ["Ada Lovelace"]
    ended = _ok(
        as_owner.post(f"/api/v1/positions/{position['id']}/end", json={"end": "1852-11-27"})
    )
    assert ended["end_date"] == "1852-11-27"
    patched = _ok(
        as_owner.patch(f"/api/v1/organizations/{org['id']}", json={"domain": "Engines.example"})
    )
    assert patched["domain"] == "engines.example"
    archived = as_owner.post(f"/api/v1/organizations/{org['id']}/archive", json={"archived": True})
    assert _ok(archived)["archived"] is True
    assert _ok(as_owner.get("/api/v1/organizations"))["items"] == []
    listed = _ok(as_owner.get("/api/v1/organizations", params={"include_archived": "true"}))
    assert [o["name"] for o in listed["items"]] == ["Analytical Engines"]
    _ok(as_owner.delete(f"/api/v1/organizations/{org['id']}"), 204)
    assert as_owner.get(f"/api/v1/organizations/{org['id']}").status_code == 404


def test_interactions_and_timeline(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    bob = _contact(as_owner, "Bob Babbage")
    logged = _ok(
        as_owner.post(
            "/api/v1/interactions",
            json={"channel": "coffee", "participants": [ada, bob], "summary": "engines",
                  "when": "2024-03-01 10:00"},
        ),
        201,
    )  # fmt: skip
    first = logged["interaction"]
    _ok(as_owner.post("/api/v1/interactions", json={"channel": "call", "participants": [ada]}), 201)
    timeline = _ok(as_owner.get(f"/api/v1/contacts/{ada}/timeline"))["items"]
    assert [i["channel"] for i in timeline] == ["call", "coffee"]
    older = _ok(
        as_owner.get(
            f"/api/v1/contacts/{ada}/timeline", params={"before": timeline[0]["occurred_at"]}
        )
    )["items"]
    assert [i["id"] for i in older] == [first["id"]]
    calls = _ok(as_owner.get("/api/v1/interactions", params={"channel": "call"}))["items"]
    assert len(calls) == 1
    _ok(as_owner.delete(f"/api/v1/interactions/{first['id']}"), 204)
    assert len(_ok(as_owner.get(f"/api/v1/contacts/{bob}/timeline"))["items"]) == 0


def test_timeline_before_needs_a_time_zone(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    response = as_owner.get(
        f"/api/v1/contacts/{ada}/timeline", params={"before": "2024-01-01T00:00:00"}
    )
    assert response.status_code == 422


def test_notes_crud(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    note = _ok(
        as_owner.post("/api/v1/notes", json={"body": "likes poetry", "contact_id": ada}), 201
    )
    assert note["about"]["label"] == "Ada Lovelace"
    edited = _ok(as_owner.patch(f"/api/v1/notes/{note['id']}", json={"body": "loves poetry"}))
    assert edited["body"] == "loves poetry"
    listed = _ok(as_owner.get("/api/v1/notes", params={"contact_id": ada}))["items"]
    assert [n["body"] for n in listed] == ["loves poetry"]
    both = as_owner.post(
        "/api/v1/notes", json={"body": "x", "contact_id": ada, "organization_id": 1}
    )
    assert both.status_code == 422
    _ok(as_owner.delete(f"/api/v1/notes/{note['id']}"), 204)
    assert _ok(as_owner.get("/api/v1/notes"))["items"] == []


def test_tasks_lifecycle(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    task = _ok(
        as_owner.post(
            "/api/v1/tasks",
            json={"title": "send the paper", "due": "2030-01-07", "contact_id": ada,
                  "repeat": "weekly"},
        ),
        201,
    )  # fmt: skip
    assert task["due_local"] == "2030-01-07"
    moved = _ok(as_owner.post(f"/api/v1/tasks/{task['id']}/reschedule", json={"due": "2030-02-01"}))
    assert moved["due_local"] == "2030-02-01"
    snoozed = _ok(as_owner.post(f"/api/v1/tasks/{task['id']}/snooze", json={"until": "2030-01-15"}))
    assert snoozed["snoozed_until"]
    done = _ok(as_owner.post(f"/api/v1/tasks/{task['id']}/complete"))
    assert done["next_occurrence"]["title"] == "send the paper"
    again = as_owner.post(f"/api/v1/tasks/{task['id']}/complete")
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    open_ids = [t["id"] for t in _ok(as_owner.get("/api/v1/tasks"))["items"]]
    assert open_ids == [done["next_occurrence"]["id"]]
    everything = _ok(as_owner.get("/api/v1/tasks", params={"include_done": "true"}))["items"]
    assert len(everything) == 2
    _ok(as_owner.delete(f"/api/v1/tasks/{open_ids[0]}"), 204)


def test_ledger_entries_balance_and_takers(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    gave = {"direction": "gave", "counterpart_id": ada, "kind": "article", "weight": 2}
    entry = _ok(as_owner.post("/api/v1/ledger", json=gave), 201)
    got = {"direction": "received", "counterpart_id": ada, "kind": "advice", "weight": 5}
    _ok(as_owner.post("/api/v1/ledger", json=got), 201)
    balance = _ok(as_owner.get("/api/v1/ledger/balance", params={"contact_id": ada}))
    assert (balance["given_weight"], balance["received_weight"], balance["balance"]) == (2, 5, -3)
    takers = _ok(as_owner.get("/api/v1/ledger/takers"))["items"]
    assert [(t["contact"]["id"], t["balance"]) for t in takers] == [(ada, -3)]
    assert len(_ok(as_owner.get("/api/v1/ledger", params={"contact_id": ada}))["items"]) == 2
    _ok(as_owner.delete(f"/api/v1/ledger/{entry['id']}"), 204)
    assert _ok(as_owner.get("/api/v1/ledger/balance"))["balance"] == -5
    future = as_owner.post("/api/v1/ledger", json={**gave, "on": "2999-01-01"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "on"


def test_ask_lifecycle_and_readiness(as_owner):
    ada = _contact(as_owner, "Ada Lovelace")
    body = {
        "contact_id": ada,
        "kind": "favor",
        "what": "review my notes",
        "why_them": "she wrote the first program",
        "steps": [{"channel": "email", "when": "2030-01-01"}],
    }
    created = _ok(as_owner.post("/api/v1/asks", json=body), 201)
    ask = created["ask"]
    assert ask["status"] == "planned" and len(ask["steps"]) == 1
    assert isinstance(created["warnings"], list)
    url = f"/api/v1/asks/{ask['id']}"
    step = as_owner.post(url + "/steps", json={"channel": "call", "when": "2030-01-08"})
    assert len(_ok(step, 201)["steps"]) == 2
    assert _ok(as_owner.post(url + "/asked"))["status"] == "asked"
    closed = _ok(as_owner.post(url + "/close", json={"outcome": "granted", "record": True}))
    assert closed["status"] == "granted" and len(closed["ledger_entries"]) == 1
    assert _ok(as_owner.get(url))["status"] == "granted"
    assert [a["id"] for a in _ok(as_owner.get("/api/v1/asks"))["items"]] == [ask["id"]]
    ready = _ok(as_owner.get(f"/api/v1/contacts/{ada}/readiness"))
    assert ready["contact"]["id"] == ada and ready["balance"] == -1
    missing = as_owner.post("/api/v1/asks", json={**body, "why_them": None})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "why_them"
    _ok(as_owner.delete(url), 204)
    assert as_owner.get(url).status_code == 404


def _hidden_and_missing(as_owner, as_teammate):
    ada = _contact(as_owner, "Ada Private", visibility="private")
    org = _ok(
        as_owner.post("/api/v1/organizations", json={"name": "Hidden Co", "visibility": "private"}),
        201,
    )
    note = _ok(as_owner.post("/api/v1/notes", json={"body": "secret", "contact_id": ada}), 201)
    task = _ok(as_owner.post("/api/v1/tasks", json={"title": "secret", "contact_id": ada}), 201)
    ask = _ok(
        as_owner.post(
            "/api/v1/asks",
            json={"contact_id": ada, "kind": "advice", "what": "secret", "why_them": "why"},
        ),
        201,
    )["ask"]
    return [
        ("GET", "/api/v1/organizations/{}", org["id"], None),
        ("PATCH", "/api/v1/notes/{}", note["id"], {"body": "x"}),
        ("POST", "/api/v1/tasks/{}/complete", task["id"], None),
        ("GET", "/api/v1/asks/{}", ask["id"], None),
        ("GET", "/api/v1/contacts/{}/timeline", ada, None),
    ]


def test_hidden_is_answered_like_missing(as_owner, as_teammate):
    for method, url, hidden_id, body in _hidden_and_missing(as_owner, as_teammate):
        hidden = as_teammate.request(method, url.format(hidden_id), json=body)
        missing = as_teammate.request(method, url.format(999_999), json=body)
        assert hidden.status_code == missing.status_code == 404, url
        assert hidden.headers["content-type"] == missing.headers["content-type"] == PROBLEM
        h, m = hidden.json(), missing.json()
        assert set(h) == set(m) and (h["type"], h["title"]) == (m["type"], m["title"])
        assert h["detail"].replace(str(hidden_id), "N") == m["detail"].replace("999999", "N")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/organizations", {"name": "Nul\x00Co"}),
        ("/api/v1/organizations", {"name": "x" * 201}),
        ("/api/v1/organizations", {"name": "Ok", "description": "d" * 10_001}),
        ("/api/v1/interactions", {"channel": "call", "participants": []}),
        ("/api/v1/interactions", {"channel": "call", "participants": [1], "summary": "\x00"}),
        ("/api/v1/interactions", {"channel": "call", "participants": [99_999_999_999]}),
        ("/api/v1/notes", {"body": "n" * 100_001, "contact_id": 1}),
        ("/api/v1/tasks", {"title": "t\x00"}),
        ("/api/v1/tasks", {"title": "t", "due": "d" * 101}),
        ("/api/v1/ledger", {"direction": "lent", "counterpart_id": 1, "kind": "favor"}),
        (
            "/api/v1/ledger",
            {"direction": "gave", "counterpart_id": 1, "kind": "favor", "weight": 9},
        ),
        ("/api/v1/asks", {"contact_id": 1, "kind": "favor", "what": "w\x00", "why_them": "y"}),
        ("/api/v1/asks", {"contact_id": 1, "kind": "favor", "what": "w", "extra": 1}),
    ],
)
def test_bad_input_is_422_problem(as_owner, url, body):
    response = as_owner.post(url, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organizations?q=%00",
        "/api/v1/organizations?limit=0",
        "/api/v1/interactions?channel=pigeon",
        "/api/v1/notes?contact_id=99999999999",
        "/api/v1/ledger/balance?since=%00",
        "/api/v1/asks?status=nope",
        "/api/v1/asks/99999999999",
    ],
)
def test_bad_queries_are_422(as_owner, path):
    response = as_owner.get(path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM


def test_records_need_credentials(anon):
    for path in ["/api/v1/organizations", "/api/v1/tasks", "/api/v1/ledger", "/api/v1/asks"]:
        assert anon.get(path).status_code == 401
