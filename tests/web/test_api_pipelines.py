"""/api/v1 pipelines, opportunities and reports."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
REPORTS = ("funnel", "aging", "forecast", "jobsearch", "attribution")


def _ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def _pipeline(client, **overrides):
    body = {"name": "Sales", "kind": "sales", **overrides}
    return _ok(client.post("/api/v1/pipelines", json=body), 201)


def _opportunity(client, pipeline_id, **overrides):
    body = {"pipeline_id": pipeline_id, "title": "Acme renewal", **overrides}
    return _ok(client.post("/api/v1/opportunities", json=body), 201)


def test_pipelines_are_listed_and_shown_with_stages(as_owner):
    made = _pipeline(as_owner)
    assert made["stages"] and made["kind"] == "sales"
    assert [p["id"] for p in _ok(as_owner.get("/api/v1/pipelines"))["items"]] == [made["id"]]
    shown = _ok(as_owner.get(f"/api/v1/pipelines/{made['id']}"))
    assert [s["name"] for s in shown["stages"]] == [s["name"] for s in made["stages"]]


def test_custom_stages_and_a_job_search_salary(as_owner):
    custom = _pipeline(as_owner, name="Grants", kind="custom", stages=["ask:0.2", "won:1:won"])
    assert [s["name"] for s in custom["stages"]][:2] == ["ask", "won"]
    job = _pipeline(
        as_owner, name="Next job", kind="job_search", target_salary="95000.50", currency="EUR"
    )
    assert job["target_salary"] == "95000.5"  # exact, normalized


def test_an_opportunity_is_added_moved_and_qualified_out(as_owner):
    pipeline = _pipeline(as_owner)
    stages = [s["name"] for s in pipeline["stages"]]
    opp = _opportunity(as_owner, pipeline["id"], value="12000.50", currency="EUR")
    assert (opp["value"], opp["stage"]) == ("12000.5", stages[0])
    moved = _ok(as_owner.post(f"/api/v1/opportunities/{opp['id']}/move", json={"stage": stages[1]}))
    assert moved["stage"] == stages[1] and len(moved["events"]) == 2
    out = _ok(
        as_owner.post(
            f"/api/v1/opportunities/{opp['id']}/qualify-out", json={"reason": "no budget"}
        )
    )
    assert out["outcome"] == "lost" and out["close_reason"] == "no budget"
    assert _ok(as_owner.get(f"/api/v1/opportunities/{opp['id']}"))["closed_at"]
    listed = _ok(as_owner.get("/api/v1/opportunities", params={"pipeline_id": pipeline["id"]}))
    assert [o["id"] for o in listed["items"]] == [opp["id"]]
    assert _ok(as_owner.get("/api/v1/opportunities", params={"open_only": True}))["items"] == []


def test_moving_to_an_unknown_stage_is_a_problem(as_owner):
    opp = _opportunity(as_owner, _pipeline(as_owner)["id"])
    response = as_owner.post(f"/api/v1/opportunities/{opp['id']}/move", json={"stage": "nope"})
    assert response.status_code in (404, 422) and response.headers["content-type"] == PROBLEM


def test_a_teammate_may_read_but_not_move_a_workspace_opportunity(as_owner, as_teammate):
    pipeline = _pipeline(as_owner, visibility="workspace")
    opp = _opportunity(as_owner, pipeline["id"], visibility="workspace")
    assert _ok(as_teammate.get(f"/api/v1/opportunities/{opp['id']}"))["id"] == opp["id"]
    stage = pipeline["stages"][1]["name"]
    moved = as_teammate.post(f"/api/v1/opportunities/{opp['id']}/move", json={"stage": stage})
    assert moved.status_code == 403 and moved.headers["content-type"] == PROBLEM


def test_hidden_and_missing_opportunities_look_the_same(as_owner, as_teammate):
    opp = _opportunity(as_owner, _pipeline(as_owner)["id"], visibility="private")
    hidden = as_teammate.get(f"/api/v1/opportunities/{opp['id']}")
    missing = as_teammate.get("/api/v1/opportunities/2147483000")
    assert hidden.status_code == missing.status_code == 404
    assert set(hidden.json()) == set(missing.json())


@pytest.mark.parametrize("name", REPORTS)
def test_every_pipeline_report_is_json(as_owner, name):
    kind = "job_search" if name == "jobsearch" else "sales"
    pipeline = _pipeline(as_owner, kind=kind)
    _opportunity(as_owner, pipeline["id"], value="100.25", currency="EUR")
    report = _ok(as_owner.get(f"/api/v1/reports/{name}", params={"pipeline_id": pipeline["id"]}))
    assert isinstance(report, dict) and report


def test_forecast_money_is_exact_text(as_owner):
    pipeline = _pipeline(as_owner)
    _opportunity(as_owner, pipeline["id"], value="0.10", currency="EUR")
    _opportunity(as_owner, pipeline["id"], value="0.20", currency="EUR")
    text = as_owner.get("/api/v1/reports/forecast").text
    assert '"0.30' in text or '"0.3' in text


def test_goals_report(as_owner):
    report = _ok(as_owner.get("/api/v1/reports/goals", params={"week_of": "2024-05-08"}))
    assert (report["week_start"], report["week_end"]) == ("2024-05-06", "2024-05-12")


def test_a_report_without_a_pipeline_is_404(as_owner):
    response = as_owner.get("/api/v1/reports/funnel")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/pipelines", {"name": "x\x00", "kind": "sales"}),
        ("/api/v1/pipelines", {"name": "n" * 201, "kind": "sales"}),
        ("/api/v1/pipelines", {"name": "n", "kind": "sales", "target_salary": "lots"}),
        ("/api/v1/pipelines", {"name": "n", "kind": "spaceship"}),
        ("/api/v1/opportunities", {"title": "t" * 321}),
        ("/api/v1/opportunities", {"title": "a\x00"}),
        ("/api/v1/opportunities", {"title": "t", "value": "1e9"}),
        ("/api/v1/opportunities", {"title": "t", "extra": 1}),
        ("/api/v1/opportunities/1/move", {"stage": "s\x00"}),
        ("/api/v1/opportunities/1/qualify-out", {"reason": "r" * 2001}),
        ("/api/v1/opportunities/99999999999/move", {"stage": "x"}),
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
        "/api/v1/reports/weather",
        "/api/v1/reports/funnel?since=yesterday",
        "/api/v1/reports/goals?week_of=%00",
        "/api/v1/opportunities?stage=" + "s" * 101,
        "/api/v1/opportunities?limit=501",
        "/api/v1/pipelines/0",
    ],
)
def test_bad_queries_are_422(as_owner, path):
    response = as_owner.get(path)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
