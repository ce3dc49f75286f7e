"""Pipelines: create one (sales, job search or custom, with default or own stages), list
them, show and change their stages, delete an empty one. Opportunities live in
services.opportunities; job-search steps in services.job_search."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from goodwill.domain import pipelines as rules
from goodwill.domain.dates import local_date_of
from goodwill.domain.pipelines import PipelineKind, StageSpec
from goodwill.domain.text import fold
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._memo import memoized
from goodwill.services._pipeline_views import (
    OpportunitySummary,
    PipelineView,
    StageView,
    pipeline_views,
    summaries,
)
from goodwill.services._pipelines import (
    own_pipeline,
    resolve_pipeline,
    stored_stages,
    visible_opportunity,
)
from goodwill.services._visibility import require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import Opportunity, Pipeline, PipelineStage
from goodwill.storage.unit_of_work import UnitOfWork

__all__ = ["BoardColumn", "PipelineBoard", "PipelineView", "StageView"]

BOARD_COLUMN_MAX = 200


@dataclass(frozen=True)
class BoardColumn:
    stage: StageView
    cards: list[OpportunitySummary]  # the open ones, newest first, up to the column's bound
    more: int  # open ones in the stage beyond those cards


@dataclass(frozen=True)
class PipelineBoard:
    pipeline: PipelineView
    columns: list[BoardColumn]  # every stage in order; won and lost ones hold no cards


def _specs(stages: Sequence[StageSpec | str]) -> list[StageSpec]:
    return [
        s if isinstance(s, StageSpec) else rules.parse_stage(s, index)
        for index, s in enumerate(stages, 1)
    ]


def create_pipeline(
    actor: Actor,
    uow: UnitOfWork,
    name: str,
    kind: str,
    *,
    stages: Sequence[StageSpec | str] | None = None,
    target_salary: str | Decimal | int | None = None,
    currency: str | None = None,
    started_on: date | str | None = None,
    visibility: str | None = None,
) -> PipelineView:
    """A new pipeline with its kind's default stages, or `stages` ('name:prob[:won|lost]').

    A job search may carry the yearly salary aimed at (with its currency) and the day the
    search began (default: today), for the cost of delay.
    """
    title = rules.clean_pipeline_name(name)
    pipeline_kind = rules.parse_kind(kind)
    specs = rules.stages_for(pipeline_kind, _specs(stages) if stages else None)
    salary = None if target_salary is None else rules.parse_money(target_salary, "target_salary")
    code = rules.parse_currency(currency) if currency else None
    if salary is not None and code is None:
        raise ValidationFailed("currency", "a target salary needs its currency (e.g. EUR)")
    today = local_date_of(utcnow(), actor.tz)
    start = common.as_date(started_on, "started_on", actor)
    if start is None and pipeline_kind is PipelineKind.JOB_SEARCH:
        start = today
    if start is not None:
        rules.check_not_future(start, today, "started_on")
    with uow.write() as session:
        taken = session.scalar(
            select(Pipeline.name).where(
                Pipeline.owner_id == actor.user_id,
                Pipeline.workspace_id == actor.workspace_id,
                Pipeline.name_key == fold(title),
            )
        )
        if taken is not None:
            raise Conflict(f"you already have a pipeline named '{taken}'")
        now = utcnow()
        pipeline = Pipeline(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=common.choose_visibility(session, actor, visibility),
            name=title,
            name_key=fold(title),
            kind=pipeline_kind.value,
            target_salary_e4=None if salary is None else rules.to_e4(salary),
            currency=code,
            started_on=start,
            created_at=now,
            updated_at=now,
        )
        session.add(pipeline)
        session.flush()
        session.add_all(_stage_row(pipeline.id, spec) for spec in specs)
        session.flush()
        return pipeline_views(session, actor, [pipeline])[0]


def _stage_row(pipeline_id: int, spec: StageSpec) -> PipelineStage:
    return PipelineStage(
        pipeline_id=pipeline_id,
        name=spec.name,
        name_key=spec.key,
        position=spec.position,
        probability=spec.probability,
        outcome=None if spec.outcome is None else spec.outcome.value,
    )


PIPELINE_SORTS = paging.Sorts(paging.by_id(Pipeline.id))


def list_pipelines(actor: Actor, uow: UnitOfWork) -> list[PipelineView]:
    """The pipelines the actor may see, oldest first, with their stages and counts."""
    return pipelines_page(actor, uow, limit=None).items


def pipelines_page(
    actor: Actor, uow: UnitOfWork, *, after: Sequence[Any] | None = None, limit: int | None = 100
) -> paging.Page[PipelineView]:
    """A page of list_pipelines (`limit` None: all of them)."""
    order = PIPELINE_SORTS.default
    with uow.read() as session:
        stmt = select(Pipeline).where(visible(Pipeline, actor))
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of(pipeline_views(session, actor, found), order, next_key)


def pipeline_stages(
    actor: Actor, uow: UnitOfWork, pipeline: int | str | None = None
) -> PipelineView:
    """One pipeline (by id or name; without one, the actor's first) with its stages in
    order and how many opportunities are in each."""
    with uow.read() as session:
        found = resolve_pipeline(session, actor, pipeline)
        return pipeline_views(session, actor, [found])[0]


def _minute(actor: Actor) -> Hashable:
    """Cards say which next steps are late: a board served again is at most a minute old."""
    return utcnow().replace(second=0, microsecond=0)


@memoized(_minute)  # a column query per stage: served again while nothing was written
def pipeline_board(
    actor: Actor, uow: UnitOfWork, pipeline: int | str | None = None, *, per_column: int = 25
) -> PipelineBoard:
    """A pipeline as a board: a column per stage with its newest open opportunities (at
    most `per_column` each, one bounded query per stage) and how many more are open."""
    bound = max(1, min(per_column, BOARD_COLUMN_MAX))
    with uow.read() as session:
        found = resolve_pipeline(session, actor, pipeline)
        view = pipeline_views(session, actor, [found])[0]
        rows: list[Opportunity] = []
        for stage in view.stages:
            if stage.outcome is None:
                rows.extend(
                    session.scalars(
                        select(Opportunity)
                        .where(
                            Opportunity.pipeline_id == found.id,
                            Opportunity.stage_id == stage.id,
                            Opportunity.closed_at.is_(None),
                            visible_opportunity(actor),
                        )
                        .order_by(Opportunity.opened_at.desc(), Opportunity.id.desc())
                        .limit(bound)
                    )
                )
        cards: dict[str, list[OpportunitySummary]] = {}
        for card in summaries(session, actor, rows):  # in a few queries for every column
            cards.setdefault(card.stage, []).append(card)
        columns = []
        for stage in view.stages:
            mine = [] if stage.outcome is not None else cards.get(stage.name, [])
            columns.append(BoardColumn(stage, mine, max(0, stage.opportunities - len(mine))))
        return PipelineBoard(view, columns)


def set_stages(
    actor: Actor,
    uow: UnitOfWork,
    pipeline: int | str | None,
    stages: Sequence[StageSpec | str],
) -> PipelineView:
    """Replace the pipeline's stage list: add, rename ('old=new:prob'), reorder, change
    probabilities. A stage left out is removed, unless an opportunity is in it or passed
    through it; the outcome of a stage with opportunities in it cannot change."""
    specs = _specs(stages)
    with uow.write() as session:
        found = own_pipeline(session, actor, pipeline)
        plan = rules.plan_stages(stored_stages(session, found.id, usage=True), specs)
        if plan.remove:
            session.execute(delete(PipelineStage).where(PipelineStage.id.in_(plan.remove)))
        rows = {
            r.id: r
            for r in session.scalars(
                select(PipelineStage).where(PipelineStage.pipeline_id == found.id)
            )
        }
        # Out of the way first: a swap of two names or places must not clash midway.
        for stage_id, _ in plan.keep:
            rows[stage_id].position = -stage_id
            rows[stage_id].name_key = f"~moving~{stage_id}"
        session.flush()
        for stage_id, spec in plan.keep:
            row = rows[stage_id]
            row.name, row.name_key, row.position = spec.name, spec.key, spec.position
            row.probability = spec.probability
            row.outcome = None if spec.outcome is None else spec.outcome.value
        session.add_all(_stage_row(found.id, spec) for spec in plan.add)
        found.updated_at = utcnow()
        session.flush()
        return pipeline_views(session, actor, [found])[0]


def delete_pipeline(actor: Actor, uow: UnitOfWork, pipeline: int | str) -> Ref:
    """Delete a pipeline that has no opportunities (with one, it is refused)."""
    with uow.write() as session:
        found = resolve_pipeline(session, actor, pipeline)
        require_owner(found, actor, "delete")
        count = session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.pipeline_id == found.id)
        )
        if count:
            noun = "opportunity" if count == 1 else "opportunities"
            raise Conflict(f"pipeline '{found.name}' has {count} {noun}")
        ref = Ref(found.id, found.name)
        session.execute(delete(PipelineStage).where(PipelineStage.pipeline_id == found.id))
        session.delete(found)
        session.flush()
        return ref
