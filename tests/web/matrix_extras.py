"""Authorization-matrix rows for the routes of web/api/extras.py: today, goals, an
introduction's homework, an opportunity's notes, flags, partnership, next step, rounds,
referral and offer, and a pipeline's stages and deletion (see
test_authorization_matrix.py for the shape of a row)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from goodwill.services import goals, intros, pipelines
from tests.web.matrix_relationships import (
    CHANGE,
    _all,
    _by_record,
    _row,
    plant_intro,
    plant_pipeline,
)

OWN = _by_record((200, 404, 404), (200, 404, 404))  # the owner's own: no one else's to see
O = "/api/v1/opportunities"  # noqa: E741
PAST = (date.today() - timedelta(days=2)).isoformat()


def plant_goal(owner, uow, canary, record, planted):
    goals.set_goal(owner, uow, "touches", 5)
    return {}


def plant_homework(owner, uow, canary, record, planted):
    """An introduction waiting on the requester's homework."""
    found = plant_intro(owner, uow, canary, record, planted)
    intros.triage_introduction(owner, uow, found["intro"], "tell-me-why")
    return found


def plant_stages(owner, uow, canary, record, planted):
    """plant_pipeline's, with its stage list as specs (the same stages, reordered none)."""
    found = plant_pipeline(owner, uow, canary, record, planted)
    view = pipelines.pipeline_stages(owner, uow, found["pipeline"])
    specs = [
        f"{s.name}:{s.probability}" + (f":{s.outcome}" if s.outcome else "") for s in view.stages
    ]
    return {**found, "specs": specs}


def plant_empty_pipeline(owner, uow, canary, record, planted):
    name = f"{canary} empty {uuid4().hex[:6]}" if record == "private" else f"empty {uuid4().hex}"
    return {"pipeline": pipelines.create_pipeline(owner, uow, name, "sales", visibility=record).id}


ROWS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "/api/v1/today"): _row(
        lambda r: ("GET", "/api/v1/today?lapsed_limit=50", None), _all(200)
    ),
    ("GET", "/api/v1/goals"): _row(lambda r: ("GET", "/api/v1/goals", None), _all(200), plant_goal),
    ("PUT", "/api/v1/goals/{metric}"): _row(
        lambda r: ("PUT", "/api/v1/goals/gives", {"weekly_target": 3}), _all(200)
    ),
    ("DELETE", "/api/v1/goals/{metric}"): _row(
        lambda r: ("DELETE", "/api/v1/goals/touches", None), OWN, plant_goal
    ),
    ("POST", "/api/v1/introductions/{intro_id}/homework"): _row(
        lambda r: ("POST", f"/api/v1/introductions/{r['intro']}/homework", {"blurb": "hi"}),
        CHANGE,
        plant_homework,
    ),
    ("POST", O + "/{opp_id}/notes"): _row(
        lambda r: ("POST", f"{O}/{r['opp']}/notes", {"text": "called"}), CHANGE, plant_pipeline
    ),
    ("POST", O + "/{opp_id}/flags"): _row(
        lambda r: ("POST", f"{O}/{r['opp']}/flags", {"flag": "late", "on": PAST}),
        CHANGE,
        plant_pipeline,
    ),
    ("PATCH", O + "/{opp_id}/partnership"): _row(
        lambda r: ("PATCH", f"{O}/{r['opp']}/partnership", {"health": "watch"}),
        CHANGE,
        plant_pipeline,
    ),
    ("POST", O + "/{opp_id}/next-step"): _row(
        lambda r: ("POST", f"{O}/{r['opp']}/next-step", {"title": "send deck"}),
        CHANGE,
        plant_pipeline,
    ),
    ("POST", O + "/{opp_id}/rounds"): _row(
        lambda r: (
            "POST",
            f"{O}/{r['opp']}/rounds",
            {"when": f"{PAST}T10:00:00Z", "people": [r["id"]], "label": "first"},
        ),
        CHANGE,
        plant_pipeline,
    ),
    ("POST", O + "/{opp_id}/referral"): _row(
        lambda r: ("POST", f"{O}/{r['opp']}/referral", {"asked_on": PAST}), CHANGE, plant_pipeline
    ),
    ("POST", O + "/{opp_id}/offer"): _row(
        lambda r: ("POST", f"{O}/{r['opp']}/offer", {"salary": "100", "currency": "EUR"}),
        CHANGE,
        plant_pipeline,
    ),
    ("PUT", "/api/v1/pipelines/{pipeline_id}/stages"): _row(
        lambda r: ("PUT", f"/api/v1/pipelines/{r['pipeline']}/stages", {"stages": r["specs"]}),
        CHANGE,
        plant_stages,
    ),
    ("DELETE", "/api/v1/pipelines/{pipeline_id}"): _row(
        lambda r: ("DELETE", f"/api/v1/pipelines/{r['pipeline']}", None),
        CHANGE,
        plant_empty_pipeline,
    ),
}
