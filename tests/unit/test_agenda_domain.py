"""Unit tests for goodwill.domain.agenda: keep-in-touch cadence arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.agenda import (
    OVERDUE_CAP,
    STRENGTH_FLOOR,
    TOPIC_MAX,
    cadence_overdue_days,
    meeting_anniversary,
    touch_priority,
    touch_reasons,
)

TODAY = date(2024, 6, 15)


def test_cadence_overdue_days_counts_days_past_cadence_from_last_touch() -> None:
    assert cadence_overdue_days(date(2024, 5, 1), date(2020, 1, 1), 30, TODAY) == 15


def test_cadence_overdue_days_is_zero_on_the_due_day() -> None:
    assert cadence_overdue_days(TODAY - timedelta(days=30), date(2020, 1, 1), 30, TODAY) == 0


def test_cadence_overdue_days_is_negative_before_the_cadence_lapses() -> None:
    assert cadence_overdue_days(TODAY - timedelta(days=10), date(2020, 1, 1), 30, TODAY) == -20


def test_cadence_overdue_days_without_touch_counts_from_since() -> None:
    since = TODAY - timedelta(days=100)
    assert cadence_overdue_days(None, since, 90, TODAY) == 10


def test_cadence_overdue_days_fresh_contact_is_not_overdue() -> None:
    assert cadence_overdue_days(None, TODAY, 30, TODAY) == -30
    assert cadence_overdue_days(None, TODAY, 30, TODAY) <= 0


def test_cadence_overdue_days_last_touch_wins_over_since() -> None:
    since = date(2019, 1, 1)
    recent = TODAY - timedelta(days=5)
    assert cadence_overdue_days(recent, since, 30, TODAY) == -25


@pytest.mark.parametrize(
    ("last", "today", "expected"),
    [
        (date(2024, 2, 1), date(2024, 3, 1), 29 - 28),  # leap February has 29 days
        (date(2023, 2, 1), date(2023, 3, 1), 28 - 28),
        (date(2023, 12, 31), date(2024, 1, 30), 30 - 28),
    ],
)
def test_cadence_overdue_days_uses_calendar_days(last: date, today: date, expected: int) -> None:
    assert cadence_overdue_days(last, date(2000, 1, 1), 28, today) == expected


@settings(max_examples=200)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=1, max_value=3660),
)
def test_cadence_overdue_days_grows_by_one_per_day(
    anchor: date, elapsed: int, cadence: int
) -> None:
    today = anchor + timedelta(days=elapsed)
    days = cadence_overdue_days(anchor, date(1999, 1, 1), cadence, today)
    assert days == elapsed - cadence
    assert cadence_overdue_days(anchor, date(1999, 1, 1), cadence, today + timedelta(days=1)) == (
        days + 1
    )


# ------------------------------------------------- ranking: strength × how overdue


def test_touch_priority_is_strength_times_overdue_relative_to_the_cadence() -> None:
    assert touch_priority(80, 30, 30) == pytest.approx(0.8)
    assert touch_priority(40, 45, 90) == pytest.approx(0.2)
    # A strong monthly tie one cadence late outranks a weak one three cadences late.
    assert touch_priority(80, 30, 30) > touch_priority(20, 90, 30)


def test_touch_priority_is_zero_when_not_lapsed() -> None:
    assert touch_priority(90, 0, 30) == 0.0
    assert touch_priority(90, -5, 30) == 0.0


def test_touch_priority_floor_keeps_never_touched_contacts_ranked_by_overdue() -> None:
    assert touch_priority(0, 60, 30) == pytest.approx(STRENGTH_FLOOR / 100 * 2)
    assert touch_priority(0, 60, 30) > touch_priority(0, 30, 30) > 0


def test_touch_priority_overdue_part_is_capped() -> None:
    assert touch_priority(50, 30 * 10, 30) == touch_priority(50, 30 * 4, 30)
    assert touch_priority(50, 30 * 4, 30) == pytest.approx(0.5 * OVERDUE_CAP)


@settings(max_examples=200, deadline=None)
@given(
    strength=st.floats(0, 100),
    more=st.floats(0, 100),
    days=st.integers(1, 4000),
    later=st.integers(0, 4000),
    cadence=st.integers(1, 3660),
)
def test_touch_priority_never_falls_with_more_strength_or_more_overdue(
    strength: float, more: float, days: int, later: int, cadence: int
) -> None:
    base = touch_priority(strength, days, cadence)
    assert touch_priority(min(strength + more, 100), days, cadence) >= base
    assert touch_priority(strength, days + later, cadence) >= base
    assert 0 < base <= OVERDUE_CAP


def test_ranking_orders_lapsed_contacts_by_priority() -> None:
    lapsed = {"strong-late": (90, 40, 30), "weak-very-late": (10, 120, 30), "mid": (50, 90, 90)}
    ranked = sorted(lapsed, key=lambda k: -touch_priority(*lapsed[k]))
    assert ranked == ["strong-late", "mid", "weak-very-late"]


# ------------------------------------------------------------ reasons to get in touch


@pytest.mark.parametrize(
    ("met_on", "years"),
    [
        (date(2021, 6, 15), 3),  # today
        (date(2021, 6, 21), 3),  # six days ahead: still this week
        (date(2021, 6, 22), None),  # seven days ahead: next week
        (date(2021, 6, 14), None),  # yesterday: passed
        (date(2024, 6, 16), None),  # met this year: no anniversary yet
        (date(2023, 6, 16), 1),
        (None, None),
    ],
)
def test_meeting_anniversary_within_the_next_seven_days(met_on: date | None, years: int | None):
    assert meeting_anniversary(met_on, TODAY) == years


def test_meeting_anniversary_of_a_leap_day_falls_on_28_february_in_other_years() -> None:
    assert meeting_anniversary(date(2020, 2, 29), date(2023, 2, 25)) == 3
    assert meeting_anniversary(date(2020, 2, 29), date(2024, 2, 25)) == 4  # the 29th exists
    assert meeting_anniversary(date(2020, 2, 29), date(2023, 3, 1)) is None


def test_touch_reasons_anniversary_then_topic_then_the_lapse() -> None:
    reasons = touch_reasons(
        today=TODAY,
        last_touch_day=date(2024, 4, 1),
        topic="  her Series A\n raise ",
        topic_day=date(2024, 3, 20),
        topic_channel="coffee",
        met_on=date(2021, 6, 17),
        days_overdue=45,
        cadence_days=30,
    )
    assert reasons == [
        "met 3 years ago this week",
        "follow up on “her Series A raise” (coffee, 2024-03-20)",
        "last touch 75 days ago (cadence: every 30 days)",
    ]


def test_touch_reasons_without_history_say_so_and_long_topics_are_cut() -> None:
    assert touch_reasons(
        today=TODAY, last_touch_day=None, topic=None, topic_day=None, topic_channel=None,
        met_on=None, days_overdue=12, cadence_days=90,
    ) == ["no touch logged yet, 12 days past the 90-day cadence"]  # fmt: skip
    long = touch_reasons(
        today=TODAY, last_touch_day=TODAY, topic="x" * 200, topic_day=TODAY,
        topic_channel=None, met_on=date(2023, 6, 15), days_overdue=1, cadence_days=30,
    )  # fmt: skip
    assert long[0] == "met 1 year ago this week"
    assert long[1] == f"follow up on “{'x' * (TOPIC_MAX - 1)}…” (2024-06-15)"
