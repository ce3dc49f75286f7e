"""Set-based SQL behind the pipeline reports, the same on SQLite and PostgreSQL.

Every query returns whole numbers (counts, sums of ten-thousandths, whole seconds);
the figures are computed from them by goodwill.domain.funnel, so the two databases
give identical reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from goodwill.domain.dates import local_midnight_utc
from goodwill.domain.funnel import (
    Outcome,
    StageInfo,
    funnel_indexes,
)
from goodwill.domain.text import fold
from goodwill.errors import NotFound
from goodwill.services._visibility import get_visible, visible
from goodwill.services.actor import Actor
from goodwill.storage.schema import Opportunity, OpportunityEvent, Pipeline, PipelineStage

STAGE_EVENT = "stage"


@dataclass(frozen=True)
class PipelineInfo:
    id: int
    name: str
    kind: str
    target_salary_e4: int | None
    currency: str | None
    started_on: date | None

    @classmethod
    def of(cls, p: Pipeline) -> PipelineInfo:
        return cls(p.id, p.name, p.kind, p.target_salary_e4, p.currency, p.started_on)


@dataclass(frozen=True)
class Scope:
    """The opportunities a report counts: one pipeline, visible to the actor, opened
    between two local days (inclusive)."""

    actor: Actor
    pipeline: PipelineInfo
    stages: tuple[StageInfo, ...]
    since: date | None
    until: date | None

    def clauses(self) -> list[ColumnElement[bool]]:
        found = [Opportunity.pipeline_id == self.pipeline.id, visible(Opportunity, self.actor)]
        if self.since is not None:
            found.append(Opportunity.opened_at >= local_midnight_utc(self.since, self.actor.tz))
        if self.until is not None:
            end = local_midnight_utc(self.until + timedelta(days=1), self.actor.tz)
            found.append(Opportunity.opened_at < end)
        return found

    @property
    def outcome_of(self) -> dict[int, str | None]:
        return {s.id: s.outcome for s in self.stages}

    @property
    def open_ids(self) -> list[int]:
        return [s.id for s in self.stages if s.outcome is None]

    def ids_with(self, outcome: str) -> list[int]:
        return [s.id for s in self.stages if s.outcome == outcome]


def epoch(session: Session, column: Any) -> Any:
    """A stored UTC datetime as whole seconds since 1970, fractions dropped, on both
    databases (SQLite's strftime would round the milliseconds, so they are cut off)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)


def find_pipeline(
    session: Session, actor: Actor, ref: int | str | None, kind: str | None
) -> Pipeline:
    """A pipeline by id ('12', '#12') or name; without one, the actor's first pipeline
    of the kind (any kind when None), then the first one shared with them."""
    if ref is not None and str(ref).strip():
        text = str(ref).strip()
        if text.lstrip("#").isdigit():
            return get_visible(session, Pipeline, int(text.lstrip("#")), actor, "pipeline")
        found = session.scalars(
            select(Pipeline)
            .where(visible(Pipeline, actor), Pipeline.name_key == fold(text))
            .order_by((Pipeline.owner_id != actor.user_id), Pipeline.id)
        ).first()
        if found is None:
            raise NotFound(f"no pipeline '{text[:100]}'")
        return found
    stmt = select(Pipeline).where(visible(Pipeline, actor))
    if kind is not None:
        stmt = stmt.where(Pipeline.kind == kind)
    found = session.scalars(
        stmt.order_by((Pipeline.owner_id != actor.user_id), Pipeline.id)
    ).first()
    if found is None:
        what = {"sales": "sales pipeline", "job_search": "job search"}.get(kind or "", "pipeline")
        raise NotFound(f"no {what} yet: add one with `goodwill pipeline add`")
    return found


def load_stages(session: Session, pipeline_id: int) -> tuple[StageInfo, ...]:
    rows = session.scalars(
        select(PipelineStage)
        .where(PipelineStage.pipeline_id == pipeline_id)
        .order_by(PipelineStage.position, PipelineStage.id)
    )
    return tuple(StageInfo(s.id, s.name, s.position, s.probability, s.outcome) for s in rows)


def funnel_tally(session: Session, scope: Scope) -> dict[tuple[int, str | None], int]:
    """Opportunities by (furthest step entered, current outcome): one grouped pass over
    the stage events, the current stage counting as entered."""
    indexes = {sid: i for sid, i in funnel_indexes(scope.stages).items() if i is not None}
    if not indexes:
        return {}
    step = case(indexes, value=OpportunityEvent.to_stage_id, else_=None)
    furthest = (
        select(OpportunityEvent.opportunity_id.label("oid"), func.max(step).label("idx"))
        .join(Opportunity, Opportunity.id == OpportunityEvent.opportunity_id)
        .where(*scope.clauses(), OpportunityEvent.kind == STAGE_EVENT)
        .group_by(OpportunityEvent.opportunity_id)
        .subquery()
    )
    current = case(indexes, value=Opportunity.stage_id, else_=-1)
    moved = func.coalesce(furthest.c.idx, -1)
    index = case((moved > current, moved), else_=current)
    outcome = case(scope_outcomes(scope), value=Opportunity.stage_id, else_=None)
    rows = session.execute(
        select(index, outcome, func.count())
        .select_from(Opportunity)
        .outerjoin(furthest, furthest.c.oid == Opportunity.id)
        .where(*scope.clauses())
        .group_by(index, outcome)
    )
    tally: dict[tuple[int, str | None], int] = defaultdict(int)
    for idx, out, count in rows:
        tally[(int(idx), out)] += int(count)
    return dict(tally)


def scope_outcomes(scope: Scope) -> dict[int, str]:
    return {s.id: s.outcome for s in scope.stages if s.outcome is not None}


@dataclass(frozen=True)
class OpenMoney:
    stage_id: int
    currency: str | None
    count: int  # open opportunities in the stage with this currency (None: no value)
    valued: int  # of which have a value
    value_e4: int  # their sum


def open_by_stage(session: Session, scope: Scope) -> list[OpenMoney]:
    """Open opportunities per current stage and currency, with their summed values."""
    if not scope.open_ids:
        return []
    currency = case((Opportunity.value_e4.is_(None), None), else_=Opportunity.currency)
    rows = session.execute(
        select(
            Opportunity.stage_id,
            currency,
            func.count(),
            func.count(Opportunity.value_e4),
            func.coalesce(func.sum(Opportunity.value_e4), 0),
        )
        .where(*scope.clauses(), Opportunity.stage_id.in_(scope.open_ids))
        .group_by(Opportunity.stage_id, currency)
    )
    return [OpenMoney(int(s), c, int(n), int(v), int(t)) for s, c, n, v, t in rows]


def stage_event_rows(session: Session, scope: Scope) -> list[tuple[int, int, int]]:
    """(opportunity id, stage id, whole seconds) of the scope's stage events in
    (opportunity, time, id) order: one scan that gives both the furthest stage each
    opportunity entered (domain.funnel.tally_in_order) and its stays (stays_in_order,
    each row paired with the next in one pass; on SQLite twice as fast as LEAD() over
    the same rows: bench/README.md)."""
    return _stage_events(session, select(Opportunity.id).where(*scope.clauses()))


def stage_event_rows_of(session: Session, ids: list[int]) -> list[tuple[int, int, int]]:
    """The same rows for these opportunities (the caller knows them to be in scope)."""
    return _stage_events(session, ids)


def _stage_events(session: Session, which: Any) -> list[tuple[int, int, int]]:
    result = session.connection().execute(
        select(
            OpportunityEvent.opportunity_id,
            OpportunityEvent.to_stage_id,
            epoch(session, OpportunityEvent.at),
        )
        .where(
            OpportunityEvent.opportunity_id.in_(which),
            OpportunityEvent.kind == STAGE_EVENT,
            OpportunityEvent.to_stage_id.is_not(None),
        )
        .order_by(OpportunityEvent.opportunity_id, OpportunityEvent.at, OpportunityEvent.id)
    )
    try:
        # Plain tuples of ints from the driver: a Row object per event would cost more
        # than the query itself (500k events).
        rows: list[tuple[int, int, int]] = list(result.cursor.fetchall())
    finally:
        result.close()
    return rows


Facts = tuple[int, int, int | None, int | None]  # stage, opened (whole seconds), contact, org


def opportunity_facts(
    session: Session, scope: Scope, ids: list[int] | None = None
) -> dict[int, Facts]:
    """Each opportunity in scope (of `ids` when given): the stage it stands in now, when
    it opened (whole seconds since 1970), its contact and its organization."""
    stmt = select(
        Opportunity.id,
        Opportunity.stage_id,
        epoch(session, Opportunity.opened_at),
        Opportunity.contact_id,
        Opportunity.organization_id,
    ).where(*scope.clauses())
    if ids is not None:
        stmt = stmt.where(Opportunity.id.in_(ids))
    result = session.connection().execute(stmt)
    try:  # the driver's tuples of ints: no Row objects
        return {row[0]: row[1:] for row in result.cursor.fetchall()}
    finally:
        result.close()


def won_cycles(session: Session, scope: Scope) -> tuple[int, int]:
    """(won opportunities with a close time, total seconds from opening to closing)."""
    won = scope.ids_with(Outcome.WON)
    if not won:
        return 0, 0
    seconds = epoch(session, Opportunity.closed_at) - epoch(session, Opportunity.opened_at)
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(seconds), 0)).where(
            *scope.clauses(), Opportunity.stage_id.in_(won), Opportunity.closed_at.is_not(None)
        )
    ).one()
    return int(count), int(total)


