"""iCalendar in: each VEVENT occurrence -> an ImportedEvent, recurrences expanded.

Reading
- The VEVENTs are held as raw text (about the size of the file): a recurring series needs its
  master and its RECURRENCE-ID overrides together, and they may sit anywhere in the file.
  They are parsed one series at a time (icalendar objects weigh some 20 times their text) and
  the occurrences are yielded one at a time: a 2 MB calendar of 10,000 events peaks at 6 MB
  and gives about 7,000 occurrences/s here.
- A first pass over the lines cuts the file into VEVENT blocks (remembering the line each starts
  on, for error reports) and VTIMEZONE blocks. Each VEVENT is parsed on its own (and checked
  and made safe for expansion by ics_events.read_event), so one broken event (bad nesting, bad
  DTSTART) is reported and the others still come; nesting errors come first. VTODO, VJOURNAL
  and other components are not read. Location.record is the VEVENT's number in the file; every
  occurrence of a series carries the location of the series' first VEVENT.

Mapping
- Recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded with
  recurring_ical_events from the series' earliest DTSTART to now + 365 days (WINDOW_AHEAD):
  past occurrences become interactions and future ones tasks when saved. A series yields at most
  MAX_OCCURRENCES occurrences, the latest ones (a daily stand-up since 2015 keeps its recent
  meetings), with a RecordError saying how many earlier ones were left out.
- key: "UID|slot", where slot is the occurrence's original start (its RECURRENCE-ID) in UTC ISO
  format for a recurring series, and empty for a one-off event, so a rescheduled one-off meeting
  updates its interaction instead of adding a second one. An event without UID gets
  "sha256:" + a digest of its DTSTART and SUMMARY lines as its UID.
- Times: aware times -> UTC; floating times (no zone) are read in the calendar's X-WR-TIMEZONE
  when it names a known zone, else as UTC; all-day events (DATE values) start at that day's
  midnight UTC.
- ATTENDEE and ORGANIZER: mailto: addresses lower-cased, with their CN; others are skipped.
- STATUS:CANCELLED events and occurrences are skipped; an event without DTSTART, or with an
  unreadable DTSTART, DTEND, DURATION, RRULE, RDATE, EXDATE or RECURRENCE-ID, is a RecordError.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from goodwill.errors import ImportFailed
from goodwill.importers.ics_events import EventProblem, in_utc, read_event, when
from goodwill.importers.records import (
    Correspondent,
    ImportedEvent,
    Location,
    ParseResult,
    RecordError,
)

SNIFF_SIZE = 1 << 16
WINDOW_AHEAD = timedelta(days=365)
MAX_OCCURRENCES = 2_000
# Sub-daily rules over years would take minutes to walk: the walk stops here.
MAX_SCANNED = 20_000
_FOLD = re.compile(rb"\r?\n[ \t]")
_UID_LINE = re.compile(rb'UID(?:;(?:"[^"]*"|[^";:])*)*:(.*)', re.IGNORECASE)


def sniff_ics(head: bytes) -> bool:
    """An iCalendar file starts with BEGIN:VCALENDAR (after an optional BOM and blank lines)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


def parse_ics(path: Path, now: datetime) -> Iterator[ParseResult]:
    """Each occurrence of each VEVENT of an .ics file, up to now + WINDOW_AHEAD."""
    if path.is_dir():
        raise ImportFailed(f"{path.name}: is a folder, not a file")
    try:
        with path.open("rb") as stream:
            if not sniff_ics(stream.read(SNIFF_SIZE)):
                raise ImportFailed(
                    f"{path.name}: not an iCalendar file (it must start with BEGIN:VCALENDAR)"
                )
            stream.seek(0)
            blocks = _Blocks.read(stream)
    except OSError as exc:
        raise ImportFailed(f"{path.name}: cannot be read ({exc.strerror})") from None
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    yield from _Expander(path.name, blocks, now + WINDOW_AHEAD).results()


@dataclass
class _Block:
    number: int  # the VEVENT's number in the file, from 1
    line: int  # the line of its BEGIN:VEVENT
    text: bytes = b""  # from BEGIN:VEVENT to END:VEVENT
    problem: str | None = None  # a nesting problem found while cutting the file


