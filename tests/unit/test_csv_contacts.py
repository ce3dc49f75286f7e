"""Google Contacts and Outlook CSV parsers (split from test_csv_formats.py for length)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from goodwill.errors import ImportFailed
from goodwill.importers.csv_formats import parse_google, parse_outlook
from goodwill.importers.records import (
    Address,
    Birthday,
    ImportedContact,
    ImportedPosition,
    LabeledValue,
    ParseResult,
    RecordError,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"


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
def google_current() -> list[ParseResult]:
    return list(parse_google(DATA / "google_current.csv"))


@pytest.fixture(scope="module")
def google_legacy() -> list[ParseResult]:
    return list(parse_google(DATA / "google_legacy.csv"))


@pytest.fixture(scope="module")
def outlook_desktop() -> list[ParseResult]:
    return list(parse_outlook(DATA / "outlook_desktop.csv"))


# --- Google, current layout ----------------------------------------------------


def test_parse_google_current_reads_the_first_column_behind_the_bom(google_current):
    grace = contact(google_current, 1)
    assert (grace.first_name, grace.last_name) == ("Grace", "Hopper")
    assert grace.location.line == 2


def test_parse_google_current_splits_multi_valued_cells_and_keeps_labels(google_current):
    grace = contact(google_current, 1)
    assert grace.emails == (
        LabeledValue("grace@navy.example", "Work"),
        LabeledValue("g.hopper@yale.example", "Work"),
        LabeledValue("grace@example.com", "Home"),
    )
    assert grace.phones == (
        LabeledValue("+1 202 555 0143", "Mobile"),
        LabeledValue("+1 202 555 0199", "Mobile"),
        LabeledValue("(202) 555-0100", "Work"),
    )


def test_parse_google_current_drops_system_groups_from_tags(google_current):
    assert contact(google_current, 1).tags == ("Friends",)
    assert contact(google_current, 2).tags == ("Open Source", "Friends")
    assert contact(google_current, 3).tags == ()


def test_parse_google_current_maps_names_organization_and_details(google_current):
    grace = contact(google_current, 1)
    assert grace.full_name == "Dr. Grace Brewster Hopper"
    assert grace.nickname == "Amazing Grace"
    assert grace.positions == (ImportedPosition("US Navy", "Rear Admiral"),)
    assert grace.birthday == Birthday(12, 9, 1906)
    assert grace.note == "Met at the COBOL meetup.\nLoves nanoseconds."
    assert grace.profile_urls == ("https://www.linkedin.com/in/grace-hopper",)
    assert grace.addresses == (Address("Home", "1 Navy Way", "Arlington", "VA", "22202", "US"),)


def test_parse_google_current_reads_a_birthday_without_a_year(google_current):
    linus = contact(google_current, 2)
    assert linus.birthday == Birthday(12, 28, None)
    assert linus.full_name is None  # nothing beyond first and last name


def test_parse_google_current_keeps_a_contact_known_only_by_organization(google_current):
    acme = contact(google_current, 3)
    assert (acme.first_name, acme.last_name, acme.full_name) == (None, None, None)
    assert acme.positions == (ImportedPosition("Acme Corp"),)
    assert acme.emails == (LabeledValue("sales@acme.example", "Work"),)


@pytest.mark.parametrize(
    ("record", "line", "field", "reason"),
    [
        (4, 9, "Birthday", "unreadable date '26/13/1791'"),
        (5, 10, None, "no name, email, phone or organization"),
        (6, 11, None, "line 11 has 11 fields, the header has 36"),
    ],
)
def test_parse_google_reports_malformed_records_and_goes_on(
    google_current, record, line, field, reason
):
    found = error(google_current, record)
    assert (found.location.line, found.field, found.reason) == (line, field, reason)
    assert contact(google_current, 7).last_name == "Wei 😀"


# --- Google, legacy layout -----------------------------------------------------


def test_parse_google_legacy_reads_given_and_family_names_and_types(google_legacy):
    margaret = contact(google_legacy, 1)
    assert (margaret.first_name, margaret.last_name, margaret.full_name) == (
        "Margaret",
        "Hamilton",
        None,
    )
    assert margaret.emails == (
        LabeledValue("margaret@mit.example", "Work"),
        LabeledValue("mh@hamilton-tech.example", "Work"),
        LabeledValue("maggie@example.com", "Home"),
    )
    assert margaret.positions == (
        ImportedPosition("MIT Instrumentation Lab", "Director of Software Engineering"),
    )
    assert margaret.profile_urls == ("https://www.linkedin.com/in/margaret-hamilton",)


def test_parse_google_legacy_keeps_user_groups_and_drops_my_contacts_and_starred(google_legacy):
    assert contact(google_legacy, 1).tags == ("Apollo", "Coworkers")
    assert contact(google_legacy, 3).tags == ("Family",)


def test_parse_google_legacy_splits_multi_valued_addresses_part_by_part(google_legacy):
    assert contact(google_legacy, 1).addresses == (
        Address("Work", "77 Massachusetts Ave", "Cambridge", "MA", "02139", "USA"),
        Address("Work", "1 Main St", "Boston", "MA", "02108", "USA"),
    )


def test_parse_google_legacy_keeps_the_display_name_when_it_says_more(google_legacy):
    jose = contact(google_legacy, 2)
    assert jose.full_name == "Dr. José María Olazábal Jr."
    assert jose.birthday == Birthday(5, 5, None)
    assert jose.emails == (LabeledValue("jose@example.es", "Other"),)
    mom = contact(google_legacy, 3)
    assert (mom.first_name, mom.full_name, mom.note) == (None, "Mom", "Call on Sundays")


def test_parse_google_reads_a_utf16_export(tmp_path, google_legacy):
    utf16 = tmp_path / "google.csv"
    utf16.write_bytes((DATA / "google_legacy.csv").read_text(encoding="utf-8").encode("utf-16"))
    assert list(parse_google(utf16)) == [
        replace(r, location=replace(r.location, file="google.csv")) for r in google_legacy
    ]


@pytest.mark.parametrize("name", ["linkedin_connections.csv", "outlook_desktop.csv"])
def test_parse_google_rejects_other_formats_before_yielding(name):
    results = parse_google(DATA / name)
    with pytest.raises(ImportFailed, match=rf"^{name}: not a Google Contacts CSV"):
        next(results)


# --- Outlook -------------------------------------------------------------------


def test_parse_outlook_decodes_cp1252_accented_names(outlook_desktop):
    francois = contact(outlook_desktop, 1)
    assert (francois.first_name, francois.last_name) == ("François", "Lefèvre")
    assert francois.positions == (ImportedPosition("Société Générale", "Directeur financier"),)
    assert contact(outlook_desktop, 2).last_name == "Ødegård"
    assert contact(outlook_desktop, 5).note == "Owes me 20 € for the tapas"


def test_parse_outlook_reads_year_1604_as_an_unknown_year(outlook_desktop):
    assert contact(outlook_desktop, 1).birthday == Birthday(3, 14, None)
    assert contact(outlook_desktop, 5).birthday == Birthday(12, 25, 1985)


def test_parse_outlook_reads_0_0_00_as_no_birthday(outlook_desktop):
    assert contact(outlook_desktop, 2).birthday is None


def test_parse_outlook_splits_categories_on_semicolons_and_commas(outlook_desktop):
    assert contact(outlook_desktop, 1).tags == ("Clients", "Paris")
    assert contact(outlook_desktop, 2).tags == ("Friends", "Copenhagen")


def test_parse_outlook_labels_phones_and_addresses_by_column(outlook_desktop):
    francois = contact(outlook_desktop, 1)
    assert francois.phones == (
        LabeledValue("+33 6 12 34 56 78", "mobile"),
        LabeledValue("+33 1 42 14 20 00", "work"),
    )
    assert francois.addresses == (
        Address("work", "29 Boulevard Haussmann", "Paris", None, "75009", "France"),
    )
    assert francois.emails == (LabeledValue("francois.lefevre@socgen.example"),)
    assert francois.note == "Rencontré à Vivatech.\nAime le café."


def test_parse_outlook_takes_an_exchange_users_address_from_the_display_name(outlook_desktop):
    zoe = contact(outlook_desktop, 3)
    assert zoe.emails == (
        LabeledValue("zoe.bronte@contoso.example"),
        LabeledValue("zoe@bronte.example"),
    )
    assert zoe.full_name == "Ms. Zoë Anne Brontë"  # "Title" is the name prefix
    assert zoe.positions == (ImportedPosition("Contoso", "Account Manager"),)
    assert zoe.profile_urls == ("http://www.contoso.example/~zoe",)


def test_parse_outlook_reports_an_unreadable_birthday_and_goes_on(outlook_desktop):
    found = error(outlook_desktop, 4)
    assert (found.location.line, found.field) == (6, "Birthday")
    assert contact(outlook_desktop, 5).first_name == "Ñoño"


def test_parse_outlook_matches_column_names_of_other_versions():
    satya, amy = list(parse_outlook(DATA / "outlook_com.csv"))
    assert isinstance(satya, ImportedContact) and isinstance(amy, ImportedContact)
    assert satya.emails == (LabeledValue("satya@contoso.example"),)
    assert satya.phones == (LabeledValue("+1 425 555 0100", "work"),)
    assert satya.addresses[0].country == "United States"
    assert satya.birthday == Birthday(8, 19, 1967)
    assert amy.emails == (LabeledValue("amy@hood.example"),)
    assert amy.birthday == Birthday(8, 19, None)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_parse_outlook_reads_every_line_ending(tmp_path, ending):
    source = (DATA / "outlook_com.csv").read_text(encoding="utf-8")
    converted = tmp_path / "contacts.csv"
    converted.write_bytes(ending.join(source.splitlines()).encode("cp1252"))
    assert [c.first_name for c in parse_outlook(converted)] == ["Satya", "Amy"]


@pytest.mark.parametrize("name", ["linkedin_connections.csv", "google_current.csv"])
def test_parse_outlook_rejects_other_formats_before_yielding(name):
    results = parse_outlook(DATA / name)
    with pytest.raises(ImportFailed, match=rf"^{name}: not an Outlook contacts CSV"):
        next(results)
