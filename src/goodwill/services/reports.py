"""Pipeline reports: funnel, aging, forecast, job search (cost of delay), attribution.

Each takes a pipeline (id or name; without one, the user's first pipeline of the
fitting kind), counts only the opportunities the actor may see, opened between
`since` and `until` (local days, inclusive), and returns a plain view. The heavy
parts are grouped SQL (services._report_sql); the figures come from
goodwill.domain.funnel, whose semantics the README spells out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.domain import funnel as fm
from goodwill.domain.dates import local_date_of
from goodwill.domain.text import fold
from goodwill.errors import ValidationFailed
from goodwill.services import _attribution
from goodwill.services import _common as common
from goodwill.services import _report_sql as sql
from goodwill.services._memo import memoized
from goodwill.services._stage_tracks import stage_tracks
from goodwill.services.actor import Actor, utcnow
from goodwill.services.report_views import (
    AgingItem,
    AgingReport,
    AgingStage,
    AttributionReport,
    CurrencyForecast,
    ForecastLine,
    ForecastReport,
    FunnelReport,
    FunnelStepView,
    JobSearchReport,
    LostReason,
)
from goodwill.services.views import Ref
from goodwill.storage.schema import InterviewRound, Opportunity
from goodwill.storage.unit_of_work import UnitOfWork

SALES = "sales"
JOB_SEARCH = "job_search"
AGING_LIMIT = 50
STORIES_LIMIT = 20


def _minute(actor: Actor) -> Hashable:
    """Stage ages count to now: a memoized report is at most a minute old."""
    return utcnow().replace(second=0, microsecond=0)


def _local_day(actor: Actor) -> Hashable:
    """The cost of delay counts weeks to today."""
    return local_date_of(utcnow(), actor.tz)


def _window(
    actor: Actor, since: date | str | None, until: date | str | None
) -> tuple[date | None, date | None]:
    start = common.as_date(since, "since", actor)
    end = common.as_date(until, "until", actor)
    if start is not None and end is not None and start > end:
        raise ValidationFailed("since", f"{start.isoformat()} is after until {end.isoformat()}")
    return start, end


def _scope(
    session: Session,
    actor: Actor,
    pipeline: int | str | None,
    kind: str | None,
    window: tuple[date | None, date | None],
) -> sql.Scope:
    found = sql.find_pipeline(session, actor, pipeline, kind)
    info = sql.PipelineInfo.of(found)
    return sql.Scope(actor, info, sql.load_stages(session, found.id), window[0], window[1])


def _ref(scope: sql.Scope) -> Ref:
    return Ref(scope.pipeline.id, scope.pipeline.name)


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / fm.SECONDS_PER_DAY, 2)


def _money(value_e4: int | None) -> Decimal | None:
    return None if value_e4 is None else fm.from_e4(value_e4)


def _funnel(
    session: Session, uow: UnitOfWork, scope: sql.Scope
) -> tuple[fm.Funnel, list[FunnelStepView], dict[tuple[int, str | None], int]]:
    tracks = stage_tracks(session, uow, scope)
    tally, medians = fm.funnel_pass(tracks.rows(), tracks.current, scope.stages)
    money = sql.open_by_stage(session, scope)
    open_now: dict[int, int] = defaultdict(int)
    for row in money:
        open_now[row.stage_id] += row.count
    funnel = fm.build_funnel(scope.stages, tally, open_now)
    steps = []
    for step in funnel.steps:
        stays = sum(medians[s][0] for s in step.stage_ids if s in medians)
        med = medians[step.stage_ids[0]][1] if len(step.stage_ids) == 1 and stays else None
        steps.append(
            FunnelStepView(
                stage=step.name,
                reached=step.reached,
                conversion=None if step.conversion is None else round(step.conversion, 4),
                lost_here=step.lost_here,
                open_now=step.open_now,
                completed_stays=stays,
                median_days=_days(med),
            )
        )
    return funnel, steps, tally


@memoized()
def funnel_report(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> FunnelReport:
    """How many opportunities reached each stage, conversion to the next, where the lost
    ones stopped, time in stage, the win rate and the reasons for losing."""
    window = _window(actor, since, until)
    with uow.read() as session:
        scope = _scope(session, actor, pipeline, None, window)
        funnel, steps, _ = _funnel(session, uow, scope)
        names = {s.id: s.name for s in scope.stages}
        reasons = [
            LostReason(names[sid], reason, n) for sid, reason, n in sql.lost_reasons(session, scope)
        ]
        return FunnelReport(
            pipeline=_ref(scope),
            kind=scope.pipeline.kind,
            since=window[0],
            until=window[1],
            total=funnel.total,
            open=funnel.open,
            won=funnel.won,
            lost=funnel.lost,
            win_rate=None if funnel.win_rate is None else round(funnel.win_rate, 4),
            steps=steps,
            lost_reasons=reasons,
            lost_unstaged=funnel.lost_unstaged,
        )


@memoized(_minute)
def aging_report(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> AgingReport:
    """Open opportunities in their stage longer than twice the stage's median stay."""
    window = _window(actor, since, until)
    now = utcnow()
    with uow.read() as session:
        scope = _scope(session, actor, pipeline, None, window)
        tracks = stage_tracks(session, uow, scope)
        medians = fm.stage_medians(fm.stays_in_order(tracks.rows()))
        open_ids = scope.open_ids
        thresholds = {
            sid: fm.AGING_FACTOR * med for sid, (_, med) in medians.items() if sid in open_ids
        }
        counts, aging = fm.aging_in_order(
            tracks.current_stays(thresholds), thresholds, fm.epoch_seconds(now), AGING_LIMIT
        )
        rows = sql.aging_details(session, aging)
        open_now: dict[int, int] = defaultdict(int)
        for money in sql.open_by_stage(session, scope):
            open_now[money.stage_id] += money.count
    names = {s.id: s.name for s in scope.stages}
    stages = [
        AgingStage(
            stage=names[sid],
            open=open_now.get(sid, 0),
            median_days=_days(medians[sid][1]) if sid in medians else None,
            aging=counts.get(sid, 0),
        )
        for sid in open_ids
    ]
    items = [
        AgingItem(
            opportunity=Ref(r.opportunity_id, r.title),
            stage=names[r.stage_id],
            days_in_stage=round(r.age_seconds / fm.SECONDS_PER_DAY, 2),
            median_days=round(medians[r.stage_id][1] / fm.SECONDS_PER_DAY, 2),
            times_median=round(r.age_seconds / medians[r.stage_id][1], 2)
            if medians[r.stage_id][1]
            else None,
            value=_money(r.value_e4),
            currency=r.currency,
        )
        for r in rows
    ]
    return AgingReport(
        pipeline=_ref(scope),
        since=window[0],
        until=window[1],
        as_of=now,
        factor=fm.AGING_FACTOR,
        stages=stages,
        aging=sum(counts.values()),
        items=items,
    )


