"""Funnel math for pipelines: what "reached", conversion, win rate, time in stage, aging,
velocity, the weighted forecast and the cost of delay mean (README "Funnel semantics").

Pure: the services hand in stages, tallies and durations (from SQL), and the same
functions compute every figure; `reference_*` functions compute them again the
straightforward way, one opportunity at a time, so tests can hold the SQL to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

AGING_FACTOR = 2  # an open opportunity is aging past twice its stage's median stay
SECONDS_PER_DAY = 86_400
WEEKS_PER_YEAR = 52
CENT = Decimal("0.01")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Outcome:
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    position: int
    probability: float
    outcome: str | None  # None (open) | won | lost


@dataclass(frozen=True)
class StageMove:
    """An opportunity entered `stage_id` at `at` (events order by (at, event_id))."""

    opportunity_id: int
    event_id: int
    stage_id: int
    at: datetime


@dataclass(frozen=True)
class OpportunityFacts:
    id: int
    stage_id: int  # where it stands now
    opened_at: datetime
    closed_at: datetime | None
    value_e4: int | None
    currency: str | None


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel: an open stage in order, and last the won stage(s)."""

    name: str
    stage_ids: tuple[int, ...]
    reached: int
    conversion: float | None  # to the next step; None for the last or when none reached
    lost_here: int  # closed lost with this as the last open stage reached
    open_now: int


@dataclass(frozen=True)
class Funnel:
    steps: tuple[FunnelStep, ...]
    total: int
    open: int
    won: int
    lost: int
    win_rate: float | None  # won / (won + lost); None before anything closed
    lost_unstaged: int  # recorded straight into a lost stage: in the win rate only


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since 1970 (fractions dropped), as both databases compute them."""
    delta = moment.astimezone(UTC) - _EPOCH
    return delta.days * SECONDS_PER_DAY + delta.seconds


def ordered_stages(stages: Iterable[StageInfo]) -> list[StageInfo]:
    return sorted(stages, key=lambda s: (s.position, s.id))


def funnel_indexes(stages: Iterable[StageInfo]) -> dict[int, int | None]:
    """Each stage's step: open stages 0..k-1 in order, won stages k, lost stages None."""
    ordered = ordered_stages(stages)
    open_ids = [s.id for s in ordered if s.outcome is None]
    won_step = len(open_ids)
    indexes: dict[int, int | None] = {sid: i for i, sid in enumerate(open_ids)}
    for stage in ordered:
        if stage.outcome == Outcome.WON:
            indexes[stage.id] = won_step
        elif stage.outcome is not None:
            indexes[stage.id] = None
    return indexes


def reached_index(entered: Iterable[int], indexes: Mapping[int, int | None]) -> int:
    """The furthest step an opportunity entered (-1: none). A later step implies every
    earlier one (skipped stages count as passed); entering a stage twice changes nothing."""
    steps = [indexes[s] for s in entered if indexes.get(s) is not None]
    return max((s for s in steps if s is not None), default=-1)


def build_funnel(
    stages: Iterable[StageInfo],
    tally: Mapping[tuple[int, str | None], int],
    open_now: Mapping[int, int],
) -> Funnel:
    """The funnel from a tally of opportunities by (reached index, current outcome) and the
    open ones by current stage. reached(i) = those whose reached index is ≥ i."""
    ordered = ordered_stages(stages)
    open_stages = [s for s in ordered if s.outcome is None]
    won_ids = tuple(s.id for s in ordered if s.outcome == Outcome.WON)
    k = len(open_stages)
    reached = [0] * (k + 1)
    lost_at = [0] * max(k, 1)
    won = lost = total = opened = lost_unstaged = 0
    for (index, outcome), count in tally.items():
        total += count
        for i in range(min(index, k) + 1):
            reached[i] += count
        if outcome == Outcome.WON:
            won += count
        elif outcome == Outcome.LOST:
            lost += count
            if index < 0:
                lost_unstaged += count
            else:
                lost_at[min(index, k - 1)] += count
        else:
            opened += count
    names: list[tuple[str, tuple[int, ...]]] = [(s.name, (s.id,)) for s in open_stages]
    names.append(("/".join(s.name for s in ordered if s.id in won_ids) or "won", won_ids))
    steps = []
    for i, (name, ids) in enumerate(names):
        nxt = reached[i + 1] if i < k else None
        steps.append(
            FunnelStep(
                name=name,
                stage_ids=ids,
                reached=reached[i],
                conversion=conversion(reached[i], nxt),
                lost_here=lost_at[i] if i < k else 0,
                open_now=sum(open_now.get(sid, 0) for sid in ids),
            )
        )
    return Funnel(tuple(steps), total, opened, won, lost, win_rate(won, won + lost), lost_unstaged)


