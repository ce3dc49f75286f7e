"""LinkedIn connections CSV, CSV format detection, and the shared date and encoding rules."""

from __future__ import annotations

import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from goodwill.errors import ImportFailed
from goodwill.importers.csv_common import (
    HEAD_BYTES,
    detect_encoding,
    parse_birthday,
    parse_date_parts,
)
from goodwill.importers.csv_formats import (
    detect_csv_format,
    parse_linkedin,
    sniff_google,
    sniff_linkedin,
    sniff_outlook,
)
from goodwill.importers.records import (
    Birthday,
    ImportedContact,
    ImportedPosition,
    LabeledValue,
    ParseResult,
    RecordError,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"
CONNECTIONS = DATA / "linkedin_connections.csv"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def contacts(results: list[ParseResult]) -> list[ImportedContact]:
    return [r for r in results if isinstance(r, ImportedContact)]


def by_record(results: list[ParseResult]) -> dict[int, ParseResult]:
    return {r.location.record: r for r in results}


def contact(results: list[ParseResult], record: int) -> ImportedContact:
    found = by_record(results)[record]
    assert isinstance(found, ImportedContact), found
    return found


def error(results: list[ParseResult], record: int) -> RecordError:
    found = by_record(results)[record]
    assert isinstance(found, RecordError), found
    return found


@pytest.fixture(scope="module")
def connections() -> list[ParseResult]:
    return list(parse_linkedin(CONNECTIONS))


def test_parse_linkedin_skips_preamble_and_numbers_records_from_one(connections):
    assert [r.location.record for r in connections] == list(range(1, 12))
    first = contact(connections, 1)
    assert (first.location.file, first.location.line) == ("linkedin_connections.csv", 5)


def test_parse_linkedin_maps_company_position_url_and_connected_on(connections):
    ana = contact(connections, 1)
    assert (ana.first_name, ana.last_name) == ("Ana", "García")
    assert ana.positions == (ImportedPosition("Globex", "Head of Sales", current=True),)
    assert ana.profile_urls == ("https://www.linkedin.com/in/anagarcia",)
    assert ana.met_on == date(2023, 2, 14)


def test_parse_linkedin_leaves_missing_emails_empty_and_lowercases_the_rest(connections):
    assert contact(connections, 1).emails == ()
    assert contact(connections, 3).emails == (LabeledValue("mary.obrien@example.com"),)


def test_parse_linkedin_decodes_percent_encoded_urls(connections):
    assert contact(connections, 2).profile_urls == (
        "https://www.linkedin.com/in/jürgen-müller-4a1b2c",
    )
    assert contact(connections, 7).profile_urls == ("https://www.linkedin.com/in/priya-raman",)
    assert contact(connections, 11).profile_urls == ("https://www.linkedin.com/in/élodie-durand",)


def test_parse_linkedin_keeps_quoted_commas_and_quotes(connections):
    assert contact(connections, 2).positions == (
        ImportedPosition("Initech, GmbH", "VP, Engineering"),
    )
    assert contact(connections, 7).positions[0].title == 'Staff Engineer, "Platform"'


def test_parse_linkedin_collapses_stray_tabs_and_spaces(connections):
    mary = contact(connections, 3)
    assert (mary.first_name, mary.last_name) == ("Mary", "O'Brien")
    assert mary.positions == (ImportedPosition("Umbrella Corp", "Data Scientist"),)
    assert contact(connections, 7).last_name == "Raman Iyer"


def test_parse_linkedin_keeps_emoji_and_non_latin_names(connections):
    li = contact(connections, 4)
    assert (li.first_name, li.last_name) == ("李", "伟")
    assert li.positions == (ImportedPosition("ACME 🚀", "Founder 🚀 | Investor"),)
    assert contact(connections, 5).first_name == "Sam 🌈"


def test_parse_linkedin_yields_repeated_rows_as_separate_records(connections):
    fifth, sixth = contact(connections, 5), contact(connections, 6)
    assert fifth.location.line + 1 == sixth.location.line
    assert (fifth.first_name, fifth.profile_urls) == (sixth.first_name, sixth.profile_urls)


def test_parse_linkedin_without_company_has_no_position(connections):
    assert contact(connections, 5).positions == ()


def test_parse_linkedin_reads_us_numeric_dates(connections):
    assert contact(connections, 7).met_on == date(2023, 2, 14)


@pytest.mark.parametrize(
    ("record", "line", "field", "reason"),
    [
        (8, 14, "First Name", "no first or last name"),
        (9, 15, "Connected On", "unreadable date '31 Feb 2023'"),
        (10, 16, None, "line 16 has 5 fields, the header has 7"),
    ],
)
def test_parse_linkedin_reports_malformed_rows_and_goes_on(
    connections, record, line, field, reason
):
    found = error(connections, record)
    assert (found.location.line, found.field, found.reason) == (line, field, reason)
    assert contact(connections, 11).first_name == "Élodie"  # the rows after it still read


def test_parse_linkedin_reads_old_export_without_url():
    results = list(parse_linkedin(DATA / "linkedin_old_export.csv"))
    assert [c.first_name for c in contacts(results)] == ["Kim", "Omar", "Nadia"]
    kim = contact(results, 1)
    assert kim.profile_urls == ()
    assert kim.emails == (LabeledValue("kim.park@example.com"),)
    assert kim.met_on == date(2016, 8, 12)
    omar = contact(results, 2)
    assert omar.positions == (ImportedPosition("Tyrell, Corp", "Replicant Designer"),)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_parse_linkedin_reads_every_line_ending(tmp_path, connections, ending):
    text = CONNECTIONS.read_text(encoding="utf-8")
    converted = tmp_path / "Connections.csv"
    converted.write_bytes("\n".join(text.splitlines()).replace("\n", ending).encode())
    assert [(r.location.line, type(r)) for r in parse_linkedin(converted)] == [
        (r.location.line, type(r)) for r in connections
    ]
    assert contact(list(parse_linkedin(converted)), 3).first_name == "Mary"


def test_parse_linkedin_rejects_a_file_that_is_not_an_export_before_yielding():
    results = parse_linkedin(DATA / "google_current.csv")
    with pytest.raises(ImportFailed, match=r"^google_current\.csv: not a LinkedIn connections"):
        next(results)


def test_parse_linkedin_rejects_a_header_past_the_first_twenty_lines(tmp_path):
    late = tmp_path / "late.csv"
    late.write_text("Notes:\n" * 25 + HEADER + "\nAna,Lee,,,,,1 Jan 2020\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="first 20 lines"):
        list(parse_linkedin(late))


def test_parse_linkedin_reports_a_missing_file_as_import_failed(tmp_path):
    with pytest.raises(ImportFailed, match=r"^absent\.csv: cannot read"):
        list(parse_linkedin(tmp_path / "absent.csv"))


def test_parse_linkedin_reports_an_oversized_field_and_goes_on(tmp_path):
    broken = tmp_path / "Connections.csv"
    huge = '"' + "x" * 200_000 + '"'
    rows = [HEADER, f"Ana,{huge},,,,,", "Bo,Lee,,,,,1 Jan 2020", ""]
    broken.write_text("\n".join(rows), encoding="utf-8")
    results = list(parse_linkedin(broken))
    assert error(results, 1).reason.startswith("unreadable CSV")
    assert contact(results, 2).first_name == "Bo"


def test_parse_linkedin_reads_stray_cp1252_bytes_after_a_utf8_head(tmp_path):
    mixed = tmp_path / "Connections.csv"
    filler = "".join(f"Ana,Lee{i},,,,,1 Jan 2020\n" for i in range(4000)).encode()
    assert len(filler) > HEAD_BYTES
    mixed.write_bytes(f"{HEADER}\n".encode() + filler + b"Ren\xe9,Dupr\xe9,,,,,2 Feb 2021\n")
    last = list(parse_linkedin(mixed))[-1]
    assert isinstance(last, ImportedContact)
    assert (last.first_name, last.last_name) == ("René", "Dupré")


@pytest.mark.slow  # about 10 s: tracemalloc slows every allocation
def test_parse_linkedin_memory_stays_flat_on_a_200k_row_file(tmp_path):
    big = tmp_path / "Connections.csv"
    with big.open("w", encoding="utf-8", newline="") as out:
        out.write("Notes:\n\n" + HEADER + "\r\n")
        for i in range(200_000):
            out.write(
                f"Name{i},Family {i},https://www.linkedin.com/in/p%C3%A9{i},,"
                f'"Company {i % 977}, Inc.",Engineer,{1 + i % 28} Feb 2023\r\n'
            )
    tracemalloc.start()
    try:
        count = sum(1 for _ in parse_linkedin(big))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 2 * 1024 * 1024


# --- detection ---------------------------------------------------------------

FIXTURE_FORMATS = {
    "linkedin_connections.csv": "linkedin",
    "linkedin_old_export.csv": "linkedin",
    "google_current.csv": "google",
    "google_legacy.csv": "google",
    "outlook_desktop.csv": "outlook",
    "outlook_com.csv": "outlook",
}


@pytest.mark.parametrize(("name", "expected"), FIXTURE_FORMATS.items())
def test_detect_csv_format_recognises_each_fixture(name, expected):
    head = (DATA / name).read_bytes()[:HEAD_BYTES]
    assert detect_csv_format(head) == expected
    sniffed = {"linkedin": sniff_linkedin(head), "google": sniff_google(head)}
    sniffed["outlook"] = sniff_outlook(head)
    assert [fmt for fmt, hit in sniffed.items() if hit] == [expected]


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lee\r\nEND:VCARD\r\n",
        b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nSubject: hi\n\nbody\n",
        b"id,name,amount\n1,Ana,3\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"First Name,Last Name\nAna,Lee\n",
    ],
    ids=["empty", "vcard", "mbox", "other-csv", "binary", "names-only"],
)
def test_detect_csv_format_returns_none_for_other_content(head):
    assert detect_csv_format(head) is None


