"""Hypothesis feeds random and mutated vCard files to the parser (no crash: only records
or RecordErrors, ImportFailed only for a file with no card at all), writes random
contacts and reads them back unchanged; and memory stays flat on 20,000 cards."""

from __future__ import annotations

import re
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.exporters.vcard import VCardContact, write_vcards
from goodwill.importers.records import (
    Address,
    Birthday,
    ImportedContact,
    ImportedPosition,
    LabeledValue,
    ParseResult,
    RecordError,
)
from goodwill.importers.vcard import parse_vcard, sniff_vcard

DATA = Path(__file__).resolve().parents[1] / "data" / "vcard"
# Every line of every fixture, as bytes: the raw material cards are mutated from.
POOL = sorted(
    {
        line
        for path in DATA.rglob("*.vcf")
        for line in re.split(rb"\r\n|\r|\n", path.read_bytes())
        if line.strip() and line.strip().upper() not in (b"BEGIN:VCARD", b"END:VCARD")
    }
)
NASTY = st.sampled_from(list(b':;,=\\"\t \x00\xe9\xff.') + [0xC3])


def parse(data: bytes) -> list[ParseResult]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.vcf"
        path.write_bytes(data)
        return list(parse_vcard(path))


@st.composite
def mutated_line(draw: st.DrawFn) -> bytes:
    line = bytearray(draw(st.sampled_from(POOL)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(line)))
        action = draw(st.sampled_from(["insert", "delete", "cut"]))
        if action == "insert":
            line[at:at] = bytes([draw(NASTY)])
        elif action == "delete":
            del line[at : at + 1]
        else:
            del line[at:]
    return bytes(line)


@st.composite
def mutated_file(draw: st.DrawFn) -> bytes:
    lines = st.one_of(mutated_line(), st.binary(max_size=40), st.sampled_from(POOL))
    cards = []
    for _ in range(draw(st.integers(1, 4))):
        body = draw(st.lists(lines, max_size=12))
        end = [b"END:VCARD"] if draw(st.booleans()) or not cards else []
        cards.append([b"BEGIN:VCARD", *body, *end])
    eol = draw(st.sampled_from([b"\r\n", b"\n", b"\r"]))
    return eol.join(line for card in cards for line in card) + eol


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_file())
def test_parse_vcard_survives_mutated_cards(data: bytes) -> None:
    results = parse(data)  # starts with BEGIN:VCARD: never ImportFailed
    assert all(isinstance(r, ImportedContact | RecordError) for r in results)
    assert [r.location.record for r in results] == list(range(1, len(results) + 1))
    for contact in (r for r in results if isinstance(r, ImportedContact)):
        assert contact.first_name or contact.last_name or contact.full_name
        assert all(e.value == e.value.lower() for e in contact.emails)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parse_vcard_survives_random_bytes(data: bytes) -> None:
    try:
        results = parse(data)
    except ImportFailed as exc:
        assert not sniff_vcard(data)
        assert exc.message.startswith("fuzz.vcf: ")
        return
    assert all(isinstance(r, ImportedContact | RecordError) for r in results)


# --------------------------------------------------------------------------- round trip

BAD_TEXT = "\r"  # the reader makes CR a newline, as the writer does


def trimmed(max_size: int = 30, bad: str = BAD_TEXT) -> st.SearchStrategy[str]:
    chars = st.characters(blacklist_categories=("Cs",), blacklist_characters=bad)
    return st.text(chars, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def label() -> st.SearchStrategy[str | None]:
    fixed = st.sampled_from([None, "work", "home", "cell,iphone", "Other", "Mobile", "Work"])
    free = trimmed(15).filter(lambda s: not re.fullmatch(r"_\$!<.*>!\$_", s, re.DOTALL))
    return st.one_of(fixed, free)


def url() -> st.SearchStrategy[str]:
    # URLs are written as URIs, unescaped; the reader percent-decodes them.
    path = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=20)
    return path.filter(lambda s: "%" not in s and "\\" not in s).map(
        lambda s: f"https://example.com/{s}"
    )


