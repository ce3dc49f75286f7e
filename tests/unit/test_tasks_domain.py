"""Unit tests for goodwill.domain.tasks: recurrence parsing and next_due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given, settings
from hypothesis import strategies as st

from goodwill.domain.tasks import Recurrence, next_due, parse_recurrence
from goodwill.errors import ValidationFailed

UTC_ZONE = ZoneInfo("UTC")
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")

ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
]


def _is_utc(value: datetime) -> bool:
    return value.utcoffset() == timedelta(0) and value.tzname() == "UTC"


# --------------------------------------------------------------- parse_recurrence


@pytest.mark.parametrize("recurrence", list(Recurrence))
def test_parse_recurrence_accepts_every_value(recurrence: Recurrence) -> None:
    assert parse_recurrence(recurrence.value) is recurrence


@pytest.mark.parametrize(
    ("raw", "expected"), [(" Weekly ", Recurrence.WEEKLY), ("MONTHLY", Recurrence.MONTHLY)]
)
def test_parse_recurrence_ignores_case_and_space(raw: str, expected: Recurrence) -> None:
    assert parse_recurrence(raw) is expected


@pytest.mark.parametrize("raw", [None, "", "  ", "none", "Never", "NONE"])
def test_parse_recurrence_none_values_mean_no_repeat(raw: str | None) -> None:
    assert parse_recurrence(raw) is None


@pytest.mark.parametrize("raw", ["hourly", "fortnightly", "every week", "1w"])
def test_parse_recurrence_rejects_unknown_values(raw: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_recurrence(raw)
    assert info.value.field == "repeat"
    assert "daily, weekly, monthly, yearly, none" in str(info.value)


def test_parse_recurrence_uses_given_field() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_recurrence("hourly", field="every")
    assert info.value.field == "every"


# ----------------------------------------------------------------------- next_due

DUE = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        (Recurrence.DAILY, datetime(2024, 1, 11, 9, 0, tzinfo=UTC)),
        (Recurrence.WEEKLY, datetime(2024, 1, 17, 9, 0, tzinfo=UTC)),
        (Recurrence.MONTHLY, datetime(2024, 2, 10, 9, 0, tzinfo=UTC)),
        (Recurrence.YEARLY, datetime(2025, 1, 10, 9, 0, tzinfo=UTC)),
    ],
)
def test_next_due_steps_once_after_the_due_moment(
    recurrence: Recurrence, expected: datetime
) -> None:
    result = next_due(DUE, recurrence, UTC_ZONE, DUE)
    assert result == expected
    assert _is_utc(result)


def test_next_due_is_strictly_after_when_after_is_an_occurrence() -> None:
    after = datetime(2024, 1, 14, 9, 0, tzinfo=UTC)  # exactly the 4th daily occurrence
    assert next_due(DUE, Recurrence.DAILY, UTC_ZONE, after) == datetime(
        2024, 1, 15, 9, 0, tzinfo=UTC
    )


def test_next_due_just_before_an_occurrence_returns_it() -> None:
    after = datetime(2024, 1, 14, 8, 59, tzinfo=UTC)
    assert next_due(DUE, Recurrence.DAILY, UTC_ZONE, after) == datetime(
        2024, 1, 14, 9, 0, tzinfo=UTC
    )


def test_next_due_never_returns_the_due_moment_itself() -> None:
    early = DUE - timedelta(days=30)  # completed well ahead of time
    assert next_due(DUE, Recurrence.WEEKLY, UTC_ZONE, early) == DUE + timedelta(weeks=1)


def test_next_due_monthly_from_january_31_clamps_to_leap_february() -> None:
    due = datetime(2024, 1, 31, 9, 0, tzinfo=UTC)
    result = next_due(due, Recurrence.MONTHLY, UTC_ZONE, due)
    assert result == datetime(2024, 2, 29, 9, 0, tzinfo=UTC)


def test_next_due_monthly_from_january_31_clamps_to_february_28() -> None:
    due = datetime(2023, 1, 31, 9, 0, tzinfo=UTC)
    result = next_due(due, Recurrence.MONTHLY, UTC_ZONE, due)
    assert result == datetime(2023, 2, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("year", [2023, 2024])
def test_next_due_monthly_from_january_31_returns_to_march_31_without_drift(year: int) -> None:
    due = datetime(year, 1, 31, 9, 0, tzinfo=UTC)
    february = next_due(due, Recurrence.MONTHLY, UTC_ZONE, due)
    march = next_due(due, Recurrence.MONTHLY, UTC_ZONE, february)
    assert february.month == 2 and february.day in (28, 29)
    assert march == datetime(year, 3, 31, 9, 0, tzinfo=UTC)
    april = next_due(due, Recurrence.MONTHLY, UTC_ZONE, march)
    assert april == datetime(year, 4, 30, 9, 0, tzinfo=UTC)
    may = next_due(due, Recurrence.MONTHLY, UTC_ZONE, april)
    assert may == datetime(year, 5, 31, 9, 0, tzinfo=UTC)


def test_next_due_monthly_on_the_31st_in_local_time() -> None:
    due = datetime(2024, 1, 31, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    february = next_due(due, Recurrence.MONTHLY, PARIS, due)
    march = next_due(due, Recurrence.MONTHLY, PARIS, february)
    assert february == datetime(2024, 2, 29, 8, 0, tzinfo=UTC)
    # 31 March 2024 is in summer time: still 09:00 local, so 07:00 UTC.
    assert march == datetime(2024, 3, 31, 7, 0, tzinfo=UTC)


def test_next_due_yearly_from_february_29() -> None:
    due = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert next_due(due, Recurrence.YEARLY, UTC_ZONE, due) == datetime(
        2025, 2, 28, 12, 0, tzinfo=UTC
    )
    later = datetime(2027, 6, 1, tzinfo=UTC)
    assert next_due(due, Recurrence.YEARLY, UTC_ZONE, later) == datetime(
        2028, 2, 29, 12, 0, tzinfo=UTC
    )


def test_next_due_weekly_keeps_local_time_across_autumn_dst_change() -> None:
    due = datetime(2024, 10, 21, 7, 0, tzinfo=UTC)  # Monday 09:00 CEST
    result = next_due(due, Recurrence.WEEKLY, PARIS, datetime(2024, 10, 22, tzinfo=UTC))
    assert result == datetime(2024, 10, 28, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
    local = result.astimezone(PARIS)
    assert (local.hour, local.minute, local.weekday()) == (9, 0, 0)
    assert _is_utc(result)


def test_next_due_weekly_keeps_local_time_across_spring_dst_change() -> None:
    due = datetime(2025, 3, 24, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
    result = next_due(due, Recurrence.WEEKLY, PARIS, due)
    assert result == datetime(2025, 3, 31, 7, 0, tzinfo=UTC)  # Monday 09:00 CEST
    assert result.astimezone(PARIS).hour == 9


def test_next_due_daily_keeps_local_time_over_many_dst_changes() -> None:
    due = datetime(2024, 1, 1, 14, 0, tzinfo=UTC)  # 09:00 EST
    after = datetime(2026, 7, 4, 20, 0, tzinfo=UTC)  # 16:00 EDT
    result = next_due(due, Recurrence.DAILY, NEW_YORK, after)
    assert result == datetime(2026, 7, 5, 13, 0, tzinfo=UTC)  # 09:00 EDT next day


def test_next_due_far_future_after_returns_first_occurrence_after_it() -> None:
    due = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)  # a Monday
    assert next_due(due, Recurrence.DAILY, UTC_ZONE, datetime(2030, 6, 15, 12, 0, tzinfo=UTC)) == (
        datetime(2030, 6, 16, 9, 0, tzinfo=UTC)
    )
    assert next_due(due, Recurrence.DAILY, UTC_ZONE, datetime(2030, 6, 15, 8, 0, tzinfo=UTC)) == (
        datetime(2030, 6, 15, 9, 0, tzinfo=UTC)
    )
    assert next_due(due, Recurrence.WEEKLY, UTC_ZONE, datetime(2029, 3, 1, tzinfo=UTC)) == (
        datetime(2029, 3, 5, 9, 0, tzinfo=UTC)  # the next Monday
    )
    assert next_due(due, Recurrence.MONTHLY, UTC_ZONE, datetime(2031, 2, 1, 10, 0, tzinfo=UTC)) == (
        datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
    )


def test_next_due_accepts_naive_due_as_utc() -> None:
    result = next_due(datetime(2024, 1, 10, 9, 0), Recurrence.DAILY, UTC_ZONE, DUE)
    assert result == datetime(2024, 1, 11, 9, 0, tzinfo=UTC)
    assert _is_utc(result)


def test_next_due_accepts_after_in_another_zone() -> None:
    after = datetime(2024, 1, 12, 10, 30, tzinfo=PARIS)  # 09:30 UTC
    assert next_due(DUE, Recurrence.DAILY, UTC_ZONE, after) == datetime(
        2024, 1, 13, 9, 0, tzinfo=UTC
    )


def test_next_due_is_after_after_during_the_repeated_autumn_hour() -> None:
    # New York falls back on 2024-11-03: 01:00-02:00 local happens twice.
    due = datetime(2024, 11, 2, 5, 30, tzinfo=UTC)  # daily at 01:30 EDT
    after = datetime(2024, 11, 3, 6, 15, tzinfo=UTC)  # 01:15 EST, the second 01:xx hour
    result = next_due(due, Recurrence.DAILY, NEW_YORK, after)
    assert result > after
    local = result.astimezone(NEW_YORK)
    assert (local.hour, local.minute) == (1, 30)


@settings(max_examples=200)
@given(
    due=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    offset=st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=3 * 366)),
    tz_name=st.sampled_from(ZONES),
    recurrence=st.sampled_from(list(Recurrence)),
)
@example(
    due=datetime(2024, 11, 2, 5, 30, tzinfo=UTC),
    offset=timedelta(days=1, minutes=45),
    tz_name="America/New_York",
    recurrence=Recurrence.DAILY,
)
def test_next_due_is_always_after_after_and_in_utc(
    due: datetime, offset: timedelta, tz_name: str, recurrence: Recurrence
) -> None:
    after = due + offset
    result = next_due(due, recurrence, ZoneInfo(tz_name), after)
    assert result > after
    assert result > due
    assert _is_utc(result)


_STEPS = {
    Recurrence.DAILY: relativedelta(days=1),
    Recurrence.WEEKLY: relativedelta(weeks=1),
    Recurrence.MONTHLY: relativedelta(months=1),
    Recurrence.YEARLY: relativedelta(years=1),
}


@settings(max_examples=200)
@given(
    due=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3 * 366)),
    recurrence=st.sampled_from(list(Recurrence)),
)
def test_next_due_in_utc_is_the_first_occurrence_after_after(
    due: datetime, offset: timedelta, recurrence: Recurrence
) -> None:
    after = due + offset
    result = next_due(due, recurrence, UTC_ZONE, after)
    occurrences = [due + _STEPS[recurrence] * n for n in range(1, 2000)]
    expected = next(o for o in occurrences if o > after)
    assert result == expected