@dataclass
class _Blocks:
    events: list[_Block]
    timezones: list[bytes]
    floating_zone: str  # a zoneinfo key: the calendar's X-WR-TIMEZONE, else UTC

    @classmethod
    def read(cls, stream: BinaryIO) -> _Blocks:
        """Cut an iCalendar stream into VEVENT and VTIMEZONE blocks."""
        events: list[_Block] = []
        timezones: list[bytes] = []
        floating_zone = "UTC"
        current: list[bytes] | None = None  # the lines of the block being read
        kind = b""  # VEVENT or VTIMEZONE while in a block
        depth = 0  # sub-components (VALARM, STANDARD...) open inside the block
        for line_no, line in enumerate(stream, start=1):
            if line[:1] in (b" ", b"\t"):  # a folded continuation
                if current is not None:
                    current.append(line)
                continue
            word = line.rstrip(b"\r\n").upper()
            opens = word[6:].strip() if word.startswith(b"BEGIN:") else None
            closes = word[4:].strip() if word.startswith(b"END:") else None
            if current is None:
                if opens in (b"VEVENT", b"VTIMEZONE"):
                    kind, depth, current = opens, 0, [line]
                    if opens == b"VEVENT":
                        events.append(_Block(len(events) + 1, line_no))
                elif word.startswith(b"X-WR-TIMEZONE:"):
                    floating_zone = _zone_key(line.split(b":", 1)[1].strip()) or floating_zone
                continue
            if opens in (b"VEVENT", b"VCALENDAR") or closes == b"VCALENDAR":
                # VEVENTs and calendars never nest: the open block was never closed
                if kind == b"VEVENT":
                    events[-1].problem = f"no END:VEVENT before line {line_no}"
                current = None
                if opens == b"VEVENT":
                    kind, depth, current = opens, 0, [line]
                    events.append(_Block(len(events) + 1, line_no))
                continue
            current.append(line)
            if opens is not None:
                depth += 1
            elif closes is not None:
                if depth:
                    depth -= 1
                    continue
                if closes != kind:
                    if kind == b"VEVENT":
                        events[-1].problem = f"END:{closes.decode(errors='replace')} in a VEVENT"
                elif kind == b"VTIMEZONE":
                    timezones.append(b"".join(current))
                else:
                    events[-1].text = b"".join(current)
                current = None
        if current is not None and kind == b"VEVENT":
            events[-1].problem = "the file ends before END:VEVENT"
        return cls(events, timezones, floating_zone)


def _zone_key(name: bytes) -> str | None:
    try:
        key = name.decode("ascii")
        ZoneInfo(key)
    except (ValueError, ZoneInfoNotFoundError, OSError):  # "America" is a folder of zones
        return None
    return key