def conversion(reached_here: int, reached_next: int | None) -> float | None:
    """reached(i+1) / reached(i); None for the last step or when nothing reached step i."""
    if reached_next is None or reached_here == 0:
        return None
    return reached_next / reached_here


def win_rate(won: int, closed: int) -> float | None:
    """Won over closed (won + lost); open opportunities are not in it."""
    return None if closed == 0 else won / closed


def completed_stays(moves: Iterable[StageMove]) -> list[tuple[int, int]]:
    """(stage id, whole seconds) of every stay that ended with a later move: a stay runs
    from entering a stage to the next move of the same opportunity. The stay an
    opportunity is in now is not complete and does not count."""
    by_opportunity: dict[int, list[StageMove]] = defaultdict(list)
    for move in moves:
        by_opportunity[move.opportunity_id].append(move)
    stays: list[tuple[int, int]] = []
    for history in by_opportunity.values():
        history.sort(key=lambda m: (m.at, m.event_id))
        for this, after in zip(history, history[1:], strict=False):
            stays.append((this.stage_id, epoch_seconds(after.at) - epoch_seconds(this.at)))
    return stays


def tally_in_order(
    rows: Iterable[tuple[int, int, int]],
    current: Mapping[int, int],
    stages: Iterable[StageInfo],
) -> dict[tuple[int, str | None], int]:
    """Opportunities by (furthest step entered, current outcome), from the stage events'
    (opportunity id, stage id, seconds) rows and each opportunity's current stage, which
    counts as entered: what services._report_sql.funnel_tally computes in SQL."""
    stages = tuple(stages)
    indexes = {sid: i for sid, i in funnel_indexes(stages).items() if i is not None}
    if not indexes:
        return {}
    outcomes = {s.id: s.outcome for s in stages}
    furthest: dict[int, int] = {}
    for opportunity_id, stage_id, _ in rows:
        step = indexes.get(stage_id)
        if step is not None and step > furthest.get(opportunity_id, -1):
            furthest[opportunity_id] = step
    tally: dict[tuple[int, str | None], int] = defaultdict(int)
    for opportunity_id, stage_id in current.items():
        step = max(furthest.get(opportunity_id, -1), indexes.get(stage_id, -1))
        tally[(step, outcomes.get(stage_id))] += 1
    return dict(tally)


