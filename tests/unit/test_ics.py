"""iCalendar importer: VEVENT occurrences -> ImportedEvent records and errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from goodwill.errors import ImportFailed
from goodwill.importers.ics import MAX_OCCURRENCES, MAX_SCANNED, parse_ics, sniff_ics
from goodwill.importers.records import Correspondent, ImportedEvent, RecordError

DATA = Path(__file__).resolve().parents[1] / "data" / "ics"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _events(name: str = "calendar.ics", now: datetime = NOW) -> list[ImportedEvent]:
    return [r for r in parse_ics(DATA / name, now) if isinstance(r, ImportedEvent)]


def _errors(name: str) -> list[RecordError]:
    return [r for r in parse_ics(DATA / name, NOW) if isinstance(r, RecordError)]


def _with_uid(uid: str, name: str = "calendar.ics") -> list[ImportedEvent]:
    return [e for e in _events(name) if e.key.startswith(uid + "|")]


def _calendar(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "test.ics"
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""]
    path.write_text("\r\n".join(body), encoding="utf-8")
    return path


def test_parse_ics_expands_weekly_series_with_exdate_override_and_cancelled_week() -> None:
    # COUNT=6 from Jan 8: Jan 15 is an EXDATE, Jan 22 moved to Tuesday, Jan 29 cancelled.
    series = _with_uid("weekly-sync@example.com")

    assert [e.start for e in series] == [
        datetime(2024, 1, 8, 9, 0, tzinfo=UTC),  # 10:00 in the custom +01:00 zone
        datetime(2024, 1, 23, 13, 0, tzinfo=UTC),
        datetime(2024, 2, 5, 9, 0, tzinfo=UTC),
        datetime(2024, 2, 12, 9, 0, tzinfo=UTC),
    ]
    assert series[1].summary == "Weekly sync (moved to Tuesday)"
    assert series[0].end == datetime(2024, 1, 8, 9, 30, tzinfo=UTC)


def test_parse_ics_keys_occurrences_by_uid_and_original_start() -> None:
    keys = [e.key for e in _with_uid("weekly-sync@example.com")]

    assert keys[0] == "weekly-sync@example.com|2024-01-08T09:00:00+00:00"
    assert keys[1] == "weekly-sync@example.com|2024-01-22T09:00:00+00:00"  # its RECURRENCE-ID


def test_parse_ics_keys_one_off_event_by_uid_alone() -> None:
    (offsite,) = _with_uid("offsite@example.com")

    assert offsite.key == "offsite@example.com|"


def test_parse_ics_reads_attendees_and_organizer_from_mailto_values() -> None:
    first = _with_uid("weekly-sync@example.com")[0]

    # ANN@Exa(folded)mple.com and a second ann@ line are one person; urn:uuid is skipped
    assert first.attendees == (
        Correspondent("ann@example.com", "Lee, Ann"),
        Correspondent("bob@example.com", "Bob Stone"),
    )
    assert first.organizer == Correspondent("me@example.org", "Me")


def test_parse_ics_starts_all_day_event_at_midnight_utc() -> None:
    (offsite,) = _with_uid("offsite@example.com")

    assert offsite.start == datetime(2024, 3, 1, tzinfo=UTC)
    assert offsite.end == datetime(2024, 3, 2, tzinfo=UTC)


def test_parse_ics_reads_floating_time_as_utc_and_trims_summary() -> None:
    (coffee,) = _with_uid("floating@example.com")

    assert coffee.start == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    assert coffee.summary == "Coffee with Carol"


def test_parse_ics_reads_floating_time_in_calendar_x_wr_timezone() -> None:
    (event,) = _with_uid("google-floating@google.com", "google_xwr.ics")

    assert event.start == datetime(2024, 1, 10, 14, 0, tzinfo=UTC)  # 09:00 in New York


def test_parse_ics_reads_floating_until_and_exdate_in_the_same_zone() -> None:
    series = _with_uid("google-floating-weekly@google.com", "google_xwr.ics")

    # weekly 08:30 New York from Jan 2 UNTIL Jan 23 08:30 (inclusive), Jan 9 excluded
    assert [e.start.day for e in series] == [2, 16, 23]
    assert {e.start.hour for e in series} == {13}


def test_parse_ics_skips_cancelled_event() -> None:
    assert _with_uid("cancelled@example.com") == []


def test_parse_ics_ignores_vtodo_components() -> None:
    assert _with_uid("todo@example.com") == []


def test_parse_ics_reports_event_without_dtstart_with_its_line() -> None:
    (error,) = _errors("calendar.ics")

    assert (error.field, error.reason) == ("DTSTART", "no DTSTART")
    assert (error.location.record, error.location.line) == (5, 65)


def test_parse_ics_gives_event_without_uid_a_stable_made_up_one() -> None:
    first = [e.key for e in _events() if e.summary == "Breakfast without a UID"]
    again = [e.key for e in _events() if e.summary == "Breakfast without a UID"]

    assert len(first) == 1
    assert first[0].startswith("sha256:")
    assert first[0].endswith("|")
    assert again == first


def test_parse_ics_expands_open_ended_series_up_to_a_year_ahead() -> None:
    calls = _with_uid("mentor-call@example.com")

    assert calls[0].start == datetime(2024, 1, 15, 16, 0, tzinfo=UTC)
    assert calls[-1].start == datetime(2025, 5, 15, 16, 0, tzinfo=UTC)  # NOW + 365 days
    assert len(calls) == 17
    assert calls[0].end == calls[0].start + timedelta(minutes=45)


def test_parse_ics_window_follows_now() -> None:
    later = [e for e in _events(now=NOW + timedelta(days=31)) if e.key.startswith("mentor")]

    assert len(later) == 18


def test_parse_ics_reports_broken_events_and_keeps_the_rest() -> None:
    events = _events("broken.ics")
    errors = _errors("broken.ics")

    assert [e.key for e in events] == [
        "ok-1@example.com|",
        "ok-3@example.com|",
        "ok-7@example.com|",
    ]
    assert events[-1].summary == "Survives a garbage line"
    assert sorted((e.location.record, e.field or "") for e in errors) == [
        (2, ""),  # never closed
        (4, "DTSTART"),
        (5, "RRULE"),
        (6, ""),  # closed by END:VTODO
    ]
    assert "END:VEVENT" in errors[0].reason


def test_parse_ics_keeps_latest_occurrences_of_a_long_series(tmp_path: Path) -> None:
    path = _calendar(
        tmp_path,
        "BEGIN:VEVENT",
        "UID:standup@x",
        "DTSTART:20150101T090000Z",
        "RRULE:FREQ=DAILY",
        "SUMMARY:Stand-up",
        "END:VEVENT",
    )

    results = list(parse_ics(path, NOW))

    events = [r for r in results if isinstance(r, ImportedEvent)]
    assert len(events) == MAX_OCCURRENCES
    assert events[-1].start == datetime(2025, 5, 31, 9, 0, tzinfo=UTC)  # NOW + 365 days
    assert isinstance(results[-1], RecordError)
    assert results[-1].field == "RRULE"
    assert "latest 2000" in results[-1].reason


def test_parse_ics_stops_walking_a_sub_daily_rule(tmp_path: Path) -> None:
    path = _calendar(
        tmp_path,
        "BEGIN:VEVENT",
        "UID:every-minute@x",
        "DTSTART:20240101T000000Z",
        "RRULE:FREQ=MINUTELY",
        "END:VEVENT",
    )

    results = list(parse_ics(path, NOW))

    assert sum(isinstance(r, ImportedEvent) for r in results) == MAX_OCCURRENCES
    assert isinstance(results[-1], RecordError)
    assert f"first {MAX_SCANNED}" in results[-1].reason


@pytest.mark.parametrize("zone", ["America", "Nowhere/Land", "../etc", ""])
def test_parse_ics_reads_floating_time_as_utc_when_x_wr_timezone_is_unknown(
    tmp_path: Path, zone: str
) -> None:
    path = _calendar(
        tmp_path,
        f"X-WR-TIMEZONE:{zone}",
        "BEGIN:VEVENT",
        "UID:f@x",
        "DTSTART:20240110T090000",
        "END:VEVENT",
    )

    (event,) = parse_ics(path, NOW)

    assert isinstance(event, ImportedEvent)
    assert event.start == datetime(2024, 1, 10, 9, 0, tzinfo=UTC)


def test_parse_ics_reports_unexpandable_rule_and_goes_on(tmp_path: Path) -> None:
    path = _calendar(
        tmp_path,
        "BEGIN:VEVENT",
        "UID:bad@x",
        "DTSTART:20240101T090000Z",
        "RRULE:FREQ=WEEKLY;BYDAY=XX",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:good@x",
        "DTSTART:20240102T090000Z",
        "END:VEVENT",
    )

    results = list(parse_ics(path, NOW))

    assert [type(r) for r in results] == [RecordError, ImportedEvent]
    assert results[0].location.record == 1


def test_parse_ics_reports_rule_part_out_of_range(tmp_path: Path) -> None:
    path = _calendar(
        tmp_path,
        "BEGIN:VEVENT",
        "UID:r@x",
        "DTSTART:20240105T100000Z",
        "RRULE:FREQ=DAILY;BYMONTHDAY=-40",
        "END:VEVENT",
    )

    (error,) = parse_ics(path, NOW)

    assert isinstance(error, RecordError)
    assert (error.field, error.reason) == ("RRULE", "BYMONTHDAY=-40 is out of range")


def test_parse_ics_reports_rule_on_a_day_its_months_lack(tmp_path: Path) -> None:
    path = _calendar(
        tmp_path,
        "BEGIN:VEVENT",
        "UID:feb30@x",
        "DTSTART:20240105T100000Z",
        "RRULE:FREQ=DAILY;BYMONTH=2,11;BYMONTHDAY=31,-31",  # dateutil would search to 9999
        "END:VEVENT",
    )

    (error,) = parse_ics(path, NOW)

    assert isinstance(error, RecordError)
    assert error.field == "RRULE"
    assert error.reason.startswith("never happens")


def test_parse_ics_keeps_event_that_ends_before_it_starts_without_its_end(
    tmp_path: Path,
) -> None:
    path = _calendar(
        tmp_path,
        "BEGIN:VEVENT",
        "UID:backwards@x",
        "DTSTART:20240105T100000Z",
        "DTEND:20240105T090000Z",
        "END:VEVENT",
    )

    (event,) = parse_ics(path, NOW)

    assert isinstance(event, ImportedEvent)
    assert event.end == event.start == datetime(2024, 1, 5, 10, 0, tzinfo=UTC)


def test_parse_ics_rejects_file_that_is_not_a_calendar_at_once(tmp_path: Path) -> None:
    card = tmp_path / "ann.ics"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\n")

    with pytest.raises(ImportFailed, match=r"^ann\.ics: not an iCalendar file"):
        next(parse_ics(card, NOW))
    with pytest.raises(ImportFailed, match="is a folder"):
        next(parse_ics(tmp_path, NOW))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", True),
        (b"\xef\xbb\xbf\r\nbegin:vcalendar\n", True),
        (b"BEGIN:VCARD\nVERSION:3.0\n", False),
        (b"From a@x Mon Jan  8 10:00:00 2024\n", False),
        (b"", False),
    ],
)
def test_sniff_ics_recognizes_calendars(head: bytes, expected: bool) -> None:
    assert sniff_ics(head) is expected