def birthday() -> st.SearchStrategy[tuple[int, int, int | None]]:
    days = st.dates().filter(lambda d: d.year != 1604)
    return st.tuples(days, st.booleans()).map(
        lambda pair: (pair[0].month, pair[0].day, pair[0].year if pair[1] else None)
    )


def address() -> st.SearchStrategy[Address]:
    part = st.none() | trimmed()
    return st.builds(Address, label(), part, part, part, part, part).filter(
        lambda a: any((a.street, a.city, a.region, a.postal_code, a.country))
    )


@st.composite
def vcard_contact(draw: st.DrawFn) -> VCardContact:
    emails = trimmed().map(str.lower).filter(lambda s: s == s.strip() and s == s.lower())
    phones = trimmed().filter(lambda s: not s.lower().startswith("tel:"))
    organization = draw(st.none() | trimmed())
    extra_names = st.sampled_from(["X-FOO", "X-ABShowAs", "KIND", "item9.X-ABDATE", "GENDER"])
    kept = st.tuples(extra_names, trimmed(90, bad="\r\n"))  # unfolded lines have no breaks
    return VCardContact(
        uid=draw(trimmed()),
        first_name=draw(st.none() | trimmed()),
        last_name=draw(st.none() | trimmed()),
        display_name=draw(trimmed()),
        nickname=draw(st.none() | trimmed()),
        emails=tuple(draw(st.lists(st.tuples(emails, label()), max_size=3))),
        phones=tuple(draw(st.lists(st.tuples(phones, label()), max_size=3))),
        organization=organization,
        title=draw(st.none() | trimmed()) if organization else None,
        note=draw(st.none() | trimmed(200)),
        birthday=draw(st.none() | birthday()),
        tags=tuple(draw(st.lists(trimmed(), max_size=4, unique=True))),
        profile_urls=tuple(draw(st.lists(url(), max_size=2, unique=True))),
        addresses=tuple(draw(st.lists(address(), max_size=2))),
        photo=draw(st.none() | st.just("PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 40)),
        extra=tuple(f"{name}:{value}" for name, value in draw(st.lists(kept, max_size=3))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vcard_contact(), st.sampled_from(["3.0", "4.0"]))
def test_write_vcards_round_trips_random_contacts(contact: VCardContact, version: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.vcf"
        with path.open("w", encoding="utf-8", newline="") as out:
            write_vcards([contact], out, version)
        (again,) = parse_vcard(path)
    assert isinstance(again, ImportedContact), again
    birthday = Birthday(*contact.birthday) if contact.birthday else None
    assert (again.first_name, again.last_name) == (contact.first_name, contact.last_name)
    assert (again.full_name, again.nickname) == (contact.display_name, contact.nickname)
    assert again.emails == tuple(LabeledValue(*e) for e in contact.emails)
    assert again.phones == tuple(LabeledValue(*p) for p in contact.phones)
    assert again.positions == (
        (ImportedPosition(contact.organization, contact.title),) if contact.organization else ()
    )
    assert (again.note, again.birthday, again.tags) == (contact.note, birthday, contact.tags)
    assert (again.profile_urls, again.addresses) == (contact.profile_urls, contact.addresses)
    assert (again.photo, again.extra, again.source_uid) == (
        contact.photo,
        contact.extra,
        contact.uid,
    )


# --------------------------------------------------------------------------- memory


@pytest.mark.slow  # a few seconds: tracemalloc slows every allocation
def test_parse_vcard_memory_stays_flat_on_20k_cards(tmp_path: Path) -> None:
    path = tmp_path / "big.vcf"
    with path.open("wb") as out:
        for n in range(20_000):
            out.write(
                b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person %d\r\nEMAIL:p%d@example.com\r\n"
                b"NOTE:A note long enough to weigh something in memory\\, card %d.\r\n"
                b"END:VCARD\r\n" % (n, n, n)
            )
    count = 0
    tracemalloc.start()
    try:
        for result in parse_vcard(path):
            count += isinstance(result, ImportedContact)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 20_000
    assert path.stat().st_size > 2_500_000
    assert peak < 600_000  # keeping the cards would take well over 10 MB
