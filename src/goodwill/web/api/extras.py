"""/api/v1 routes the CLI had and the API lacked (issue #8): today's agenda, weekly
goals, an introduction's homework, an opportunity's notes, red flags, partnership,
next step, interview rounds, referral and offer, and a pipeline's stages and deletion.

Each route calls one service; the services check visibility and ownership (a record
you may not see is a 404, like a missing one; changing another's is a 403).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from goodwill.services import agenda, goals, intros, job_search, opportunities, pipelines
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID, Body, Long, Money, Short, Tiny

router = APIRouter(prefix="/api/v1")
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
IntroId = Annotated[int, Path(ge=1, le=MAX_ID)]
OppId = Annotated[int, Path(ge=1, le=MAX_ID)]
PipelineId = Annotated[int, Path(ge=1, le=MAX_ID)]
Metric = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z_-]+$")]
TODAY: list[str | Enum] = ["today"]
GOALS: list[str | Enum] = ["goals"]
INTROS: list[str | Enum] = ["introductions"]
OPPORTUNITIES: list[str | Enum] = ["opportunities"]
PIPELINES: list[str | Enum] = ["pipelines"]


class GoalIn(Body):
    weekly_target: Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]


class HomeworkIn(Body):
    goal: Long | None = None
    why_target: Long | None = None
    blurb: Long | None = None


class NoteIn(Body):
    text: Long


class FlagIn(Body):
    flag: Short
    evidence: Long | None = None
    on: date | None = None


class PartnershipIn(Body):
    benefit_us: Long | None = None
    benefit_them: Long | None = None
    health: Literal["good", "watch", "poor"] | None = None


class NextStepIn(Body):
    title: Short
    due: datetime | None = None


class RoundIn(Body):
    when: datetime
    people: list[RecordId] = Field(min_length=1, max_length=job_search.MAX_PEOPLE_PER_ROUND)
    label: Tiny | None = None


class ReferralIn(Body):
    asked_on: date | None = None
    received_on: date | None = None
    contact_id: RecordId | None = None  # who gave it (with `received_on`)


class OfferIn(Body):
    salary: Money | None = None
    currency: Tiny | None = None
    details: dict[Tiny, Short] = Field(default_factory=dict, max_length=50)  # "" removes


class StagesIn(Body):
    # 'name:prob[:won|lost]'; 'old=new:prob' renames
    stages: list[Tiny] = Field(min_length=1, max_length=50)


# Today.


@router.get("/today", tags=TODAY)
def today(
    actor: ActorDep,
    uow: UowDep,
    lapsed_limit: Annotated[int, Query(ge=0, le=500)] = 20,
    task_limit: Annotated[int, Query(ge=1, le=1000)] = agenda.TASKS_SHOWN,
) -> dict[str, Any]:
    """The daily agenda: tasks due and overdue and ask steps (at most `task_limit` per
    section, soonest due first, with `overdue_total`, `due_today_total` and
    `ask_steps_total`), asks waiting, lapsed contacts (at most `lapsed_limit`, highest
    priority first, of `lapsed_total`), this week's gives versus asks, and ways to give."""
    view = agenda.today_agenda(actor, uow, lapsed_limit=lapsed_limit, task_limit=task_limit)
    return dict(to_jsonable(view))


# Weekly goals (your own).