def stays_in_order(rows: Iterable[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The same stays from (opportunity id, stage id, whole seconds) rows already in
    (opportunity, time, event id) order: each row's stay ends at the next row of the
    same opportunity."""
    stays: list[tuple[int, int]] = []
    previous: tuple[int, int, int] | None = None
    for row in rows:
        if previous is not None and previous[0] == row[0]:
            stays.append((previous[1], row[2] - previous[2]))
        previous = row
    return stays


def funnel_pass(
    rows: Iterable[tuple[int, int, int]],
    current: Mapping[int, int],
    stages: Iterable[StageInfo],
) -> tuple[dict[tuple[int, str | None], int], dict[int, tuple[int, float]]]:
    """`tally_in_order` and `stage_medians(stays_in_order(rows))` in one pass over the
    ordered stage-event rows: the funnel report reads each of its tens of thousands of
    events once (bench/README.md: the funnel report)."""
    stages = tuple(stages)
    indexes = {sid: i for sid, i in funnel_indexes(stages).items() if i is not None}
    outcomes = {s.id: s.outcome for s in stages}
    furthest: dict[int, int] = {}
    per_stage: dict[int, list[int]] = defaultdict(list)
    last_opportunity, last_stage, last_at, best = -1, -1, 0, -1
    step_of = indexes.get
    for opportunity_id, stage_id, at in rows:
        if opportunity_id == last_opportunity:
            per_stage[last_stage].append(at - last_at)
        else:
            if best >= 0:
                furthest[last_opportunity] = best
            best = -1
            last_opportunity = opportunity_id
        step = step_of(stage_id, -1)
        if step > best:
            best = step
        last_stage, last_at = stage_id, at
    if best >= 0:
        furthest[last_opportunity] = best
    tally: dict[tuple[int, str | None], int] = defaultdict(int)
    if indexes:
        for opportunity_id, stage_id in current.items():
            step = max(furthest.get(opportunity_id, -1), step_of(stage_id, -1))
            tally[(step, outcomes.get(stage_id))] += 1
    medians = {sid: (len(v), median(v) or 0.0) for sid, v in per_stage.items()}
    return dict(tally), medians


def median(values: Sequence[int] | Sequence[float]) -> float | None:
    """The middle value; with an even count, the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def median_of_middle(total: int, count: int) -> float | None:
    """The median from the sum and count of the middle one or two values."""
    return None if count == 0 else total / count


def stage_medians(stays: Iterable[tuple[int, int]]) -> dict[int, tuple[int, float]]:
    """Per stage: (completed stays, median seconds)."""
    per_stage: dict[int, list[int]] = defaultdict(list)
    for stage_id, seconds in stays:
        per_stage[stage_id].append(seconds)
    return {sid: (len(v), median(v) or 0.0) for sid, v in per_stage.items()}


def is_aging(age_seconds: int, median_seconds: float | None) -> bool:
    """In its stage longer than AGING_FACTOR × the stage's median completed stay."""
    return median_seconds is not None and age_seconds > AGING_FACTOR * median_seconds


def aging_in_order(
    stays: Iterable[tuple[int, int, int]],
    thresholds: Mapping[int, float],
    now: int,
    limit: int,
) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    """From the current stays (opportunity id, stage id, whole seconds it began), those
    longer than their stage's threshold (seconds; a stage without one is not aging):
    how many per stage, and (opportunity id, stage id, age in seconds) of the most
    overdue relative to the threshold, then by id, up to `limit`."""
    counts: dict[int, int] = defaultdict(int)
    found: list[tuple[float, int, int, int]] = []
    for opportunity_id, stage_id, since in stays:
        threshold = thresholds.get(stage_id)
        age = now - since
        if threshold is None or age <= threshold:
            continue
        counts[stage_id] += 1
        ratio = age / threshold if threshold else float("inf")
        found.append((-ratio, opportunity_id, stage_id, age))
    found.sort()
    return dict(counts), [(i, s, a) for _, i, s, a in found[:limit]]


def from_e4(value_e4: int) -> Decimal:
    """Stored ten-thousandths as money: to the cent when nothing finer is stored."""
    exact = Decimal(value_e4).scaleb(-4)
    return exact.quantize(CENT) if value_e4 % 100 == 0 else exact


def weighted_value(
    value_e4_by_stage: Mapping[int, int], probabilities: Mapping[int, float]
) -> Decimal:
    """Σ value × the probability of the stage it stands in (one currency)."""
    total = sum(
        (Decimal(v) * Decimal(repr(probabilities[sid])) for sid, v in value_e4_by_stage.items()),
        Decimal(0),
    )
    return total.scaleb(-4).quantize(CENT, ROUND_HALF_EVEN)


def velocity(
    open_count: int,
    average_value: Decimal | None,
    won: int,
    closed: int,
    average_cycle_days: Decimal | None,
) -> Decimal | None:
    """Money per day the pipeline moves: open × average value × win rate / average cycle
    (days from opening to winning). None without a win rate, a value or a cycle."""
    if average_value is None or closed == 0 or not average_cycle_days or open_count == 0:
        return None
    per_day = Decimal(open_count) * average_value * Decimal(won) / Decimal(closed)
    return (per_day / average_cycle_days).quantize(CENT, ROUND_HALF_EVEN)


def average_cycle_days(total_seconds: int, won: int) -> Decimal | None:
    if won == 0:
        return None
    return Decimal(total_seconds) / Decimal(won) / Decimal(SECONDS_PER_DAY)


@dataclass(frozen=True)
class CostOfDelay:
    """What each week without the job costs, and what the search has cost so far."""

    started_on: date
    as_of: date  # today, or the day an offer was accepted
    weeks_elapsed: Decimal
    weekly_cost: Decimal
    forgone: Decimal
    offers: int
    weeks_per_offer: Decimal | None  # the pace so far: weeks elapsed / offers
    projected_weeks_to_next_offer: Decimal | None
    projected_cost_to_next_offer: Decimal | None
    projected_total: Decimal | None
    note: str


def cost_of_delay(
    yearly_salary: Decimal,
    started_on: date,
    today: date,
    offers: int,
    *,
    accepted_on: date | None = None,
) -> CostOfDelay:
    """Weekly cost = yearly salary / 52; forgone = weekly cost × weeks since the search
    began (until an offer was accepted); at the current pace the next offer comes
    weeks elapsed / offers from now. No offers yet: no pace, no projection."""
    as_of = accepted_on if accepted_on is not None and accepted_on < today else today
    days = max(0, (as_of - started_on).days)
    weeks = Decimal(days) / Decimal(7)
    weekly = yearly_salary / Decimal(WEEKS_PER_YEAR)
    forgone = (weekly * weeks).quantize(CENT, ROUND_HALF_EVEN)
    pace = next_weeks = next_cost = total = None
    if accepted_on is not None:
        note = f"offer accepted on {accepted_on.isoformat()}: the search is over"
    elif offers == 0:
        note = "no offers yet: no pace to project from"
    elif days == 0:
        note = "the search began today: no pace to project from yet"
    else:
        pace = weeks / Decimal(offers)
        next_weeks = pace
        next_cost = (weekly * pace).quantize(CENT, ROUND_HALF_EVEN)
        total = forgone + next_cost
        note = f"{offers} offer(s) in {_weeks(weeks)} weeks: one every {_weeks(pace)} weeks"
    return CostOfDelay(
        started_on=started_on,
        as_of=as_of,
        weeks_elapsed=weeks.quantize(CENT, ROUND_HALF_EVEN),
        weekly_cost=weekly.quantize(CENT, ROUND_HALF_EVEN),
        forgone=forgone,
        offers=offers,
        weeks_per_offer=None if pace is None else pace.quantize(CENT, ROUND_HALF_EVEN),
        projected_weeks_to_next_offer=(
            None if next_weeks is None else next_weeks.quantize(CENT, ROUND_HALF_EVEN)
        ),
        projected_cost_to_next_offer=next_cost,
        projected_total=total,
        note=note,
    )


def forgone_by_week(cost: CostOfDelay) -> list[tuple[Decimal, Decimal]]:
    """(weeks since the start, money forgone by then): each whole week, then today."""
    weekly = cost.weekly_cost
    whole = int(cost.weeks_elapsed)
    points = [(Decimal(w), (weekly * w).quantize(CENT, ROUND_HALF_EVEN)) for w in range(whole + 1)]
    if cost.weeks_elapsed > whole:
        points.append((cost.weeks_elapsed, cost.forgone))
    return points


def _weeks(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'), ROUND_HALF_EVEN)}"


# -- the straightforward computations, one opportunity at a time ---------------------------


def reference_funnel(
    stages: Sequence[StageInfo],
    opportunities: Sequence[OpportunityFacts],
    moves: Sequence[StageMove],
) -> Funnel:
    """The funnel counted opportunity by opportunity, without a tally."""
    indexes = funnel_indexes(stages)
    outcome = {s.id: s.outcome for s in stages}
    entered: dict[int, set[int]] = defaultdict(set)
    for move in moves:
        entered[move.opportunity_id].add(move.stage_id)
    ordered = ordered_stages(stages)
    open_stages = [s for s in ordered if s.outcome is None]
    won_ids = tuple(s.id for s in ordered if s.outcome == Outcome.WON)
    furthest = {o.id: reached_index(entered[o.id] | {o.stage_id}, indexes) for o in opportunities}
    steps: list[FunnelStep] = []
    plan: list[tuple[str, tuple[int, ...]]] = [(s.name, (s.id,)) for s in open_stages]
    plan.append(("/".join(s.name for s in ordered if s.id in won_ids) or "won", won_ids))
    for i, (name, ids) in enumerate(plan):
        here = sum(1 for o in opportunities if furthest[o.id] >= i)
        after = (
            sum(1 for o in opportunities if furthest[o.id] >= i + 1)
            if i < len(open_stages)
            else None
        )
        lost_here = sum(
            1
            for o in opportunities
            if outcome[o.stage_id] == Outcome.LOST
            and i < len(open_stages)
            and min(furthest[o.id], len(open_stages) - 1) == i
        )
        steps.append(
            FunnelStep(
                name=name,
                stage_ids=ids,
                reached=here,
                conversion=None if after is None or here == 0 else after / here,
                lost_here=lost_here,
                open_now=sum(
                    1 for o in opportunities if o.stage_id in ids and outcome[o.stage_id] is None
                ),
            )
        )
    won = sum(1 for o in opportunities if outcome[o.stage_id] == Outcome.WON)
    lost = sum(1 for o in opportunities if outcome[o.stage_id] == Outcome.LOST)
    return Funnel(
        steps=tuple(steps),
        total=len(opportunities),
        open=len(opportunities) - won - lost,
        won=won,
        lost=lost,
        win_rate=None if won + lost == 0 else won / (won + lost),
        lost_unstaged=sum(
            1 for o in opportunities if outcome[o.stage_id] == Outcome.LOST and furthest[o.id] < 0
        ),
    )
