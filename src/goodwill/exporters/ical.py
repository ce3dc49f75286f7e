"""The one iCalendar writer: interactions as VEVENTs, open tasks as VTODOs, with stable UIDs.

File export, the calendar feed and CalDAV all write through write_calendar, so a calendar app
that subscribed to the feed and a user who imports an exported file see the same UIDs.

- UID: "<kind>-<id>@<domain>" (uid_for), stable for as long as the record lives.
- goodwill interactions have no length; a VEVENT lasts INTERACTION_LENGTH (30 minutes) so
  calendar apps draw a visible block. Times are written in UTC (a naive time is taken as UTC),
  so no VTIMEZONE is needed.
- DTSTAMP is the record's own time (an interaction's time, a task's due time, or UNDATED_STAMP
  for a task without one), never "now": the same records give the same bytes, so a feed can
  answer with an ETag and two exports can be diffed.
- Done tasks are not written: the calendar carries what is still open. An all-day task gets a
  DATE due day (the day of due_at as given), others a UTC DUE time.
- Participants are names, written in the DESCRIPTION ("With: …") rather than as ATTENDEEs,
  which would make some calendar apps offer to send invitations.
- The daily agenda (`goodwill today --ics`) writes through the same functions: its tasks keep
  their "task-<id>" UIDs; a suggested touch is "touch-<contact id>" and a follow-up of an ask
  waiting on an answer "ask-followup-<ask id>", both all-day VTODOs due that day, so the same
  suggestion on later days updates one to-do instead of piling up new ones.
- Components are written one at a time: memory stays flat however many records there are.
- The calendar feed (write_feed) writes open dated tasks as VEVENTs instead (most calendar
  apps ignore VTODO), with the same "task-<id>" UIDs. An all-day task is a DATE event on its
  day in the user's time zone (an all-day due time is stored as local midnight in UTC, so its
  UTC date can be the day before); a timed one starts at its due time in the user's zone,
  with that zone's VTIMEZONE, and lasts TASK_LENGTH.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import BinaryIO
from zoneinfo import ZoneInfo

import icalendar

INTERACTION_LENGTH = timedelta(minutes=30)
TASK_LENGTH = timedelta(minutes=30)
UNDATED_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
PRODID = "-//goodwill//EN"


@dataclass(frozen=True)
class CalendarInteraction:
    id: int
    occurred_at: datetime
    channel: str
    summary: str | None
    participants: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarTask:
    id: int
    title: str
    due_at: datetime | None
    all_day: bool
    done: bool
    contact: str | None = None
    kind: str = "task"  # the UID's kind: task, touch (a suggested touch), ask-followup
    description: str | None = None  # more lines after "With: …", e.g. reasons to get in touch


def uid_for(kind: str, record_id: int, domain: str = "goodwill.local") -> str:
    """The UID of a record in every calendar goodwill writes, e.g. interaction-12@goodwill.local."""
    return f"{kind}-{record_id}@{domain}"


def write_calendar(
    interactions: Iterable[CalendarInteraction],
    tasks: Iterable[CalendarTask],
    out: BinaryIO,
    calendar_name: str = "goodwill",
    domain: str = "goodwill.local",
) -> None:
    """Write a VCALENDAR with a VEVENT per interaction and a VTODO per open task."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    opening, closing = _split_wrapper(calendar.to_ical())
    out.write(opening)
    for interaction in interactions:
        out.write(interaction_event(interaction, domain).to_ical())
    for task in tasks:
        if not task.done:
            out.write(task_todo(task, domain).to_ical())
    out.write(closing)


def interaction_event(
    interaction: CalendarInteraction, domain: str = "goodwill.local"
) -> icalendar.Event:
    start = _utc(interaction.occurred_at)
    event = icalendar.Event()
    event.add("uid", uid_for("interaction", interaction.id, domain))
    event.add("dtstamp", start)
    event.add("dtstart", start)
    event.add("dtend", start + INTERACTION_LENGTH)
    event.add("summary", _event_summary(interaction))
    event.add("categories", [interaction.channel])
    if interaction.participants:
        event.add("description", "With: " + ", ".join(interaction.participants))
    return event


def task_todo(task: CalendarTask, domain: str = "goodwill.local") -> icalendar.Todo:
    todo = icalendar.Todo()
    todo.add("uid", uid_for(task.kind, task.id, domain))
    if task.due_at is None:
        todo.add("dtstamp", UNDATED_STAMP)
    else:
        due = _utc(task.due_at)
        todo.add("dtstamp", due)
        todo.add("due", task.due_at.date() if task.all_day else due)
    todo.add("summary", task.title)
    todo.add("status", "NEEDS-ACTION")
    lines = [f"With: {task.contact}"] if task.contact else []
    if task.description:
        lines.append(task.description)
    if lines:
        todo.add("description", "\n".join(lines))
    return todo


def write_feed(
    tasks: Iterable[CalendarTask],
    out: BinaryIO,
    tz: ZoneInfo,
    calendar_name: str = "goodwill",
    domain: str = "goodwill.local",
) -> int:
    """A subscription calendar: a VEVENT per open dated task, times in the user's zone.

    Returns how many events were written. The bytes depend only on the tasks and the zone,
    so the same state gives the same feed (and the same ETag)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", tz.key)
    opening, closing = _split_wrapper(calendar.to_ical())
    out.write(opening)
    events = [task_event(t, tz, domain) for t in tasks if not t.done and t.due_at is not None]
    timed = [e.decoded("dtstart") for e in events if isinstance(e.decoded("dtstart"), datetime)]
    if timed and tz.key != "UTC":
        first, last = min(timed).date(), max(timed).date()
        vtimezone = icalendar.Timezone.from_tzinfo(
            tz, tz.key, first_date=first - timedelta(days=366), last_date=last + timedelta(days=1)
        )
        out.write(vtimezone.to_ical())
    for event in events:
        out.write(event.to_ical())
    out.write(closing)
    return len(events)


def task_event(task: CalendarTask, tz: ZoneInfo, domain: str = "goodwill.local") -> icalendar.Event:
    """An open dated task as a VEVENT (all-day or timed) with the task's usual UID."""
    if task.due_at is None:
        raise ValueError("a calendar event needs a due time")
    due = _utc(task.due_at)
    event = icalendar.Event()
    event.add("uid", uid_for(task.kind, task.id, domain))
    event.add("dtstamp", due)
    if task.all_day:
        day: date = due.astimezone(tz).date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a to-do for the day does not block the day
    else:
        start = due if tz.key == "UTC" else due.astimezone(tz)
        event.add("dtstart", start)
        event.add("dtend", start + TASK_LENGTH)
    event.add("summary", task.title)
    lines = [f"With: {task.contact}"] if task.contact else []
    if task.description:
        lines.append(task.description)
    if lines:
        event.add("description", "\n".join(lines))
    return event


def _event_summary(interaction: CalendarInteraction) -> str:
    if interaction.summary and interaction.summary.strip():
        return interaction.summary.strip()
    what = interaction.channel.capitalize()
    return (
        f"{what} with {', '.join(interaction.participants)}" if interaction.participants else what
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _split_wrapper(empty_calendar: bytes) -> tuple[bytes, bytes]:
    """The bytes before and from END:VCALENDAR, to write the components between them."""
    closing = b"END:VCALENDAR\r\n"
    return empty_calendar.removesuffix(closing), closing
