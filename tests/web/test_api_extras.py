"""/api/v1 today, goals, an introduction's homework, an opportunity's notes, flags,
partnership, next step, rounds, referral and offer, a pipeline's stages and deletion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

PROBLEM = "application/problem+json"
PAST = (date.today() - timedelta(days=2)).isoformat()


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    return response.json()


def _contact(client, name, **extra):
    return _ok(client.post("/api/v1/contacts", json={"name": name, **extra}), 201)["id"]


def _pipeline(client, **overrides):
    body = {"name": "Sales", "kind": "sales", **overrides}
    return _ok(client.post("/api/v1/pipelines", json=body), 201)


def _opportunity(client, pipeline_id, **overrides):
    body = {"pipeline_id": pipeline_id, "title": "Acme renewal", **overrides}
    return _ok(client.post("/api/v1/opportunities", json=body), 201)


def test_today_is_the_agenda(as_owner):
    agenda = _ok(as_owner.get("/api/v1/today", params={"lapsed_limit": 5}))
    assert {"today", "timezone", "overdue_tasks", "due_today", "lapsed", "week", "gives"} <= set(
        agenda
    )
    assert date.fromisoformat(agenda["today"])


def test_today_shows_at_most_task_limit_tasks_per_section_with_totals(as_owner):
    for days in (4, 3, 2):
        due = (date.today() - timedelta(days=days)).isoformat()
        _ok(as_owner.post("/api/v1/tasks", json={"title": f"late {days}", "due": due}), 201)
    agenda = _ok(as_owner.get("/api/v1/today", params={"task_limit": 2}))
    assert [t["title"] for t in agenda["overdue_tasks"]] == ["late 4", "late 3"]
    assert (agenda["overdue_total"], agenda["due_today_total"]) == (3, 0)
    assert len(_ok(as_owner.get("/api/v1/today"))["overdue_tasks"]) == 3
    _problem(as_owner.get("/api/v1/today", params={"task_limit": 0}), 422)


def test_goals_are_set_listed_changed_and_removed(as_owner, as_teammate):
    assert _ok(as_owner.get("/api/v1/goals"))["items"] == []
    made = _ok(as_owner.put("/api/v1/goals/touches", json={"weekly_target": 5}))
    assert (made["metric"], made["weekly_target"]) == ("touches", 5)
    _ok(as_owner.put("/api/v1/goals/gives", json={"weekly_target": 2}))
    _ok(as_owner.put("/api/v1/goals/touches", json={"weekly_target": 7}))
    listed = _ok(as_owner.get("/api/v1/goals"))["items"]
    assert [(g["metric"], g["weekly_target"]) for g in listed] == [("touches", 7), ("gives", 2)]
    assert _ok(as_teammate.get("/api/v1/goals"))["items"] == []  # goals are your own
    assert _ok(as_owner.delete("/api/v1/goals/gives"))["metric"] == "gives"
    _problem(as_owner.delete("/api/v1/goals/gives"), 404)
    assert [g["metric"] for g in _ok(as_owner.get("/api/v1/goals"))["items"]] == ["touches"]


@pytest.mark.parametrize(
    ("metric", "body"),
    [
        ("weather", {"weekly_target": 1}),
        ("touches", {"weekly_target": 0}),
        ("touches", {"weekly_target": True}),
        ("touches", {"weekly_target": "3"}),
        ("touches", {"weekly_target": 10**9}),
        ("touches", {"weekly_target": 1, "extra": 1}),
        ("a" * 41, {"weekly_target": 1}),
    ],
)
def test_bad_goals_are_422(as_owner, metric, body):
    _problem(as_owner.put(f"/api/v1/goals/{metric}", json=body), 422)


def test_homework_sends_an_introduction_back_to_triage(as_owner):
    a, b = _contact(as_owner, "Ann Asker"), _contact(as_owner, "Tom Target")
    intro = _ok(
        as_owner.post(
            "/api/v1/introductions", json={"requester_id": a, "target_id": b, "goal": "meet"}
        ),
        201,
    )
    url = f"/api/v1/introductions/{intro['id']}"
    _problem(as_owner.post(f"{url}/homework", json={"blurb": "too early"}), 409)
    _ok(as_owner.post(f"{url}/triage", json={"decision": "tell-me-why"}))
    _problem(as_owner.post(f"{url}/homework", json={}), 422)
    answered = _ok(as_owner.post(f"{url}/homework", json={"why_target": "she hires", "blurb": "B"}))
    assert (answered["status"], answered["why_target"], answered["blurb"]) == (
        "requested",
        "she hires",
        "B",
    )
    assert answered["goal"] == "meet"


def test_an_opportunity_gets_notes_flags_partnership_and_a_next_step(as_owner):
    opp = _opportunity(as_owner, _pipeline(as_owner)["id"])
    url = f"/api/v1/opportunities/{opp['id']}"
    noted = _ok(as_owner.post(f"{url}/notes", json={"text": "called them"}))
    assert [n["text"] for n in noted["notes"]] == ["called them"]
    flagged = _ok(
        as_owner.post(
            f"{url}/flags", json={"flag": "late payment", "evidence": "60 days", "on": PAST}
        )
    )
    assert [(f["flag"], f["flagged_on"]) for f in flagged["red_flags"]] == [("late payment", PAST)]
    future = (date.today() + timedelta(days=5)).isoformat()
    _problem(as_owner.post(f"{url}/flags", json={"flag": "later", "on": future}), 422)
    partner = _ok(
        as_owner.patch(f"{url}/partnership", json={"benefit_us": "cash", "health": "good"})
    )
    assert (partner["benefit_us"], partner["health"]) == ("cash", "good")
    kept = _ok(as_owner.patch(f"{url}/partnership", json={"benefit_them": "reach"}))
    assert (kept["benefit_us"], kept["benefit_them"], kept["health"]) == ("cash", "reach", "good")
    _problem(as_owner.patch(f"{url}/partnership", json={}), 422)
    step = _ok(as_owner.post(f"{url}/next-step", json={"title": "send the deck"}))
    assert step["next_step"]["title"].startswith("send the deck")


def test_a_job_application_gets_rounds_a_referral_and_an_offer(as_owner):
    job = _pipeline(as_owner, name="Next job", kind="job_search", currency="EUR")
    opp = _opportunity(as_owner, job["id"], title="Staff engineer")
    url = f"/api/v1/opportunities/{opp['id']}"
    hiring = _contact(as_owner, "Hana Hiring")
    rounds = _ok(
        as_owner.post(
            f"{url}/rounds",
            json={"when": f"{PAST}T10:00:00Z", "people": [hiring], "label": "screen"},
        )
    )["rounds"]
    assert [(r["round"], r["label"], [p["id"] for p in r["people"]]) for r in rounds] == [
        (1, "screen", [hiring])
    ]
    _problem(as_owner.post(f"{url}/rounds", json={"when": f"{PAST}T10:00:00Z", "people": []}), 422)
    referred = _ok(
        as_owner.post(
            f"{url}/referral", json={"asked_on": PAST, "received_on": PAST, "contact_id": hiring}
        )
    )
    assert referred["referral_received_on"] == PAST and referred["source_ledger_id"]
    _problem(as_owner.post(f"{url}/referral", json={}), 422)
    offer = _ok(
        as_owner.post(f"{url}/offer", json={"salary": "95000.50", "details": {"remote": "yes"}})
    )["offer"]
    assert offer == {"salary": "95000.50", "currency": "EUR", "details": {"remote": "yes"}}
    cleared = _ok(as_owner.post(f"{url}/offer", json={"details": {"remote": ""}}))["offer"]
    assert cleared["details"] == {} and cleared["salary"] == "95000.50"


def test_stages_are_replaced_and_an_empty_pipeline_deleted(as_owner):
    custom = _pipeline(as_owner, name="Grants", kind="custom", stages=["ask:0.2", "won:1:won"])
    url = f"/api/v1/pipelines/{custom['id']}"
    changed = _ok(
        as_owner.put(f"{url}/stages", json={"stages": ["ask=apply:0.3", "review:0.5", "won:1:won"]})
    )
    assert [s["name"] for s in changed["stages"]] == ["apply", "review", "won"]
    assert _ok(as_owner.delete(url))["id"] == custom["id"]
    _problem(as_owner.get(url), 404)
    used = _pipeline(as_owner, name="Used")
    _opportunity(as_owner, used["id"])
    _problem(as_owner.delete(f"/api/v1/pipelines/{used['id']}"), 409)


def test_a_teammate_may_not_change_a_workspace_opportunity_or_pipeline(as_owner, as_teammate):
    pipeline = _pipeline(as_owner, visibility="workspace")
    opp = _opportunity(as_owner, pipeline["id"], visibility="workspace")
    url = f"/api/v1/opportunities/{opp['id']}"
    _problem(as_teammate.post(f"{url}/notes", json={"text": "mine now"}), 403)
    _problem(as_teammate.post(f"{url}/offer", json={"salary": "1", "currency": "EUR"}), 403)
    stages = [f"{s['name']}:{s['probability']}" for s in pipeline["stages"] if not s["outcome"]]
    _problem(
        as_teammate.put(f"/api/v1/pipelines/{pipeline['id']}/stages", json={"stages": stages}),
        403,
    )
    empty = _pipeline(as_owner, name="Empty", visibility="workspace")
    _problem(as_teammate.delete(f"/api/v1/pipelines/{empty['id']}"), 403)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/opportunities/{opp}/notes", {"text": "x"}),
        ("POST", "/api/v1/opportunities/{opp}/flags", {"flag": "x"}),
        ("PATCH", "/api/v1/opportunities/{opp}/partnership", {"health": "poor"}),
        ("POST", "/api/v1/opportunities/{opp}/next-step", {"title": "x"}),
        ("POST", "/api/v1/opportunities/{opp}/referral", {"asked_on": PAST}),
        ("POST", "/api/v1/opportunities/{opp}/offer", {"salary": "1", "currency": "EUR"}),
        ("PUT", "/api/v1/pipelines/{pipeline}/stages", {"stages": ["a:0.1", "won:1:won"]}),
        ("DELETE", "/api/v1/pipelines/{empty}", None),
    ],
)
def test_hidden_and_missing_records_look_the_same(as_owner, as_teammate, method, path, body):
    pipeline = _pipeline(as_owner, visibility="private")
    ids = {
        "opp": _opportunity(as_owner, pipeline["id"])["id"],
        "pipeline": pipeline["id"],
        "empty": _pipeline(as_owner, name="Empty", visibility="private")["id"],
    }
    hidden = as_teammate.request(method, path.format(**ids), json=body)
    missing = as_teammate.request(method, path.format(**dict.fromkeys(ids, 2147483000)), json=body)
    assert hidden.status_code == missing.status_code == 404
    hidden_body, missing_body = hidden.json(), missing.json()
    assert hidden_body["detail"].replace(str(ids["opp"]), "N").replace(
        str(ids["pipeline"]), "N"
    ).replace(str(ids["empty"]), "N") == missing_body["detail"].replace("2147483000", "N")
    assert {k: v for k, v in hidden_body.items() if k != "detail"} == {
        k: v for k, v in missing_body.items() if k != "detail"
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/introductions/1/homework", {"goal": "x\x00"}),
        ("POST", "/api/v1/introductions/1/homework", {"blurb": "b" * 2001}),
        ("POST", "/api/v1/introductions/1/homework", {"goal": "x", "extra": 1}),
        ("POST", "/api/v1/opportunities/1/notes", {"text": "a\x00b"}),
        ("POST", "/api/v1/opportunities/1/notes", {"text": "t" * 2001}),
        ("POST", "/api/v1/opportunities/1/flags", {"flag": "f" * 321}),
        ("POST", "/api/v1/opportunities/1/flags", {"flag": "f", "on": "yesterday"}),
        ("PATCH", "/api/v1/opportunities/1/partnership", {"health": "great"}),
        ("PATCH", "/api/v1/opportunities/1/partnership", {"benefit_us": "\x00"}),
        ("POST", "/api/v1/opportunities/1/next-step", {"title": "x", "extra": 1}),
        ("POST", "/api/v1/opportunities/1/next-step", {"title": "x", "due": "soon"}),
        ("POST", "/api/v1/opportunities/1/rounds", {"when": "x", "people": [1]}),
        ("POST", "/api/v1/opportunities/1/rounds", {"when": PAST, "people": [1] * 51}),
        ("POST", "/api/v1/opportunities/1/rounds", {"when": PAST, "people": [0]}),
        ("POST", "/api/v1/opportunities/1/referral", {"contact_id": 99999999999}),
        ("POST", "/api/v1/opportunities/1/offer", {"salary": "1e9"}),
        ("POST", "/api/v1/opportunities/1/offer", {"details": {"k\x00": "v"}}),
        ("POST", "/api/v1/opportunities/99999999999/offer", {"salary": "1"}),
        ("PUT", "/api/v1/pipelines/1/stages", {"stages": []}),
        ("PUT", "/api/v1/pipelines/1/stages", {"stages": ["s\x00"]}),
        ("PUT", "/api/v1/pipelines/1/stages", {"stages": ["s"] * 51}),
        ("DELETE", "/api/v1/pipelines/0", None),
        ("GET", "/api/v1/today?lapsed_limit=501", None),
        ("GET", "/api/v1/today?lapsed_limit=-1", None),
    ],
)
def test_bad_input_is_a_422_problem(as_owner, method, path, body):
    response = as_owner.request(method, path, json=body)
    problem = _problem(response, 422)
    assert all({"field", "reason"} <= set(e) for e in problem["errors"])
