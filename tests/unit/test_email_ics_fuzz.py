"""Random and mutated input for the email and iCalendar parsers: they never crash, and yield
only well-formed records or RecordErrors (ImportFailed is for wholesale wrong files only)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.importers.email_formats import message_result, parse_eml, parse_mbox, split_addresses
from goodwill.importers.ics import parse_ics
from goodwill.importers.records import (
    ImportedEvent,
    ImportedMessage,
    Location,
    ParseResult,
    RecordError,
)

EMAIL = Path(__file__).resolve().parents[1] / "data" / "email"
ICS = Path(__file__).resolve().parents[1] / "data" / "ics"
NOW = datetime(2024, 6, 1, tzinfo=UTC)

HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Date", "Subject", "Message-ID", "List-Id", "Precedence", "X-Other"]
)
NASTY_TEXT = st.sampled_from(
    [b"", b" ", b"=?utf-8?q?", b"=?x-unknown?b?AAAA?=", b"<>", b'"', b"\\", b",", b":;", b"@",
     b"\xff\xfe", b"\r", b"\n ", b"\t", b"(", b"Mon, 8 Jan 2024 10:00:00 +0000", b"a@b"]
)  # fmt: skip
HEADER_VALUES = st.lists(st.one_of(NASTY_TEXT, st.binary(max_size=40)), max_size=6).map(b"".join)


def _check_message(result: ParseResult) -> None:
    if isinstance(result, RecordError):
        assert result.reason
        return
    assert isinstance(result, ImportedMessage)
    assert result.key
    assert result.occurred_at.tzinfo is not None
    for person in (result.sender, *result.recipients):
        assert person.email == person.email.lower()
        assert "@" in person.email
    emails = [r.email for r in result.recipients]
    assert len(emails) == len(set(emails))


def _check_event(result: ParseResult) -> None:
    if isinstance(result, RecordError):
        assert result.reason
        return
    assert isinstance(result, ImportedEvent)
    assert "|" in result.key
    assert result.start.tzinfo is not None
    assert result.end is None or result.end.tzinfo is not None
    assert all(a.email == a.email.lower() for a in result.attendees)


def _mutate(lines: list[bytes], data: st.DataObject) -> list[bytes]:
    """Delete, repeat, garble or insert lines, and cut the file; the first line stays."""
    lines = list(lines)
    for _ in range(data.draw(st.integers(0, 6), label="mutations")):
        at = data.draw(st.integers(1, max(1, len(lines) - 1)), label="at")
        action = data.draw(st.sampled_from(["delete", "repeat", "garble", "insert", "cut"]))
        if action == "delete" and len(lines) > 1:
            del lines[at : at + 1]
        elif action == "repeat":
            lines[at:at] = lines[at : at + 1]
        elif action == "garble" and at < len(lines):
            line = lines[at]
            cut = data.draw(st.integers(0, len(line)), label="cut at")
            lines[at] = line[:cut] + data.draw(st.binary(max_size=12)) + line[cut + 1 :]
        elif action == "insert":
            lines.insert(at, data.draw(st.binary(max_size=30)) + b"\n")
        elif action == "cut":
            lines = lines[: at + 1]
    return lines


@given(headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=8), body=st.booleans())
def test_message_result_survives_random_headers(
    headers: list[tuple[str, bytes]], body: bool
) -> None:
    raw = b"".join(name.encode() + b": " + value + b"\n" for name, value in headers) + b"\nbody\n"

    _check_message(message_result(raw, Location("x.eml", 1), keep_bodies=body))


@given(data=st.data())
def test_parse_mbox_survives_mutated_lines(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    lines = (EMAIL / "archive.mbox").read_bytes().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("mbox") / "mutated.mbox"
    path.write_bytes(b"".join(_mutate(lines, data)))

    results = list(parse_mbox(path, keep_bodies=data.draw(st.booleans(), label="bodies")))

    assert [r.location.record for r in results] == list(range(1, len(results) + 1))
    for result in results:
        _check_message(result)


@given(files=st.lists(st.binary(max_size=300), min_size=1, max_size=4))
def test_parse_eml_folder_survives_random_files(
    files: list[bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("eml")
    for number, content in enumerate(files):
        (folder / f"{number}.eml").write_bytes(content)

    results = list(parse_eml(folder, keep_bodies=True))

    assert len(results) == len(files)
    for result in results:
        _check_message(result)


@given(data=st.data(), name=st.sampled_from(["calendar.ics", "broken.ics", "google_xwr.ics"]))
def test_parse_ics_survives_mutated_lines(
    data: st.DataObject, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    lines = (ICS / name).read_bytes().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("ics") / "mutated.ics"
    path.write_bytes(b"".join(_mutate(lines, data)))

    for result in parse_ics(path, NOW):
        _check_event(result)


RULE_PARTS = st.lists(
    st.sampled_from(
        ["FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY", "FREQ=NEVER", "COUNT=3",
         "COUNT=-1", "COUNT=x", "INTERVAL=2", "INTERVAL=0", "BYDAY=MO,FR", "BYDAY=9XX",
         "BYMONTHDAY=31", "BYMONTHDAY=-40", "BYMONTH=13", "UNTIL=20240301", "UNTIL=20240301T000000",
         "UNTIL=20240301T000000Z", "UNTIL=garbage", "BYSETPOS=-1", "WKST=SU", ""]
    ),
    max_size=5,
).map(";".join)  # fmt: skip
MOMENTS = st.sampled_from(
    ["DTSTART:20240105T100000Z", "DTSTART:20240105T100000", "DTSTART;VALUE=DATE:20240105",
     "DTSTART;TZID=Europe/Paris:20240105T100000", "DTSTART;TZID=Nowhere/Land:20240105T100000",
     "DTSTART:99991231T235959Z", "DTSTART:00010101T000000", "DTSTART:2024"]
)  # fmt: skip
EXTRAS = st.lists(
    st.sampled_from(
        ["EXDATE:20240112T100000Z", "EXDATE;VALUE=DATE:20240112", "RDATE:20240120T100000Z",
         "RDATE;VALUE=PERIOD:20240120T100000Z/PT1H", "DTEND:20240105T090000Z", "DURATION:-PT1H",
         "DURATION:P1W", "STATUS:CANCELLED", "ATTENDEE;CN=\"A, B\":mailto:A@X", "ATTENDEE:mailto:",
         "ORGANIZER:urn:x", "RECURRENCE-ID:20240112T100000Z", "UID:", "SUMMARY:\\n\\,"]
    ),
    max_size=4,
)  # fmt: skip


@given(rule=RULE_PARTS, start=MOMENTS, extras=EXTRAS, repeat=st.booleans())
def test_parse_ics_survives_random_rules(
    rule: str,
    start: str,
    extras: list[str],
    repeat: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    event = ["BEGIN:VEVENT", "UID:fuzz@x", start, f"RRULE:{rule}", *extras, "END:VEVENT"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *event, *(event if repeat else []), "END:VCALENDAR"]
    path = tmp_path_factory.mktemp("rule") / "rule.ics"
    path.write_text("\r\n".join(lines) + "\r\n")

    results = list(parse_ics(path, NOW))

    if not start.startswith("DTSTART:9999") and "STATUS:CANCELLED" not in extras:
        assert results  # an event in the window gives occurrences or an error
    for result in results:
        _check_event(result)


NAME_CHARS = st.text(alphabet="Ann Lee.=?_'\"\\,()<>:;@\t-é", max_size=12)
ADDRESSES = st.sampled_from(["a@x.com", "B.C@Y.ORG", "d+e@f", "@x", "g@", "h@i@j", "<k@l>"])


@given(
    items=st.lists(
        st.tuples(NAME_CHARS, ADDRESSES, st.sampled_from(["plain", "quoted", "bare"])),
        min_size=1,
        max_size=4,
    ),
    separator=st.sampled_from([",", ", ", " ,\t"]),
)
def test_split_addresses_agrees_with_getaddresses_on_random_lists(
    items: list[tuple[str, str, str]], separator: str
) -> None:
    def shape(name: str, address: str, kind: str) -> str:
        if kind == "bare":
            return address
        if kind == "quoted":
            return f'"{name}" <{address}>'
        return f"{name} <{address}>"

    value = separator.join(shape(*item) for item in items)

    assert split_addresses([value]) == getaddresses([value])