@memoized()
def forecast_report(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> ForecastReport:
    """Weighted forecast (Σ value × stage probability) and velocity, per currency."""
    window = _window(actor, since, until)
    with uow.read() as session:
        scope = _scope(session, actor, pipeline, SALES, window)
        tally = sql.funnel_tally(session, scope)
        money = sql.open_by_stage(session, scope)
        won_count, cycle_seconds = sql.won_cycles(session, scope)
    funnel = fm.build_funnel(scope.stages, tally, {})
    cycle = fm.average_cycle_days(cycle_seconds, won_count)
    stages = {s.id: s for s in scope.stages}
    per_currency: dict[str, dict[int, int]] = defaultdict(dict)
    counts: dict[str, int] = defaultdict(int)
    lines = []
    for row in sorted(money, key=lambda m: (stages[m.stage_id].position, m.currency or "")):
        if row.currency is None:
            continue
        per_currency[row.currency][row.stage_id] = row.value_e4
        counts[row.currency] += row.valued
        stage = stages[row.stage_id]
        lines.append(
            ForecastLine(
                stage=stage.name,
                probability=stage.probability,
                currency=row.currency,
                open=row.valued,
                value=fm.from_e4(row.value_e4),
                weighted=fm.weighted_value(
                    {row.stage_id: row.value_e4}, {row.stage_id: stage.probability}
                ),
            )
        )
    probabilities = {s.id: s.probability for s in scope.stages}
    currencies = []
    for code in sorted(per_currency):
        total = fm.from_e4(sum(per_currency[code].values()))
        average = total / counts[code]
        currencies.append(
            CurrencyForecast(
                currency=code,
                open=counts[code],
                value=total,
                weighted=fm.weighted_value(per_currency[code], probabilities),
                average_value=average.quantize(fm.CENT, ROUND_HALF_EVEN),
                velocity_per_day=fm.velocity(
                    counts[code], average, funnel.won, funnel.won + funnel.lost, cycle
                ),
            )
        )
    return ForecastReport(
        pipeline=_ref(scope),
        since=window[0],
        until=window[1],
        won=funnel.won,
        closed=funnel.won + funnel.lost,
        win_rate=None if funnel.win_rate is None else round(funnel.win_rate, 4),
        average_cycle_days=None if cycle is None else round(float(cycle), 2),
        currencies=currencies,
        lines=lines,
        open_without_value=sum(m.count - m.valued for m in money),
    )


@memoized(_local_day)
def jobsearch_report(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> JobSearchReport:
    """The job search funnel, referrals and rounds, and the cost of delay: the target
    salary / 52 for every week since the search began, projected at the pace of offers."""
    window = _window(actor, since, until)
    today = local_date_of(utcnow(), actor.tz)
    with uow.read() as session:
        scope = _scope(session, actor, pipeline, JOB_SEARCH, window)
        funnel, steps, tally = _funnel(session, uow, scope)
        where = scope.clauses()
        first_opened, asked, received, accepted_at = session.execute(
            select(
                func.min(Opportunity.opened_at),
                func.count(Opportunity.referral_asked_on),
                func.count(Opportunity.referral_received_on),
                func.min(
                    sql.case_in(
                        Opportunity.stage_id, scope.ids_with(fm.Outcome.WON), Opportunity.closed_at
                    )
                ),
            ).where(*where)
        ).one()
        rounds = session.scalar(
            select(func.count())
            .select_from(InterviewRound)
            .join(Opportunity, Opportunity.id == InterviewRound.opportunity_id)
            .where(*where)
        )
    p = scope.pipeline
    started = p.started_on or (
        None if first_opened is None else local_date_of(first_opened, actor.tz)
    )
    offers = _reached_stage(scope, tally, "offer", funnel.won)
    salary = _money(p.target_salary_e4)
    cost = None
    if salary is None:
        note = "no target salary: set one on the pipeline to see the cost of delay"
    elif started is None:
        note = "the search has not begun: no opportunities and no start date"
    else:
        accepted_on = None if accepted_at is None else local_date_of(accepted_at, actor.tz)
        cost = fm.cost_of_delay(salary, started, today, offers, accepted_on=accepted_on)
        note = cost.note
    return JobSearchReport(
        pipeline=_ref(scope),
        since=window[0],
        until=window[1],
        target_salary=salary,
        currency=p.currency,
        started_on=started,
        cost=cost,
        forgone_by_week=[] if cost is None else fm.forgone_by_week(cost),
        note=note,
        steps=steps,
        open=funnel.open,
        applications=_reached_stage(scope, tally, "applied", 0),
        offers=offers,
        accepted=funnel.won,
        referrals_asked=int(asked),
        referrals_received=int(received),
        interview_rounds=int(rounds or 0),
    )


def _reached_stage(
    scope: sql.Scope, tally: dict[tuple[int, str | None], int], name: str, default: int
) -> int:
    """How many reached the open stage of that (folded) name; `default` without one."""
    indexes = fm.funnel_indexes(scope.stages)
    stage = next((s for s in scope.stages if s.outcome is None and fold(s.name) == name), None)
    if stage is None:
        return default
    index = indexes[stage.id]
    assert index is not None
    return sum(n for (i, _), n in tally.items() if i >= index)


@memoized()
def attribution_report(
    actor: Actor,
    uow: UnitOfWork,
    *,
    pipeline: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> AttributionReport:
    """What relationships led to: the history behind every win (first touch, touches and
    gives before it opened, the referral or introduction), and opportunities where the
    user gave first against cold ones, counts and conversion side by side."""
    window = _window(actor, since, until)
    gives = _attribution.first_gives(actor, uow)
    with uow.read() as session:
        scope = _scope(session, actor, pipeline, SALES, window)
        wins, stories = _attribution.win_stories(session, uow, scope, STORIES_LIMIT)
        facts = stage_tracks(session, uow, scope).facts
        gave_first, cold = _attribution.gave_first_groups(scope, facts, gives)
        return AttributionReport(
            pipeline=_ref(scope),
            since=window[0],
            until=window[1],
            wins=wins,
            stories=stories,
            gave_first=gave_first,
            cold=cold,
        )