@router.get("/goals", tags=GOALS)
def list_goals(actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Your weekly goals, in the order of the metrics."""
    return {"items": to_jsonable(goals.list_goals(actor, uow))}


@router.put("/goals/{metric}", tags=GOALS)
def set_goal(metric: Metric, body: GoalIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Set or change a metric's weekly target (touches, networking, applications, gives,
    asks)."""
    return dict(to_jsonable(goals.set_goal(actor, uow, metric, body.weekly_target)))


@router.delete("/goals/{metric}", tags=GOALS)
def remove_goal(metric: Metric, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Stop tracking a metric; answers the goal removed."""
    return dict(to_jsonable(goals.remove_goal(actor, uow, metric)))


# Introductions.


@router.post("/introductions/{intro_id}/homework", tags=INTROS)
def answer_homework(
    intro_id: IntroId, body: HomeworkIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """The requester's answers to the homework (at least one of `goal`, `why_target`,
    `blurb`): the request goes back to triage."""
    view = intros.answer_homework(
        actor, uow, intro_id, goal=body.goal, why_target=body.why_target, blurb=body.blurb
    )
    return dict(to_jsonable(view))


# Opportunities.


@router.post("/opportunities/{opp_id}/notes", tags=OPPORTUNITIES)
def add_note(opp_id: OppId, body: NoteIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """A dated note on the opportunity's timeline."""
    return dict(to_jsonable(opportunities.add_opportunity_note(actor, uow, opp_id, body.text)))


@router.post("/opportunities/{opp_id}/flags", tags=OPPORTUNITIES)
def add_flag(opp_id: OppId, body: FlagIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """A red flag, dated (`on`, default today; not in the future), with evidence."""
    view = opportunities.flag_opportunity(
        actor, uow, opp_id, body.flag, evidence=body.evidence, on=body.on
    )
    return dict(to_jsonable(view))


@router.patch("/opportunities/{opp_id}/partnership", tags=OPPORTUNITIES)
def set_partnership(
    opp_id: OppId, body: PartnershipIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """What each side gains and the health (good, watch, poor); what is not given stays."""
    view = opportunities.set_partnership(
        actor,
        uow,
        opp_id,
        benefit_us=body.benefit_us,
        benefit_them=body.benefit_them,
        health=body.health,
    )
    return dict(to_jsonable(view))


@router.post("/opportunities/{opp_id}/next-step", tags=OPPORTUNITIES)
def set_next_step(opp_id: OppId, body: NextStepIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """The next step, as a task (due today unless `due`); an open previous step is done."""
    view = opportunities.set_next_step(actor, uow, opp_id, body.title, body.due)
    return dict(to_jsonable(view))


@router.post("/opportunities/{opp_id}/rounds", tags=OPPORTUNITIES)
def add_round(opp_id: OppId, body: RoundIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """The next interview round: a meeting with the people met (contact ids)."""
    view = job_search.add_interview_round(
        actor, uow, opp_id, when=body.when, people=list(body.people), label=body.label
    )
    return dict(to_jsonable(view))


@router.post("/opportunities/{opp_id}/referral", tags=OPPORTUNITIES)
def record_referral(
    opp_id: OppId, body: ReferralIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """When a referral was asked for and received; received from a contact, it is also
    a received ledger entry."""
    view = job_search.record_referral(
        actor,
        uow,
        opp_id,
        asked_on=body.asked_on,
        received_on=body.received_on,
        contact=body.contact_id,
    )
    return dict(to_jsonable(view))


@router.post("/opportunities/{opp_id}/offer", tags=OPPORTUNITIES)
def set_offer(opp_id: OppId, body: OfferIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """The offer: salary as exact text with its currency, and details (a blank value
    removes one); what is not given stays."""
    view = job_search.set_offer(
        actor, uow, opp_id, salary=body.salary, currency=body.currency, details=dict(body.details)
    )
    return dict(to_jsonable(view))


# Pipelines.


@router.put("/pipelines/{pipeline_id}/stages", tags=PIPELINES)
def set_stages(
    pipeline_id: PipelineId, body: StagesIn, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Replace the stage list: add, rename ('old=new:prob'), reorder, change
    probabilities; a stage left out is removed unless an opportunity is or was in it."""
    return dict(to_jsonable(pipelines.set_stages(actor, uow, pipeline_id, list(body.stages))))


@router.delete("/pipelines/{pipeline_id}", tags=PIPELINES)
def delete_pipeline(pipeline_id: PipelineId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Delete a pipeline without opportunities (with any, 409); answers its id and name."""
    return dict(to_jsonable(pipelines.delete_pipeline(actor, uow, pipeline_id)))
