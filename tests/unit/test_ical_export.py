"""The one iCalendar exporter: stable UIDs, byte-stable output, and a round trip through the
iCalendar importer."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import icalendar

from goodwill.exporters.ical import (
    UNDATED_STAMP,
    CalendarInteraction,
    CalendarTask,
    uid_for,
    write_calendar,
)
from goodwill.importers.ics import parse_ics
from goodwill.importers.records import ImportedEvent

NOW = datetime(2024, 6, 1, tzinfo=UTC)
COFFEE = CalendarInteraction(
    12, datetime(2024, 1, 8, 10, 0, tzinfo=UTC), "coffee", "Coffee at Café Nord", ("Ann Lee",)
)
CALL = CalendarInteraction(
    13,
    datetime(2024, 1, 9, 17, 0, tzinfo=timezone(timedelta(hours=2))),
    "call",
    None,
    ("Bob Stone", "Lee, Ann"),
)
FOLLOW_UP = CalendarTask(
    5,
    "Send Ann the deck; ask about Q3",
    datetime(2024, 7, 1, 9, 0, tzinfo=UTC),
    False,
    False,
    "Ann",
)
BIRTHDAY = CalendarTask(6, "Ann's birthday", datetime(2024, 7, 2, tzinfo=UTC), True, False)
UNDATED = CalendarTask(7, "Think about intros", None, False, False, kind="ask-step")
DONE = CalendarTask(8, "Already done", datetime(2024, 1, 1, tzinfo=UTC), False, True)


def _write(
    interactions: list[CalendarInteraction], tasks: list[CalendarTask] | None = None
) -> bytes:
    out = io.BytesIO()
    write_calendar(interactions, tasks or [], out)
    return out.getvalue()


def _components(data: bytes, name: str) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(data).walk(name))


def test_uid_for_names_kind_id_and_domain() -> None:
    assert uid_for("interaction", 12) == "interaction-12@goodwill.local"
    assert uid_for("task", 5, "crm.example.com") == "task-5@crm.example.com"


def test_write_calendar_writes_calendar_header() -> None:
    calendar = icalendar.Calendar.from_ical(_write([]))

    assert str(calendar["PRODID"]) == "-//goodwill//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "goodwill"


def test_write_calendar_is_byte_stable_for_the_same_records() -> None:
    first = _write([COFFEE, CALL], [FOLLOW_UP, BIRTHDAY, UNDATED])

    assert _write([COFFEE, CALL], [FOLLOW_UP, BIRTHDAY, UNDATED]) == first
    assert b"DTSTAMP:20240108T100000Z" in first  # the record's time, never "now"


def test_write_calendar_writes_interaction_as_30_minute_event_in_utc() -> None:
    (event,) = _components(_write([CALL]), "VEVENT")

    assert str(event["UID"]) == "interaction-13@goodwill.local"
    assert event["DTSTART"].dt == datetime(2024, 1, 9, 15, 0, tzinfo=UTC)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=30)
    assert str(event["SUMMARY"]) == "Call with Bob Stone, Lee, Ann"
    assert str(event["DESCRIPTION"]) == "With: Bob Stone, Lee, Ann"
    assert "ATTENDEE" not in event


def test_write_calendar_keeps_interaction_summary_and_channel() -> None:
    (event,) = _components(_write([COFFEE]), "VEVENT")

    assert str(event["SUMMARY"]) == "Coffee at Café Nord"
    assert event["CATEGORIES"].cats == ["coffee"]


def test_write_calendar_writes_open_tasks_as_todos_with_due() -> None:
    todos = {
        str(t["UID"]): t for t in _components(_write([], [FOLLOW_UP, BIRTHDAY, DONE]), "VTODO")
    }

    assert set(todos) == {"task-5@goodwill.local", "task-6@goodwill.local"}  # done one left out
    assert todos["task-5@goodwill.local"]["DUE"].dt == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
    assert str(todos["task-5@goodwill.local"]["SUMMARY"]) == "Send Ann the deck; ask about Q3"
    assert str(todos["task-5@goodwill.local"]["STATUS"]) == "NEEDS-ACTION"
    assert todos["task-6@goodwill.local"]["DUE"].dt == date(2024, 7, 2)  # all day: a DATE


def test_write_calendar_gives_undated_task_a_fixed_stamp_and_its_kind_in_the_uid() -> None:
    (todo,) = _components(_write([], [UNDATED]), "VTODO")

    assert str(todo["UID"]) == "ask-step-7@goodwill.local"
    assert todo["DTSTAMP"].dt == UNDATED_STAMP
    assert "DUE" not in todo


def test_write_calendar_takes_generators() -> None:
    out = io.BytesIO()

    write_calendar((i for i in [COFFEE]), (t for t in [FOLLOW_UP]), out)

    assert out.getvalue().count(b"BEGIN:VEVENT") == 1
    assert out.getvalue().count(b"BEGIN:VTODO") == 1
    assert out.getvalue().endswith(b"END:VCALENDAR\r\n")


def test_write_calendar_round_trips_through_parse_ics(tmp_path: Path) -> None:
    path = tmp_path / "goodwill.ics"
    path.write_bytes(_write([COFFEE, CALL], [FOLLOW_UP, BIRTHDAY]))

    events = list(parse_ics(path, NOW))

    assert all(isinstance(e, ImportedEvent) for e in events)
    assert [(e.key, e.start, e.summary) for e in events if isinstance(e, ImportedEvent)] == [
        ("interaction-12@goodwill.local|", COFFEE.occurred_at, "Coffee at Café Nord"),
        ("interaction-13@goodwill.local|", CALL.occurred_at, "Call with Bob Stone, Lee, Ann"),
    ]
