"""The strength model: bounded, monotone, explained exactly, order-independent."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.strength import (
    COMPONENTS,
    Ledger,
    StrengthSettings,
    Touches,
    add_touch,
    combine,
    parse_settings,
    score,
    trend,
)
from goodwill.errors import ValidationFailed

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
DEFAULTS = StrengthSettings()
CHANNELS = ("meeting", "coffee", "call", "message", "email", "social")

touch = st.tuples(
    st.integers(min_value=0, max_value=3 * 365 * 24),  # hours before NOW
    st.sampled_from(CHANNELS),
    st.sampled_from(("me", "them")),
    st.integers(min_value=1, max_value=300),  # recipients
)
histories = st.lists(touch, min_size=0, max_size=25)
ledgers = st.builds(Ledger, st.integers(0, 20), st.integers(0, 20))


def fold(history: list[tuple[int, str, str, int]], order: str = "time") -> Touches | None:
    items = sorted(history) if order == "reverse" else sorted(history, reverse=True)
    current = None
    for hours, channel, initiator, recipients in items:
        at = NOW - timedelta(hours=hours)
        current = add_touch(current, at, channel, initiator, recipients, DEFAULTS.half_life_days)
    return current


NO_LEDGER = Ledger()
MET = date(2022, 1, 1)  # before every generated touch: the relationship's start stays put


def strength_of(history, ledger=NO_LEDGER, met_on=None) -> float:
    return score(fold(history), NOW, DEFAULTS, ledger, met_on).score


@settings(max_examples=300)
@given(histories, ledgers)
def test_the_score_is_bounded_and_its_parts_add_up(history, ledger):
    result = score(fold(history), NOW, DEFAULTS, ledger, date(2020, 1, 1))
    assert 0.0 <= result.score <= 100.0
    assert math.isclose(sum(result.parts.values()), result.score, abs_tol=1e-9)
    assert set(result.parts) == set(COMPONENTS)
    assert all(0.0 <= v <= 1.0 for v in result.values.values())


@settings(max_examples=300)
@given(histories, touch, ledgers)
def test_one_more_touch_never_lowers_the_score(history, extra, ledger):
    assert strength_of([*history, extra], ledger, MET) >= strength_of(history, ledger, MET) - 1e-9


@settings(max_examples=300)
@given(histories.filter(bool), st.integers(min_value=1, max_value=2000), ledgers)
def test_a_more_recent_touch_never_lowers_the_score(history, sooner, ledger):
    """With the relationship's start fixed (duration counts from when you met, or the
    first touch: moving the very first touch later shortens it, by design)."""
    hours, channel, initiator, recipients = history[0]
    moved = [(max(0, hours - sooner), channel, initiator, recipients), *history[1:]]
    assert strength_of(moved, ledger, MET) >= strength_of(history, ledger, MET) - 1e-9


@settings(max_examples=200)
@given(histories.filter(bool))
def test_the_order_touches_arrive_in_does_not_matter(history):
    forward, backward = fold(history, "time"), fold(history, "reverse")
    assert forward is not None and backward is not None
    assert forward.last_at == backward.last_at and forward.touches == backward.touches
    for cls, value in forward.decayed.items():
        assert math.isclose(value, backward.decayed[cls], rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(forward.decayed_them, backward.decayed_them, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=200)
@given(histories.filter(bool), histories.filter(bool))
def test_combining_two_viewers_rows_equals_one_fold(mine, shared):
    both = fold([*mine, *shared])
    parts = combine([fold(mine), fold(shared)], DEFAULTS.half_life_days)  # type: ignore[list-item]
    assert both is not None and parts is not None
    assert math.isclose(
        score(both, NOW, DEFAULTS).score, score(parts, NOW, DEFAULTS).score, abs_tol=1e-9
    )


def test_recency_dominates_and_a_mass_email_counts_little():
    recent_call = strength_of([(24, "call", "me", 1)])
    old_call = strength_of([(24 * 200, "call", "me", 1)])
    assert recent_call > old_call
    one_to_one = strength_of([(24, "email", "me", 1)] * 3)
    blast = strength_of([(24, "email", "me", 200)] * 3)
    assert one_to_one > blast


def test_nobody_scores_zero_and_a_balanced_ledger_helps():
    assert strength_of([]) == 0.0
    touches = [(48, "coffee", "them", 1), (24 * 30, "call", "me", 1)]
    assert strength_of(touches, Ledger(3, 3)) > strength_of(touches, Ledger(6, 0))


def test_trend_compares_now_with_ninety_days_ago():
    assert trend(60, 40) == "rising" and trend(40, 60) == "cooling" and trend(50, 52) == "stable"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"half_life_days": -3}, "half_life_days"),
        ({"half_life_days": "soon"}, "half_life_days"),
        ({"weights": {"recency": 1.5}}, "weights.recency"),
        ({"weights": {"luck": 0.5}}, "weights"),
        ({"weights": dict.fromkeys(COMPONENTS, 0.0)}, "weights"),
        ({"channel_weights": {"email": -0.1}}, "channel_weights.email"),
        ({"colour": 1}, "strength"),
    ],
)
def test_bad_settings_are_refused_with_their_field(values, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_settings(values)
    assert caught.value.field == field