def test_detect_csv_format_reads_a_utf16_google_export():
    head = (DATA / "google_legacy.csv").read_text(encoding="utf-8").encode("utf-16")
    assert detect_csv_format(head) == "google"


def test_detect_csv_format_tolerates_a_head_cut_inside_a_character():
    text = HEADER + "\n" + "Jürgen,Müller,,,,,1 Jan 2020\n" * 3000
    head = text.encode()[:HEAD_BYTES]
    for cut in range(len(head) - 3, len(head) + 1):
        assert detect_csv_format(head[:cut]) == "linkedin"
        assert detect_encoding(head[:cut]) == "utf-8"


# --- encodings and dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xef\xbb\xbfFirst Name", "utf-8-sig"),
        ("First Name".encode("utf-16"), "utf-16"),
        ("Jürgen".encode(), "utf-8"),
        ("Jürgen".encode("cp1252"), "cp1252"),
        (b"plain ascii", "utf-8"),
    ],
)
def test_detect_encoding_prefers_bom_then_utf8_then_cp1252(head, expected):
    assert detect_encoding(head, complete=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 Feb 2023", (2023, 2, 14)),
        ("4 February 2023", (2023, 2, 4)),
        ("14-Feb-23", (2023, 2, 14)),
        ("Feb 14, 2023", (2023, 2, 14)),
        ("02/14/2023", (2023, 2, 14)),
        ("2/3/2023", (2023, 2, 3)),
        ("14/02/2023", (2023, 2, 14)),
        ("14.02.2023", (2023, 2, 14)),
        ("2023-02-14", (2023, 2, 14)),
        ("2023-02-14 00:00:00", (2023, 2, 14)),
        ("20230214", (2023, 2, 14)),
        ("--03-14", (None, 3, 14)),
        ("--0229", (None, 2, 29)),
    ],
)
def test_parse_date_parts_reads_the_spellings_exports_use(text, expected):
    assert parse_date_parts(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "31 Feb 2023", "13/13/2023", "14 Foo 2023"])
def test_parse_date_parts_rejects_unreadable_dates(text):
    with pytest.raises(ValueError):
        parse_date_parts(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/14/1604", Birthday(3, 14, None)),
        ("1985-03-14", Birthday(3, 14, 1985)),
        ("--03-14", Birthday(3, 14, None)),
        ("0/0/00", None),
        ("1/1/4501", None),
    ],
)
def test_parse_birthday_understands_outlook_placeholders(text, expected):
    assert parse_birthday(text) == expected
