"""/api/v1 pipelines, opportunities and reports, over services.pipelines,
services.opportunities, services.reports and services.goals.

Money is exact text ("12000.50") both ways; lists take a `limit` and say their order.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from goodwill.services import goals, opportunities, pipelines, reports
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import MAX_ID, Body, Long, Money, Name, Short, Tiny
from goodwill.web.api.paging import CURSOR_QUERY, decode_cursor, page_body, sort_query

router = APIRouter(prefix="/api/v1")
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
PipelineId = Annotated[int, Path(ge=1, le=MAX_ID)]
OppId = Annotated[int, Path(ge=1, le=MAX_ID)]
PipelineFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Visibility = Literal["private", "workspace"]
PIPELINES: list[str | Enum] = ["pipelines"]
OPPORTUNITIES: list[str | Enum] = ["opportunities"]
REPORTS: list[str | Enum] = ["reports"]


class PipelineIn(Body):
    name: Name
    kind: Tiny
    stages: list[Tiny] | None = Field(None, max_length=50)  # 'name:prob[:won|lost]'
    target_salary: Money | None = None
    currency: Tiny | None = None
    started_on: date | None = None
    visibility: Visibility | None = None


class OpportunityIn(Body):
    pipeline_id: RecordId | None = None  # default: your first pipeline
    title: Short
    contact_id: RecordId | None = None
    organization_id: RecordId | None = None
    value: Money | None = None
    currency: Tiny | None = None
    stage: Tiny | None = None
    source: Tiny = "cold"
    source_contact_id: RecordId | None = None
    introduction_id: RecordId | None = None
    next_step: Short | None = None
    next_due: datetime | None = None
    visibility: Visibility | None = None


class MoveIn(Body):
    stage: Tiny
    at: datetime | None = None
    note: Long | None = None


class QualifyOutIn(Body):
    reason: Long


# Pipelines.


@router.get("/pipelines", tags=PIPELINES)
def list_pipelines(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
) -> dict[str, Any]:
    """Pipelines you may see, oldest first, with their stages and counts, a page at a
    time (`next_cursor`)."""
    _, after = decode_cursor(cursor, "pipelines", None)
    return page_body("pipelines", pipelines.pipelines_page(actor, uow, after=after, limit=limit))


@router.post("/pipelines", status_code=201, tags=PIPELINES)
def create_pipeline(body: PipelineIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """A pipeline with its kind's default stages, or `stages` ('name:prob[:won|lost]')."""
    view = pipelines.create_pipeline(
        actor,
        uow,
        body.name,
        body.kind,
        stages=body.stages,
        target_salary=body.target_salary,
        currency=body.currency,
        started_on=body.started_on,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.get("/pipelines/{pipeline_id}", tags=PIPELINES)
def show_pipeline(pipeline_id: PipelineId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """One pipeline with its stages in order and how many opportunities are in each."""
    return dict(to_jsonable(pipelines.pipeline_stages(actor, uow, pipeline_id)))


# Opportunities.


@router.get("/opportunities", tags=OPPORTUNITIES)
def list_opportunities(
    actor: ActorDep,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    cursor: Annotated[str | None, CURSOR_QUERY] = None,
    sort: Annotated[str | None, sort_query(opportunities.SORTS)] = None,
    pipeline_id: PipelineFilter = None,
    stage: Annotated[str | None, Query(max_length=100)] = None,
    open_only: bool = False,
) -> dict[str, Any]:
    """Opportunities you may see, newest opened first (`sort`: `opened_at`, `-value`,
    `value`; those without a value last), a page at a time (`next_cursor`); one
    pipeline's with `pipeline_id` (a `stage` without it means your first pipeline)."""
    sort, after = decode_cursor(cursor, "opportunities", sort)
    page = opportunities.opportunities_page(
        actor,
        uow,
        pipeline=pipeline_id,
        stage=stage,
        open_only=open_only,
        sort=sort,
        after=after,
        limit=limit,
    )
    return page_body("opportunities", page)


@router.post("/opportunities", status_code=201, tags=OPPORTUNITIES)
def add_opportunity(body: OpportunityIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Open an opportunity (value as exact text, with its currency)."""
    view = opportunities.add_opportunity(
        actor,
        uow,
        body.pipeline_id,
        body.title,
        contact=body.contact_id,
        organization=body.organization_id,
        value=body.value,
        currency=body.currency,
        stage=body.stage,
        source=body.source,
        source_contact=body.source_contact_id,
        introduction_id=body.introduction_id,
        next_step=body.next_step,
        next_due=body.next_due,
        visibility=body.visibility,
    )
    return dict(to_jsonable(view))


@router.get("/opportunities/{opp_id}", tags=OPPORTUNITIES)
def show_opportunity(opp_id: OppId, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """An opportunity with its timeline, notes, red flags, next step, rounds and offer."""
    return dict(to_jsonable(opportunities.show_opportunity(actor, uow, opp_id)))


@router.post("/opportunities/{opp_id}/move", tags=OPPORTUNITIES)
def move_opportunity(opp_id: OppId, body: MoveIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Move to another stage; a won or lost stage closes it (the note is the reason)."""
    view = opportunities.move_opportunity(
        actor, uow, opp_id, body.stage, at=body.at, note=body.note
    )
    return dict(to_jsonable(view))


@router.post("/opportunities/{opp_id}/qualify-out", tags=OPPORTUNITIES)
def qualify_out(opp_id: OppId, body: QualifyOutIn, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Close an opportunity not worth winning, with the reason."""
    return dict(to_jsonable(opportunities.qualify_out(actor, uow, opp_id, body.reason)))


# Reports: one pipeline (`pipeline_id`, default your first) over an optional window.

REPORT_FUNCTIONS = {
    "funnel": reports.funnel_report,
    "aging": reports.aging_report,
    "forecast": reports.forecast_report,
    "jobsearch": reports.jobsearch_report,
    "attribution": reports.attribution_report,
}


@router.get("/reports/goals", tags=REPORTS)
def goals_report(
    actor: ActorDep, uow: UowDep, week_of: Annotated[date | None, Query()] = None
) -> dict[str, Any]:
    """Progress against each weekly goal in the week (Monday–Sunday) holding `week_of`."""
    return dict(to_jsonable(goals.goals_report(actor, uow, week_of=week_of)))


@router.get("/reports/{name}", tags=REPORTS)
def pipeline_report(
    name: Literal["funnel", "aging", "forecast", "jobsearch", "attribution"],
    actor: ActorDep,
    uow: UowDep,
    pipeline_id: PipelineFilter = None,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
) -> dict[str, Any]:
    """funnel (stages reached, conversion, lost reasons), aging (stuck deals), forecast
    (weighted value, velocity), jobsearch (funnel, referrals, cost of delay) or
    attribution (what relationships led to), as the CLI's `report` shows them."""
    report = REPORT_FUNCTIONS[name](actor, uow, pipeline=pipeline_id, since=since, until=until)
    return dict(to_jsonable(report))
