"""One VEVENT made ready for recurrence expansion: read, checked, and its times made safe.

- Floating times (no zone) get the calendar's zone (ics.py: X-WR-TIMEZONE, else UTC) before
  expansion, RRULE UNTIL included, so that recurring_ical_events and we agree on every
  occurrence's instant. (Its own X-WR-TIMEZONE support would also move the times of custom
  VTIMEZONEs that have no TZNAME, as Outlook writes them.)
- An end before the start (DTEND or a negative DURATION) is dropped, keeping the event: the
  library would silently drop the whole event otherwise.
- RRULE parts out of their RFC 5545 ranges (BYMONTHDAY=40, BYMONTH=13...) are errors, and so
  is a rule on a day its months lack (February 30th): dateutil looks for a rule's next
  occurrence up to the year 9999 (UNTIL only stops it at an occurrence), which takes seconds
  per search for a daily rule that never matches.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar

# Properties whose unreadable value makes the event an error: without them we cannot say when.
TIMING = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"})
_FLOATING = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
_RANGES = {  # part: (smallest, largest, may be negative)
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
    "INTERVAL": (1, 1_000_000, False),
}


_LONGEST = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


class EventProblem(Exception):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def read_event(text: bytes, floating_zone: tzinfo) -> icalendar.Component:
    """The VEVENT in text, ready for expansion; EventProblem when it cannot be."""
    try:
        event = icalendar.Event.from_ical(text)
    except Exception as exc:  # ValueError mostly, but icalendar has other crashes on odd input
        raise EventProblem(None, f"unreadable event ({exc})") from None
    for name, reason in event.errors:
        if name in TIMING:
            raise EventProblem(name, reason)
    if "DTSTART" not in event:
        raise EventProblem("DTSTART", "no DTSTART")
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        if name in event and when(event, name) is None:
            raise EventProblem(name, "not one date or time")
    try:
        _pin_floating(event, floating_zone)
        _drop_end_before_start(event)
    except (OverflowError, ValueError) as exc:  # a zone offset pushes year 1 out of range
        raise EventProblem("DTSTART", f"out of range ({exc})") from None
    _check_rules(event)
    return event


def when(component: icalendar.Component, name: str) -> date | None:
    """The date or date-time of a property; None when missing, repeated or of another type."""
    value = getattr(component.get(name), "dt", None)
    return value if isinstance(value, date) else None


def in_utc(value: date, floating_zone: tzinfo = UTC) -> datetime:
    """A date at midnight UTC; a floating time in floating_zone; any time in UTC."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating_zone)
    return value.astimezone(UTC)


def _rules(event: icalendar.Component) -> list[Any]:
    rules = event.get("RRULE")
    return [] if rules is None else rules if isinstance(rules, list) else [rules]


def _pin_floating(event: icalendar.Component, zone: tzinfo) -> None:
    def pinned(moment: Any) -> Any:
        if isinstance(moment, datetime) and moment.tzinfo is None:
            return moment.replace(tzinfo=zone)
        return moment

    for name in _FLOATING:
        value = event.get(name)
        if value is None:
            continue
        changed = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, icalendar.vDDDLists):
                item = icalendar.vDDDLists([pinned(one.dt) for one in item.dts])
            elif isinstance(item, icalendar.vDDDTypes):
                item = icalendar.vDDDTypes(pinned(item.dt))
            changed.append(item)
        event[name] = changed if isinstance(value, list) else changed[0]
    for rule in _rules(event):
        if isinstance(rule, icalendar.vRecur) and "UNTIL" in rule:
            # in UTC: the library writes the rule out and reads an UNTIL without Z as UTC
            rule["UNTIL"] = [
                pinned(until).astimezone(UTC) if isinstance(until, datetime) else until
                for until in rule["UNTIL"]
            ]


def _drop_end_before_start(event: icalendar.Component) -> None:
    start, end = when(event, "DTSTART"), when(event, "DTEND")
    if start is not None and end is not None and in_utc(end) < in_utc(start):
        del event["DTEND"]
    duration = getattr(event.get("DURATION"), "dt", None)
    if "DURATION" in event and (
        "DTEND" in event or not isinstance(duration, timedelta) or duration < timedelta(0)
    ):
        del event["DURATION"]  # RFC 5545 allows DTEND or DURATION, not both


def _check_rules(event: icalendar.Component) -> None:
    for rule in _rules(event):
        if not isinstance(rule, icalendar.vRecur):
            raise EventProblem("RRULE", "unreadable rule")
        for part, (smallest, largest, signed) in _RANGES.items():
            for value in rule.get(part, []):
                size = abs(value) if signed and isinstance(value, int) else value
                if not isinstance(size, int) or not smallest <= size <= largest:
                    raise EventProblem("RRULE", f"{part}={value} is out of range")
        days = rule.get("BYMONTHDAY", [])
        months = rule.get("BYMONTH", []) or range(1, 13)
        if days and not any(abs(day) <= _LONGEST[month] for month in months for day in days):
            raise EventProblem("RRULE", "never happens: those months have no such day")