class _Expander:
    def __init__(self, file: str, blocks: _Blocks, until: datetime) -> None:
        self.file = file
        self.blocks = blocks
        self.until = until
        self.floating_zone = ZoneInfo(blocks.floating_zone)  # events' floating times are pinned

    def results(self) -> Iterator[ParseResult]:
        """Errors of badly nested VEVENTs first, then each series (VEVENTs sharing a UID) in
        the order of its first VEVENT: only one series is parsed at a time."""
        series: dict[str, list[_Block]] = {}
        for block in self.blocks.events:
            if block.problem is not None:
                yield RecordError(self._location(block), None, block.problem)
            else:
                uid = _block_uid(block.text) or _made_up_uid(block.text)
                series.setdefault(uid, []).append(block)
        timezones = self._timezones()
        for uid, blocks in series.items():
            components = []
            for block in blocks:
                try:
                    components.append(read_event(block.text, self.floating_zone))
                except EventProblem as problem:
                    yield RecordError(self._location(block), problem.field, problem.reason)
            if components:
                yield from self._occurrences(uid, self._location(blocks[0]), components, timezones)

    def _location(self, block: _Block) -> Location:
        return Location(self.file, block.number, block.line)

    def _timezones(self) -> list[icalendar.Component]:
        """The VTIMEZONEs, parsed before the events: icalendar keeps them for the TZIDs it meets
        later, and each series' calendar carries them for recurring_ical_events."""
        found = []
        for block in self.blocks.timezones:
            try:
                found.append(icalendar.Timezone.from_ical(block))
            except Exception:  # icalendar raises several kinds on a broken VTIMEZONE (two
                # TZIDs: AttributeError); without it, its TZIDs read as floating times
                continue
        return found

    def _occurrences(
        self,
        uid: str,
        location: Location,
        components: list[icalendar.Component],
        timezones: list[icalendar.Component],
    ) -> Iterator[ParseResult]:
        recurring = any(
            name in component
            for component in components
            for name in ("RRULE", "RDATE", "RECURRENCE-ID")
        )
        kept: deque[ImportedEvent] = deque(maxlen=MAX_OCCURRENCES)
        scanned = wanted = 0
        try:
            for start, end, occurrence in self._expand(components, timezones, recurring):
                if scanned == MAX_SCANNED:
                    break
                scanned += 1
                if str(occurrence.get("STATUS", "")).strip().upper() == "CANCELLED":
                    continue
                wanted += 1
                kept.append(self._record(uid, occurrence, start, end, recurring, location))
        except Exception as exc:  # recurring_ical_events and dateutil raise many kinds on odd
            # rules (impossible dates, huge intervals): the series is reported, the file goes on
            yield RecordError(location, "RRULE", f"cannot expand ({exc})")
            return
        yield from kept
        if wanted > len(kept) or scanned == MAX_SCANNED:
            yield RecordError(
                location,
                "RRULE",
                f"too many occurrences: only the latest {len(kept)} of the first "
                f"{scanned} up to {self.until:%Y-%m-%d} are imported",
            )

    def _expand(
        self,
        components: list[icalendar.Component],
        timezones: list[icalendar.Component],
        recurring: bool,
    ) -> Iterator[tuple[datetime, datetime, icalendar.Component]]:
        """(start, end, occurrence) in start order up to self.until. A one-off event is its
        own occurrence: most events are, and the library costs more than the parse for them."""
        if not recurring:
            for component in components:  # one, unless the file repeats a UID
                start = in_utc(when(component, "DTSTART") or date.min)
                if start <= self.until:
                    yield start, _end(component, start), component
            return
        calendar = icalendar.Calendar()
        for component in [*timezones, *components]:
            calendar.add_component(component)
        earliest = min(in_utc(when(c, "DTSTART") or date.min) for c in components)
        for start, occurrence in self._walk(recurring_ical_events.of(calendar), earliest):
            yield start, _end(occurrence, start), occurrence

    def _walk(
        self, query: recurring_ical_events.CalendarQuery, earliest: datetime
    ) -> Iterator[tuple[datetime, icalendar.Component]]:
        """(start, occurrence) from earliest to self.until in start order, asked for in windows
        that double in length: one walk from the first occurrence (the library's after() starts
        it again at each step, which is quadratic) and few calls for a sparse series."""
        low, span = earliest, timedelta(days=1)
        while low <= self.until:
            high = low + span if self.until - low > span else self.until + timedelta(seconds=1)
            batch = []
            for occurrence in query.between(low, high):
                start = in_utc(when(occurrence, "DTSTART") or date.min)
                if low <= start < high:  # between() also gives those still going on at low
                    batch.append((start, occurrence))
            batch.sort(key=lambda pair: pair[0])
            yield from batch
            low, span = high, span * 2

    def _record(
        self,
        uid: str,
        occurrence: icalendar.Component,
        start: datetime,
        end: datetime,
        recurring: bool,
        location: Location,
    ) -> ImportedEvent:
        slot = ""
        if recurring:
            original = when(occurrence, "RECURRENCE-ID")
            slot = (in_utc(original) if original is not None else start).isoformat()
        summary = str(occurrence.get("SUMMARY", "")).strip()
        organizers = _correspondents(occurrence.get("ORGANIZER"))
        return ImportedEvent(
            location=location,
            key=f"{uid}|{slot}",
            start=start,
            end=end,
            summary=summary or None,
            attendees=tuple(_correspondents(occurrence.get("ATTENDEE"))),
            organizer=organizers[0] if organizers else None,
        )


def _correspondents(value: object) -> list[Correspondent]:
    """mailto: addresses (lower-cased) with their CN, first occurrence kept."""
    found: dict[str, Correspondent] = {}
    for address in value if isinstance(value, list) else [value]:
        if address is None:
            continue
        text = str(address).strip()
        if text[:7].lower() != "mailto:":
            continue
        email = text[7:].strip().lower()
        if "@" not in email or email in found:
            continue
        params = getattr(address, "params", {})
        name = str(params.get("CN", "")).strip().strip('"').strip()
        found[email] = Correspondent(email, name or None)
    return list(found.values())


def _end(component: icalendar.Component, start: datetime) -> datetime:
    """DTEND, else DTSTART + DURATION, else the start (a day later for an all-day event), as
    RFC 5545 and recurring_ical_events have it."""
    end = when(component, "DTEND")
    if end is not None:
        return in_utc(end)
    duration = getattr(component.get("DURATION"), "dt", None)
    if isinstance(duration, timedelta):
        return start + duration
    return start if isinstance(when(component, "DTSTART"), datetime) else start + timedelta(days=1)


def _block_uid(text: bytes) -> str:
    """The UID of a VEVENT block (not of an alarm inside it), read before parsing it."""
    depth = 0
    for line in _FOLD.sub(b"", text).splitlines()[1:]:
        upper = line.upper()
        if upper.startswith(b"BEGIN:"):
            depth += 1
        elif upper.startswith(b"END:"):
            depth -= 1
        elif depth == 0 and (found := _UID_LINE.fullmatch(line)):
            return found.group(1).decode("utf-8", "replace").strip()
    return ""


def _made_up_uid(text: bytes) -> str:
    """A stable stand-in for a missing UID: a digest of the DTSTART and SUMMARY lines."""
    lines = _FOLD.sub(b"", text).splitlines()
    wanted = [line.strip() for line in lines if line.upper().startswith((b"DTSTART", b"SUMMARY"))]
    return "sha256:" + hashlib.sha256(b"\n".join(wanted)).hexdigest()
