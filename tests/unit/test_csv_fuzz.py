"""Hypothesis feeds random and mutated CSV files to every CSV parser: no crash, only
records or RecordErrors (ImportFailed only when the file is wholesale not the format)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers.csv_common import parse_birthday, parse_date_parts
from goodwill.importers.csv_formats import (
    detect_csv_format,
    parse_google,
    parse_linkedin,
    parse_outlook,
    sniff_google,
    sniff_linkedin,
    sniff_outlook,
)
from goodwill.importers.records import ImportedContact, ParseResult, RecordError

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"
Parser = Callable[[Path], Iterator[ParseResult]]

HEADERS: dict[str, list[str]] = {
    "linkedin": (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On,Location"
    ).split(","),
    "google": [
        "First Name",
        "Last Name",
        "Labels",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "Phone 1 - Value",
        "Organization Name",
        "Birthday",
        "Address 1 - Street",
        "Address 1 - City",
        "Middle Name",
        "Custom Field 1 - Label",
        "Custom Field 1 - Value",
        "Hobby",
    ],
    "outlook": [
        "First Name",
        "Last Name",
        "E-mail Address",
        "Business Phone",
        "Company",
        "Job Title",
        "Categories",
        "Birthday",
        "Web Page",
        "Department",
        "Initials",
        "Anniversary",
        "E-mail Display Name",
    ],
}
PARSERS: dict[str, Parser] = {
    "linkedin": parse_linkedin,
    "google": parse_google,
    "outlook": parse_outlook,
}
FIXTURES = {
    "linkedin_connections.csv": ("linkedin", 4),  # (format, line of the header)
    "linkedin_old_export.csv": ("linkedin", 1),
    "google_current.csv": ("google", 1),
    "google_legacy.csv": ("google", 1),
    "outlook_desktop.csv": ("outlook", 1),
    "outlook_com.csv": ("outlook", 1),
    "google_legacy_extras.csv": ("google", 1),
    "google_current_extras.csv": ("google", 1),
    "outlook_extras.csv": ("outlook", 1),
    "linkedin_extra_columns.csv": ("linkedin", 1),
}

cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(",\"'\t\r\n :;%@*-/"),
    max_size=24,
)
date_like = st.sampled_from(
    ["14 Feb 2023", "02/14/2023", "--03-14", "3/14/1604", "0/0/00", "1985-03-14", "31 Feb 2023"]
)
cell = cell_text | date_like | st.just("a ::: b ::: * myContacts")


def parse_bytes(parser: Parser, content: bytes) -> list[ParseResult]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        return list(parser(path))


def assert_well_formed(results: list[ParseResult]) -> None:
    for result in results:
        assert isinstance(result, ImportedContact | RecordError)
    assert [r.location.record for r in results] == list(range(1, len(results) + 1))
    for result in results:
        if isinstance(result, ImportedContact):
            assert all(e.value == e.value.lower() and e.value.strip() for e in result.emails)
            names = [name.casefold() for name, _ in result.custom]
            assert len(names) == len(set(names))  # repeated names are numbered
            for name, value in result.custom:
                assert name == name.strip() and 0 < len(name) <= 100
                assert value == value.strip() and 0 < len(value) <= 2000


@pytest.mark.parametrize("fmt", PARSERS)
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=12), max_size=15),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_csv_parsers_survive_random_rows(fmt, rows, encoding, ending):
    buffer = io.StringIO(newline="")
    # The writer quotes a field holding \r or \n only when that character ends its lines.
    quoting = csv.QUOTE_MINIMAL if ending == "\r\n" else csv.QUOTE_ALL
    writer = csv.writer(buffer, lineterminator=ending, quoting=quoting)
    writer.writerow(HEADERS[fmt])
    writer.writerows(rows)
    content = buffer.getvalue().encode(encoding, errors="replace")
    results = parse_bytes(PARSERS[fmt], content)
    assert_well_formed(results)
    # Every non-blank row is one record or one error; blank rows are not counted.
    written = [r for r in rows if "".join(r).strip()]
    if encoding != "cp1252":  # cp1252 may replace characters, never add rows
        assert len(results) == len(written)


@pytest.mark.parametrize(("name", "fmt_and_header"), FIXTURES.items())
@given(data=st.data())
def test_csv_parsers_survive_mutated_fixture_lines(name, fmt_and_header, data):
    fmt, header_line = fmt_and_header
    lines = (DATA / name).read_bytes().splitlines(keepends=True)
    kept, body = lines[:header_line], lines[header_line:]
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        if not body:
            break
        at = data.draw(st.integers(0, len(body) - 1), label="line")
        action = data.draw(st.sampled_from(["cut", "insert", "duplicate", "drop", "swap"]))
        line = body[at]
        if action == "cut":
            start = data.draw(st.integers(0, len(line)))
            body[at] = line[:start] + line[data.draw(st.integers(start, len(line))) :]
        elif action == "insert":
            spot = data.draw(st.integers(0, len(line)))
            junk = data.draw(st.binary(max_size=8) | st.sampled_from([b'"', b",", b"\r", b"\n"]))
            body[at] = line[:spot] + junk + line[spot:]
        elif action == "duplicate":
            body.insert(at, line)
        elif action == "drop":
            del body[at]
        else:
            other = data.draw(st.integers(0, len(body) - 1))
            body[at], body[other] = body[other], body[at]
    results = parse_bytes(PARSERS[fmt], b"".join(kept + body))
    assert_well_formed(results)


@pytest.mark.parametrize("fmt", PARSERS)
@given(content=st.binary(max_size=400))
def test_csv_parsers_on_arbitrary_bytes_yield_results_or_fail_fast(fmt, content):
    try:
        results = parse_bytes(PARSERS[fmt], content)
    except ImportFailed as failure:
        assert failure.message.startswith("fuzz.csv: ")
    else:
        assert_well_formed(results)


@given(head=st.binary(max_size=600) | cell_text.map(str.encode))
def test_csv_detection_on_arbitrary_bytes_returns_a_format_or_none(head):
    assert detect_csv_format(head) in {None, "linkedin", "google", "outlook"}
    assert all(isinstance(sniff(head), bool) for sniff in (sniff_linkedin, sniff_google))
    assert isinstance(sniff_outlook(head), bool)


@given(text=cell_text | date_like)
def test_date_readers_return_a_value_or_raise_value_error(text):
    for reader in (parse_date_parts, parse_birthday):
        try:
            reader(text)
        except ValueError:
            pass
