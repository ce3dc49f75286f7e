"""Unit tests for goodwill.domain.agenda: keep-in-touch cadence arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.agenda import cadence_overdue_days

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
