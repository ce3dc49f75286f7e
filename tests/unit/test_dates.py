"""Unit tests for goodwill.domain.dates: user dates, moments and the local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.domain.dates import (
    Moment,
    as_utc,
    local_date_of,
    local_midnight_utc,
    local_today,
    parse_date,
    parse_moment,
    zone,
)
from goodwill.errors import ValidationFailed

TODAY = date(2024, 3, 15)
LA = ZoneInfo("America/Los_Angeles")
PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")

ZONES = [
    "UTC",
    "America/Los_Angeles",
    "Europe/Paris",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "America/Sao_Paulo",
    "Asia/Beirut",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]

# -------------------------------------------------------------------------- zone


@pytest.mark.parametrize("name", ["Europe/Paris", "America/Los_Angeles", "UTC", "Asia/Kolkata"])
def test_zone_returns_zoneinfo_for_known_names(name: str) -> None:
    assert zone(name) == ZoneInfo(name)
    assert str(zone(name)) == name


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "", "Europe/", "Not A Zone", "../../etc/passwd", "/etc/localtime"]
)
def test_zone_rejects_unknown_names(name: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        zone(name)
    assert info.value.field == "timezone"
    assert "not a time zone" in str(info.value)


def test_zone_uses_given_field() -> None:
    with pytest.raises(ValidationFailed) as info:
        zone("Mars/Olympus_Mons", field="tz")
    assert info.value.field == "tz"


@pytest.mark.parametrize("name", ["Europe", "America"])
def test_zone_rejects_tz_database_folders_as_validation_error(name: str) -> None:
    # 'Europe' is a folder of the tz database, not a zone; the IsADirectoryError it
    # provokes must surface as a ValidationFailed, like any other unknown name.
    with pytest.raises(ValidationFailed) as info:
        zone(name)
    assert info.value.field == "timezone"


def test_zone_rejects_over_long_name_as_validation_error() -> None:
    with pytest.raises(ValidationFailed) as info:
        zone("x" * 300)  # longer than a file name may be: OSError (ENAMETOOLONG)
    assert info.value.field == "timezone"


# ------------------------------------------------------------------- local_today


def test_local_today_before_utc_midnight_in_the_americas() -> None:
    now = datetime(2024, 1, 16, 3, 0, tzinfo=UTC)  # 19:00 on Jan 15 in Los Angeles
    assert local_today(LA, now) == date(2024, 1, 15)
    assert local_today(ZoneInfo("UTC"), now) == date(2024, 1, 16)


def test_local_today_after_utc_midnight_in_asia() -> None:
    now = datetime(2024, 1, 15, 20, 0, tzinfo=UTC)  # 05:00 on Jan 16 in Tokyo
    assert local_today(TOKYO, now) == date(2024, 1, 16)
    assert local_today(ZoneInfo("UTC"), now) == date(2024, 1, 15)


def test_local_today_on_either_side_of_local_midnight() -> None:
    just_before = datetime(2024, 7, 1, 6, 59, tzinfo=UTC)  # 23:59 PDT, June 30
    just_after = datetime(2024, 7, 1, 7, 0, tzinfo=UTC)  # 00:00 PDT, July 1
    assert local_today(LA, just_before) == date(2024, 6, 30)
    assert local_today(LA, just_after) == date(2024, 7, 1)


def test_local_today_across_new_year() -> None:
    now = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
    assert local_today(LA, now) == date(2024, 12, 31)
    assert local_today(
        ZoneInfo("Pacific/Kiritimati"), datetime(2024, 12, 31, 10, 0, tzinfo=UTC)
    ) == (date(2025, 1, 1))


# -------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("tomorrow", TODAY + timedelta(days=1)),
        ("yesterday", TODAY - timedelta(days=1)),
        ("  Today ", TODAY),
        ("TOMORROW", TODAY + timedelta(days=1)),
    ],
)
def test_parse_date_named_days(text: str, expected: date) -> None:
    assert parse_date(text, "due", TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", date(2024, 3, 18)),
        ("-2w", date(2024, 3, 1)),
        ("+0d", TODAY),
        ("+1w", date(2024, 3, 22)),
        ("+20d", date(2024, 4, 4)),
        ("-15d", date(2024, 2, 29)),
        ("+2W", date(2024, 3, 29)),
        ("+9999d", TODAY + timedelta(days=9999)),
    ],
)
def test_parse_date_relative_offsets(text: str, expected: date) -> None:
    assert parse_date(text, "due", TODAY) == expected


def test_parse_date_relative_offset_crosses_year_boundary() -> None:
    assert parse_date("+1w", "due", date(2024, 12, 28)) == date(2025, 1, 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", date(2024, 2, 29)),
        ("1999-12-31", date(1999, 12, 31)),
        (" 2030-01-01 ", date(2030, 1, 1)),
    ],
)
def test_parse_date_iso_dates(text: str, expected: date) -> None:
    assert parse_date(text, "due", TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "next week",
        "2023-02-29",
        "2024-13-01",
        "15/03/2024",
        "+3",
        "3d",
        "+3m",
        "+12345d",
        "soon",
    ],
)
def test_parse_date_rejects_bad_input_with_expected_format(text: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_date(text, "due", TODAY)
    message = str(info.value)
    assert info.value.field == "due"
    assert message.startswith("due:")
    assert "YYYY-MM-DD" in message
    assert "+3d" in message


def test_parse_date_error_quotes_the_input() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_date("next week", "since", TODAY)
    assert "'next week'" in str(info.value)


def test_parse_date_error_truncates_long_input() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_date("x" * 500, "due", TODAY)
    assert "x" * 41 not in str(info.value)


def test_parse_date_rejects_nul_byte() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_date("2024-01-01\x00", "due", TODAY)
    assert info.value.field == "due"
    assert "NUL" in str(info.value)


@settings(max_examples=200)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=0, max_value=9999),
    st.sampled_from(["d", "w"]),
)
def test_parse_date_plus_and_minus_offsets_are_symmetric(
    today: date, amount: int, unit: str
) -> None:
    days = amount * (7 if unit == "w" else 1)
    assert parse_date(f"+{amount}{unit}", "due", today) == today + timedelta(days=days)
    assert parse_date(f"-{amount}{unit}", "due", today) == today - timedelta(days=days)


@settings(max_examples=200)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_parse_date_iso_round_trips(day: date) -> None:
    assert parse_date(day.isoformat(), "due", TODAY) == day


# ------------------------------------------------------------------- parse_moment


def test_parse_moment_date_only_is_local_midnight_in_utc_and_all_day() -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    moment = parse_moment("2024-01-15", "when", LA, now)
    assert moment == Moment(datetime(2024, 1, 15, 8, 0, tzinfo=UTC), all_day=True)
    assert moment.at.utcoffset() == timedelta(0)


def test_parse_moment_date_only_follows_daylight_saving_offset() -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    moment = parse_moment("2024-07-04", "when", LA, now)
    assert moment.at == datetime(2024, 7, 4, 7, 0, tzinfo=UTC)
    assert moment.all_day is True


def test_parse_moment_named_day_uses_the_local_today() -> None:
    now = datetime(2024, 1, 16, 3, 0, tzinfo=UTC)  # still Jan 15 in Los Angeles
    moment = parse_moment("tomorrow", "when", LA, now)
    assert moment == Moment(datetime(2024, 1, 16, 8, 0, tzinfo=UTC), all_day=True)


def test_parse_moment_relative_offset_is_all_day() -> None:
    now = datetime(2024, 1, 15, 20, 0, tzinfo=UTC)  # Jan 16 in Tokyo
    moment = parse_moment("+1d", "when", TOKYO, now)
    assert moment == Moment(datetime(2024, 1, 16, 15, 0, tzinfo=UTC), all_day=True)


@pytest.mark.parametrize("text", ["2024-01-15 09:30", "2024-01-15T09:30", " 2024-01-15 09:30 "])
def test_parse_moment_local_date_time_is_timed_utc_instant(text: str) -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    moment = parse_moment(text, "when", LA, now)
    assert moment == Moment(datetime(2024, 1, 15, 17, 30, tzinfo=UTC), all_day=False)
    assert moment.at.utcoffset() == timedelta(0)


def test_parse_moment_date_time_in_summer_uses_summer_offset() -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    moment = parse_moment("2024-07-01 09:00", "when", PARIS, now)
    assert moment.at == datetime(2024, 7, 1, 7, 0, tzinfo=UTC)
    assert moment.all_day is False


def test_parse_moment_honours_an_explicit_offset() -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    moment = parse_moment("2024-01-15 09:00+02:00", "when", LA, now)
    assert moment.at == datetime(2024, 1, 15, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["2024-01-15 25:00", "2024-13-01 10:00", "2024-01-15 9:00", "2024-02-30 10:00"]
)
def test_parse_moment_rejects_bad_date_time_with_expected_format(text: str) -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as info:
        parse_moment(text, "when", LA, now)
    assert info.value.field == "when"
    assert "YYYY-MM-DD HH:MM" in str(info.value)


@pytest.mark.parametrize("text", ["next tuesday", "", "15/01/2024"])
def test_parse_moment_rejects_bad_dates_with_expected_format(text: str) -> None:
    now = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as info:
        parse_moment(text, "when", LA, now)
    assert info.value.field == "when"
    assert "YYYY-MM-DD" in str(info.value)


@settings(max_examples=200)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)),
    st.sampled_from(ZONES),
)
def test_parse_moment_date_time_round_trips_to_local_wall_time(
    local: datetime, tz_name: str
) -> None:
    tz = ZoneInfo(tz_name)
    local = local.replace(second=0, microsecond=0)
    text = local.strftime("%Y-%m-%d %H:%M")
    moment = parse_moment(text, "when", tz, datetime(2024, 1, 1, tzinfo=UTC))
    assert moment.all_day is False
    assert moment.at.utcoffset() == timedelta(0)
    back = moment.at.astimezone(tz).replace(tzinfo=None)
    if back != local:
        # Only a wall time skipped by a spring-forward gap may move, and only forward.
        before, after = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
        assert before.utcoffset() != after.utcoffset()
        assert timedelta(0) < back - local <= timedelta(hours=1)


# -------------------------------------------------------------- local_midnight_utc


def test_local_midnight_utc_east_of_greenwich_is_previous_utc_day() -> None:
    assert local_midnight_utc(date(2024, 1, 15), TOKYO) == datetime(2024, 1, 14, 15, 0, tzinfo=UTC)


def test_local_midnight_utc_where_midnight_is_skipped_is_first_instant_of_day() -> None:
    # Chile springs forward at 00:00 on 2024-09-08: the day starts at 01:00 -03 (04:00 UTC).
    santiago = ZoneInfo("America/Santiago")
    start = local_midnight_utc(date(2024, 9, 8), santiago)
    assert start.astimezone(santiago).date() == date(2024, 9, 8)
    assert (start - timedelta(minutes=1)).astimezone(santiago).date() == date(2024, 9, 7)


@settings(max_examples=200)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)), st.sampled_from(ZONES))
def test_local_midnight_utc_is_the_start_of_the_local_day(day: date, tz_name: str) -> None:
    tz = ZoneInfo(tz_name)
    start = local_midnight_utc(day, tz)
    assert start.utcoffset() == timedelta(0)
    assert local_date_of(start, tz) == day
    assert local_date_of(start - timedelta(seconds=1), tz) == day - timedelta(days=1)


# ------------------------------------------------------------- as_utc/local_date_of


def test_as_utc_treats_naive_values_as_utc() -> None:
    value = as_utc(datetime(2024, 1, 15, 12, 0))
    assert value == datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0)


def test_as_utc_converts_aware_values() -> None:
    value = as_utc(datetime(2024, 1, 15, 12, 0, tzinfo=PARIS))
    assert value == datetime(2024, 1, 15, 11, 0, tzinfo=UTC)
    assert value.hour == 11
    assert value.utcoffset() == timedelta(0)


def test_local_date_of_naive_utc_value() -> None:
    assert local_date_of(datetime(2024, 1, 16, 3, 0), LA) == date(2024, 1, 15)
    assert local_date_of(datetime(2024, 1, 16, 3, 0), TOKYO) == date(2024, 1, 16)
