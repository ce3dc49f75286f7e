"""Funnel semantics, time in stage, aging, velocity, forecast and cost of delay, by hand and
by property."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.domain import funnel as fm
from goodwill.domain.funnel import OpportunityFacts, StageInfo, StageMove

T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
SALES = (
    StageInfo(1, "prospect", 0, 0.1, None),
    StageInfo(2, "discovery", 1, 0.2, None),
    StageInfo(3, "proposal", 2, 0.5, None),
    StageInfo(4, "negotiation", 3, 0.75, None),
    StageInfo(5, "won", 4, 1.0, "won"),
    StageInfo(6, "lost", 5, 0.0, "lost"),
    StageInfo(7, "qualified-out", 6, 0.0, "lost"),
)
NAMES = {s.name: s.id for s in SALES}


def _history(opp_id: int, path: str) -> tuple[OpportunityFacts, list[StageMove]]:
    """'prospect@0 proposal@2 …' → the facts and moves of one opportunity."""
    moves = []
    for i, token in enumerate(path.split()):
        name, _, days = token.partition("@")
        moves.append(
            StageMove(opp_id, opp_id * 100 + i, NAMES[name], T0 + timedelta(days=float(days)))
        )
    last = moves[-1]
    closed = last.at if SALES[last.stage_id - 1].outcome else None
    return OpportunityFacts(opp_id, last.stage_id, moves[0].at, closed, None, None), moves


def _funnel(*paths: str) -> tuple[fm.Funnel, list[StageMove]]:
    facts, moves = [], []
    for i, path in enumerate(paths, start=1):
        f, m = _history(i, path)
        facts.append(f)
        moves.extend(m)
    return fm.reference_funnel(SALES, facts, moves), moves


def test_funnel_indexes_put_open_stages_in_order_won_last_and_lost_nowhere():
    assert fm.funnel_indexes(SALES) == {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: None, 7: None}


def test_reached_counts_skipped_stages_and_backward_moves_once():
    funnel, _ = _funnel(
        "prospect@0 proposal@2 discovery@5 proposal@9 won@20",  # skip, back, forward, won
        "prospect@0 discovery@4 lost@6",
        "discovery@0 negotiation@3 qualified-out@8",  # opened past prospect
        "prospect@0",
    )
    assert [(s.name, s.reached, s.lost_here, s.open_now) for s in funnel.steps] == [
        ("prospect", 4, 0, 1),
        ("discovery", 3, 1, 0),
        ("proposal", 2, 0, 0),
        ("negotiation", 2, 1, 0),
        ("won", 1, 0, 0),
    ]
    assert [s.conversion for s in funnel.steps] == [0.75, 2 / 3, 1.0, 0.5, None]
    assert (funnel.total, funnel.open, funnel.won, funnel.lost) == (4, 1, 1, 2)
    assert funnel.win_rate == pytest.approx(1 / 3)


def test_a_lost_opportunity_counts_against_the_last_open_stage_it_reached():
    # Back from negotiation to discovery, then lost: negotiation is still the furthest.
    funnel, _ = _funnel("prospect@0 negotiation@1 discovery@2 lost@3")
    assert [s.lost_here for s in funnel.steps] == [0, 0, 0, 1, 0]


def test_recorded_straight_as_lost_counts_in_the_win_rate_only():
    funnel, _ = _funnel("lost@0", "prospect@0 won@1")
    assert [s.reached for s in funnel.steps] == [1, 1, 1, 1, 1]
    assert (funnel.lost_unstaged, funnel.win_rate) == (1, 0.5)


def test_build_funnel_from_a_tally_equals_the_reference():
    funnel, _ = _funnel("prospect@0 won@3", "prospect@0 proposal@1 lost@2", "discovery@0")
    tally = {(4, "won"): 1, (2, "lost"): 1, (1, None): 1}
    assert fm.build_funnel(SALES, tally, {2: 1}) == funnel


def test_tally_in_order_counts_the_furthest_step_and_the_current_outcome():
    # (opportunity, stage, seconds) rows in (opportunity, time) order.
    rows = [
        (1, 1, 0), (1, 3, 10), (1, 2, 20), (1, 5, 30),  # skip, back, won
        (2, 1, 0), (2, 4, 5), (2, 2, 6), (2, 6, 7),  # back from negotiation, lost
        (3, 2, 0),  # still in discovery
    ]  # fmt: skip
    # 4 has no stage event but stands in proposal; 5 was recorded straight as lost.
    current = {1: 5, 2: 6, 3: 2, 4: 3, 5: 6}
    assert fm.tally_in_order(rows, current, SALES) == {
        (4, "won"): 1,
        (3, "lost"): 1,
        (1, None): 1,
        (2, None): 1,
        (-1, "lost"): 1,
    }
    assert fm.tally_in_order(rows, current, [s for s in SALES if s.outcome == "lost"]) == {}


def test_tally_in_order_builds_the_same_funnel_as_the_reference():
    paths = ("prospect@0 proposal@2 discovery@5 proposal@9 won@20", "prospect@0 discovery@4 lost@6",
             "discovery@0 negotiation@3 qualified-out@8", "prospect@0", "lost@0")  # fmt: skip
    funnel, moves = _funnel(*paths)
    rows = [(m.opportunity_id, m.stage_id, int(m.at.timestamp())) for m in moves]
    current = {i: NAMES[p.split()[-1].partition("@")[0]] for i, p in enumerate(paths, start=1)}
    open_now = {NAMES["prospect"]: 1}
    assert fm.build_funnel(SALES, fm.tally_in_order(rows, current, SALES), open_now) == funnel


def test_win_rate_excludes_open_and_is_none_before_anything_closed():
    assert fm.win_rate(0, 0) is None
    assert fm.win_rate(1, 4) == 0.25
    funnel, _ = _funnel("prospect@0", "discovery@0")
    assert funnel.win_rate is None


def test_completed_stays_exclude_the_current_one_and_order_ties_by_event_id():
    _, moves = _funnel("prospect@0 discovery@1.5 discovery@3 proposal@3")
    assert fm.completed_stays(moves) == [
        (1, 129_600),
        (2, 129_600),
        (2, 0),
    ]


def test_epoch_seconds_drop_fractions():
    at = datetime(1970, 1, 1, 0, 0, 1, 999_999, tzinfo=UTC)
    assert fm.epoch_seconds(at) == 1
    assert fm.epoch_seconds(at.astimezone(fm.UTC)) == 1


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([5], 5.0), ([4, 1, 3], 3.0), ([4, 1, 3, 10], 3.5), ([2, 2], 2.0)],
)
def test_median_is_the_middle_or_the_mean_of_the_two_middles(values, expected):
    assert fm.median(values) == expected


def test_aging_is_strictly_past_twice_the_median():
    assert fm.is_aging(201, 100.0)
    assert not fm.is_aging(200, 100.0)
    assert not fm.is_aging(10**9, None)


def test_weighted_value_is_exact_per_stage_probability():
    # 1000.00 at 10 % + 333.33 at 75 %
    assert fm.weighted_value({1: 10_000_000, 4: 3_333_300}, {1: 0.1, 4: 0.75}) == Decimal("350.00")


def test_velocity_by_hand_and_none_without_its_parts():
    # 4 open × 2,500 average × 1/4 win rate / 10 days = 250 a day
    assert fm.velocity(4, Decimal(2500), 1, 4, Decimal(10)) == Decimal("250.00")
    assert fm.velocity(4, Decimal(2500), 0, 0, Decimal(10)) is None
    assert fm.velocity(4, Decimal(2500), 1, 4, None) is None
    assert fm.velocity(0, None, 1, 4, Decimal(10)) is None
    assert fm.average_cycle_days(3 * 86_400 * 2, 2) == Decimal(3)
    assert fm.average_cycle_days(0, 0) is None


def test_cost_of_delay_by_hand():
    cost = fm.cost_of_delay(Decimal(104_000), date(2024, 1, 1), date(2024, 3, 11), offers=2)
    assert cost.weekly_cost == Decimal("2000.00")
    assert cost.weeks_elapsed == Decimal("10.00")
    assert cost.forgone == Decimal("20000.00")
    assert (cost.weeks_per_offer, cost.projected_weeks_to_next_offer) == (
        Decimal("5.00"),
        Decimal("5.00"),
    )
    assert cost.projected_cost_to_next_offer == Decimal("10000.00")
    assert cost.projected_total == Decimal("30000.00")


def test_cost_of_delay_without_offers_does_not_project():
    cost = fm.cost_of_delay(Decimal(52_000), date(2024, 1, 1), date(2024, 1, 15), offers=0)
    assert cost.forgone == Decimal("2000.00")
    assert cost.weeks_per_offer is None and cost.projected_total is None
    assert "no offers yet" in cost.note


def test_cost_of_delay_stops_when_an_offer_is_accepted():
    cost = fm.cost_of_delay(
        Decimal(52_000), date(2024, 1, 1), date(2024, 6, 1), 1, accepted_on=date(2024, 1, 29)
    )
    assert (cost.as_of, cost.forgone, cost.projected_total) == (
        date(2024, 1, 29),
        Decimal("4000.00"),
        None,
    )


def test_forgone_by_week_ends_today():
    cost = fm.cost_of_delay(Decimal(52_000), date(2024, 1, 1), date(2024, 1, 18), offers=0)
    points = fm.forgone_by_week(cost)
    assert points[:3] == [(0, Decimal("0.00")), (1, Decimal("1000.00")), (2, Decimal("2000.00"))]
    assert points[-1] == (Decimal("2.43"), cost.forgone)


def test_from_e4_is_exact():
    assert fm.from_e4(120_005_000) == Decimal("12000.50")
    assert fm.from_e4(1) == Decimal("0.0001")


# -- properties ----------------------------------------------------------------------------

OPEN_NAMES = ["prospect", "discovery", "proposal", "negotiation"]
paths = st.lists(
    st.tuples(
        st.lists(st.sampled_from(OPEN_NAMES), min_size=1, max_size=6),
        st.sampled_from([None, "won", "lost", "qualified-out"]),
    ),
    max_size=25,
)


def _random_funnel(histories) -> tuple[fm.Funnel, list[StageMove]]:
    texts = []
    for stages, end in histories:
        steps = [*stages, *([end] if end else [])]
        texts.append(" ".join(f"{name}@{i}" for i, name in enumerate(steps)))
    return _funnel(*texts)


@given(paths)
def test_reached_never_grows_along_the_stages(histories):
    funnel, _ = _random_funnel(histories)
    reached = [s.reached for s in funnel.steps]
    assert reached == sorted(reached, reverse=True)
    assert reached[0] == funnel.total - funnel.lost_unstaged
    assert reached[-1] == funnel.won


@given(paths)
def test_conversions_and_win_rate_are_between_0_and_1(histories):
    funnel, _ = _random_funnel(histories)
    for step in funnel.steps:
        assert step.conversion is None or 0 <= step.conversion <= 1
    assert funnel.win_rate is None or 0 <= funnel.win_rate <= 1
    assert sum(s.lost_here for s in funnel.steps) + funnel.lost_unstaged == funnel.lost
    assert funnel.open + funnel.won + funnel.lost == funnel.total


@given(paths)
def test_the_tally_path_equals_the_reference(histories):
    funnel, moves = _random_funnel(histories)
    indexes = fm.funnel_indexes(SALES)
    entered: dict[int, set[int]] = {}
    for m in moves:
        entered.setdefault(m.opportunity_id, set()).add(m.stage_id)
    last = {m.opportunity_id: m.stage_id for m in sorted(moves, key=lambda m: (m.at, m.event_id))}
    tally: dict[tuple[int, str | None], int] = {}
    open_now: dict[int, int] = {}
    for opp, stages in entered.items():
        key = (fm.reached_index(stages, indexes), SALES[last[opp] - 1].outcome)
        tally[key] = tally.get(key, 0) + 1
        if key[1] is None:
            open_now[last[opp]] = open_now.get(last[opp], 0) + 1
    assert fm.build_funnel(SALES, tally, open_now) == funnel


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40))
def test_median_lies_between_min_and_max_and_ignores_order(values):
    med = fm.median(values)
    assert med is not None and min(values) <= med <= max(values)
    assert fm.median(list(reversed(values))) == med


@given(
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=50),
)
def test_forgone_grows_with_time_and_is_salary_over_52_a_week(salary, days, offers):
    start = date(2020, 1, 1)
    cost = fm.cost_of_delay(Decimal(salary), start, start + timedelta(days=days), offers)
    later = fm.cost_of_delay(Decimal(salary), start, start + timedelta(days=days + 7), offers)
    assert later.forgone >= cost.forgone
    assert abs(later.forgone - cost.forgone - Decimal(salary) / 52) <= Decimal("0.02")
    assert (cost.projected_total is None) == (offers == 0 or days == 0)


@given(paths)
def test_stays_from_an_ordered_scan_equal_the_stays_per_opportunity(histories):
    _, moves = _random_funnel(histories)
    ordered = sorted(moves, key=lambda m: (m.opportunity_id, m.at, m.event_id))
    rows = [(m.opportunity_id, m.stage_id, fm.epoch_seconds(m.at)) for m in ordered]
    assert sorted(fm.stays_in_order(rows)) == sorted(fm.completed_stays(moves))


@given(paths, st.booleans())
def test_the_one_pass_equals_the_tally_and_the_medians_it_replaces(histories, lost_only):
    _, moves = _random_funnel(histories)
    ordered = sorted(moves, key=lambda m: (m.opportunity_id, m.at, m.event_id))
    rows = [(m.opportunity_id, m.stage_id, fm.epoch_seconds(m.at)) for m in ordered]
    current = {m.opportunity_id: m.stage_id for m in ordered}  # the last move of each
    current[10_000] = NAMES["proposal"]  # one with no stage event at all
    stages = [s for s in SALES if s.outcome == "lost"] if lost_only else SALES
    tally, medians = fm.funnel_pass(rows, current, stages)
    assert tally == fm.tally_in_order(rows, current, stages)
    assert medians == fm.stage_medians(fm.stays_in_order(rows))


def test_aging_in_order_counts_per_stage_and_ranks_by_times_the_threshold():
    stays = [
        (1, 10, 0),  # stage 10, age 100: 2.0x its threshold of 50
        (2, 10, 60),  # age 40: not past 50
        (3, 20, 0),  # stage 20, age 100: 10x its threshold of 10
        (4, 30, 0),  # stage 30 has no threshold: never aging
        (5, 40, 99),  # threshold 0, age 1: past it, infinitely overdue
        (6, 10, 0),  # the same ratio as 1: the lower id first
        (7, 10, 50),  # age exactly the threshold: not past it
    ]
    thresholds = {10: 50.0, 20: 10.0, 40: 0.0}
    counts, top = fm.aging_in_order(stays, thresholds, 100, 10)
    assert counts == {10: 2, 20: 1, 40: 1}
    assert top == [(5, 40, 1), (3, 20, 100), (1, 10, 100), (6, 10, 100)]
    assert fm.aging_in_order(stays, thresholds, 100, 2)[1] == top[:2]
    assert fm.aging_in_order(stays, thresholds, 100, 2)[0] == counts  # counts all


@given(
    st.lists(
        st.tuples(st.integers(1, 40), st.integers(0, 3), st.integers(0, 1_000)),
        unique_by=lambda t: t[0],
        max_size=40,
    ),
    st.dictionaries(st.integers(0, 3), st.floats(1, 500), max_size=4),
    st.integers(0, 30),
)
def test_aging_in_order_agrees_with_is_aging(stays, thresholds, limit):
    now = 1_000
    counts, top = fm.aging_in_order(stays, thresholds, now, limit)
    aging = [
        (i, s, now - at)
        for i, s, at in stays
        if s in thresholds and fm.is_aging(now - at, thresholds[s] / fm.AGING_FACTOR)
    ]
    assert sum(counts.values()) == len(aging)
    assert sorted(top) == sorted(
        sorted(aging, key=lambda r: (-(r[2] / thresholds[r[1]]), r[0]))[:limit]
    )