@dataclass(frozen=True)
class AgingRow:
    opportunity_id: int
    title: str
    stage_id: int
    age_seconds: int
    value_e4: int | None
    currency: str | None


def aging_details(session: Session, aging: list[tuple[int, int, int]]) -> list[AgingRow]:
    """The aging opportunities, (id, stage, age in seconds) in their order, with their
    titles and values."""
    found = {
        int(i): (t, v, c)
        for i, t, v, c in session.execute(
            select(
                Opportunity.id, Opportunity.title, Opportunity.value_e4, Opportunity.currency
            ).where(Opportunity.id.in_([i for i, _, _ in aging]))
        )
    }
    return [
        AgingRow(i, found[i][0], stage, age, found[i][1], found[i][2])
        for i, stage, age in aging
        if i in found
    ]


def lost_reasons(
    session: Session, scope: Scope, limit: int = 10
) -> list[tuple[int, str | None, int]]:
    """(lost stage, close reason, how many) for the lost opportunities, most frequent first."""
    lost = scope.ids_with(Outcome.LOST)
    if not lost:
        return []
    rows = session.execute(
        select(Opportunity.stage_id, Opportunity.close_reason, func.count())
        .where(*scope.clauses(), Opportunity.stage_id.in_(lost))
        .group_by(Opportunity.stage_id, Opportunity.close_reason)
        .order_by(func.count().desc(), Opportunity.stage_id, Opportunity.close_reason)
        .limit(limit)
    )
    return [(int(s), r, int(n)) for s, r, n in rows]


def case_in(column: Any, ids: list[int], value: Any) -> Any:
    """`value` where `column` is one of `ids`, else NULL (for MIN/MAX over a subset)."""
    return case((column.in_(ids), value), else_=None)
