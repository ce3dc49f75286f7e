"""Weekly activity goals: set, list and remove them, and this week's progress.

A week runs Monday to Sunday in the user's time zone. Only the user's own records
count: the interactions they logged, their ledger, their asks, their applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from goodwill.domain import goals as rules
from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.domain.goals import GoalMetric
from goodwill.domain.ledger import Direction
from goodwill.errors import NotFound
from goodwill.services import _common as common
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import (
    ActivityGoal,
    Ask,
    Interaction,
    LedgerEntry,
    Opportunity,
    OpportunityEvent,
    Pipeline,
    PipelineStage,
)
from goodwill.storage.unit_of_work import UnitOfWork

APPLIED_STAGE = "applied"
JOB_SEARCH = "job_search"


@dataclass(frozen=True)
class GoalView:
    metric: str
    weekly_target: int
    counts: str  # what the metric counts


@dataclass(frozen=True)
class GoalProgress:
    metric: str
    counts: str
    target: int
    done: int
    percent: int
    remaining: int
    met: bool


@dataclass(frozen=True)
class GoalsReport:
    week_start: date  # Monday
    week_end: date  # Sunday
    timezone: str
    goals: list[GoalProgress]


def _view(goal: ActivityGoal) -> GoalView:
    metric = GoalMetric(goal.metric)
    return GoalView(metric.value, goal.weekly_target, rules.DESCRIPTIONS[metric])


def _own_goals(actor: Actor) -> list[ColumnElement[bool]]:
    return [ActivityGoal.owner_id == actor.user_id, ActivityGoal.workspace_id == actor.workspace_id]


def set_goal(actor: Actor, uow: UnitOfWork, metric: str, weekly_target: int | str) -> GoalView:
    """Set (or change) the weekly target of a metric."""
    which = rules.parse_metric(metric)
    target = rules.parse_target(weekly_target)
    now = utcnow()
    with uow.write() as session:
        goal = session.scalars(
            select(ActivityGoal).where(*_own_goals(actor), ActivityGoal.metric == which.value)
        ).one_or_none()
        if goal is None:
            goal = ActivityGoal(
                workspace_id=actor.workspace_id,
                owner_id=actor.user_id,
                metric=which.value,
                weekly_target=target,
                created_at=now,
                updated_at=now,
            )
            session.add(goal)
        else:
            goal.weekly_target = target
            goal.updated_at = now
        session.flush()
        return _view(goal)


def list_goals(actor: Actor, uow: UnitOfWork) -> list[GoalView]:
    """The actor's weekly goals, in the order of the metrics."""
    order = list(GoalMetric)
    with uow.read() as session:
        goals = session.scalars(select(ActivityGoal).where(*_own_goals(actor))).all()
        return [_view(g) for g in sorted(goals, key=lambda g: order.index(GoalMetric(g.metric)))]


def remove_goal(actor: Actor, uow: UnitOfWork, metric: str) -> GoalView:
    """Stop tracking a metric."""
    which = rules.parse_metric(metric)
    with uow.write() as session:
        goal = session.scalars(
            select(ActivityGoal).where(*_own_goals(actor), ActivityGoal.metric == which.value)
        ).one_or_none()
        if goal is None:
            raise NotFound(f"no goal for {which.value}")
        view = _view(goal)
        session.delete(goal)
        return view


def goals_report(
    actor: Actor, uow: UnitOfWork, *, week_of: date | str | None = None
) -> GoalsReport:
    """Progress against each goal in the week (Monday–Sunday, the user's zone) holding
    `week_of` (default: today)."""
    day = common.as_date(week_of, "week_of", actor) or local_date_of(utcnow(), actor.tz)
    monday, sunday = rules.week_of(day)
    with uow.read() as session:
        goals = [
            (g.metric, g.weekly_target)
            for g in session.scalars(select(ActivityGoal).where(*_own_goals(actor)))
        ]
        done = {m: _count(session, actor, GoalMetric(m), monday) for m, _ in goals}
    order = list(GoalMetric)
    rows = []
    for metric, target in sorted(goals, key=lambda g: order.index(GoalMetric(g[0]))):
        count = done[metric]
        rows.append(
            GoalProgress(
                metric=metric,
                counts=rules.DESCRIPTIONS[GoalMetric(metric)],
                target=target,
                done=count,
                percent=rules.percent_done(count, target),
                remaining=max(0, target - count),
                met=count >= target,
            )
        )
    return GoalsReport(monday, sunday, actor.timezone, rows)


def _count(session: Session, actor: Actor, metric: GoalMetric, monday: date) -> int:
    start = local_midnight_utc(monday, actor.tz)
    end = local_midnight_utc(monday + timedelta(days=7), actor.tz)
    if metric in (GoalMetric.TOUCHES, GoalMetric.NETWORKING):
        stmt = (
            select(func.count())
            .select_from(Interaction)
            .where(
                Interaction.owner_id == actor.user_id,
                Interaction.workspace_id == actor.workspace_id,
                Interaction.deleted_at.is_(None),
                Interaction.occurred_at >= start,
                Interaction.occurred_at < end,
            )
        )
        if metric is GoalMetric.NETWORKING:
            stmt = stmt.where(Interaction.channel.in_(rules.NETWORKING_CHANNELS))
    elif metric is GoalMetric.GIVES:
        stmt = (
            select(func.count())
            .select_from(LedgerEntry)
            .where(
                LedgerEntry.owner_id == actor.user_id,
                LedgerEntry.workspace_id == actor.workspace_id,
                LedgerEntry.deleted_at.is_(None),
                LedgerEntry.direction == Direction.GAVE.value,
                LedgerEntry.occurred_on >= monday,
                LedgerEntry.occurred_on <= monday + timedelta(days=6),
            )
        )
    elif metric is GoalMetric.ASKS:
        stmt = (
            select(func.count())
            .select_from(Ask)
            .where(
                Ask.owner_id == actor.user_id,
                Ask.workspace_id == actor.workspace_id,
                Ask.deleted_at.is_(None),
                Ask.asked_at >= start,
                Ask.asked_at < end,
            )
        )
    else:
        stmt = (
            select(func.count(func.distinct(OpportunityEvent.opportunity_id)))
            .join(Opportunity, Opportunity.id == OpportunityEvent.opportunity_id)
            .join(Pipeline, Pipeline.id == Opportunity.pipeline_id)
            .join(PipelineStage, PipelineStage.id == OpportunityEvent.to_stage_id)
            .where(
                Opportunity.owner_id == actor.user_id,
                Opportunity.workspace_id == actor.workspace_id,
                Opportunity.deleted_at.is_(None),
                Pipeline.kind == JOB_SEARCH,
                Pipeline.deleted_at.is_(None),
                PipelineStage.name_key == APPLIED_STAGE,
                OpportunityEvent.kind == "stage",
                OpportunityEvent.at >= start,
                OpportunityEvent.at < end,
            )
        )
    return int(session.scalar(stmt) or 0)
