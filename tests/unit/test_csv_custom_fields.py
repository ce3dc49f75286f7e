"""CSV imports keep every column a user filled: unmapped cells become custom fields."""

from __future__ import annotations

import csv
import re
from dataclasses import astuple
from pathlib import Path
from urllib.parse import unquote

import pytest

from goodwill.importers.csv_common import (
    HEAD_BYTES,
    is_blank,
    open_csv_text,
    parse_birthday,
    read_rows,
)
from goodwill.importers.csv_custom import NAME_MAX, VALUE_MAX, CustomFields
from goodwill.importers.csv_formats import (
    detect_csv_format,
    parse_google,
    parse_linkedin,
    parse_outlook,
)
from goodwill.importers.records import ImportedContact, ParseResult

DATA = Path(__file__).resolve().parents[1] / "data" / "csv"
PARSERS = {"google": parse_google, "outlook": parse_outlook, "linkedin": parse_linkedin}


def contacts(results: list[ParseResult]) -> list[ImportedContact]:
    found = [r for r in results if isinstance(r, ImportedContact)]
    assert found
    return found


def custom_of(path: Path) -> list[tuple[tuple[str, str], ...]]:
    fmt = detect_csv_format(path.read_bytes()[:HEAD_BYTES])
    assert fmt is not None
    return [c.custom for c in contacts(list(PARSERS[fmt](path)))]


# --- Google, legacy layout -----------------------------------------------------


def test_google_legacy_keeps_unmapped_columns_as_named_custom_fields():
    katherine, dot = custom_of(DATA / "google_legacy_extras.csv")
    assert katherine == (
        ("Middle name", "Coleman"),
        ("Department", "Flight Research Division"),
        ("Office location", "Building 1244"),
        ("Job description", "Trajectory analysis"),
        ("Website (Blog)", "https://blog.example/kj"),
        ("Spouse", "James Johnson"),
        ("Anniversary", "1959-08-22"),
        ("Favourite drink", "tea"),
        ("Skype (Work)", "kcj.nasa"),
        ("Maiden Name", "Goble"),
        ("Occupation", "Mathematician"),
        ("Hobby", "Piano"),
    )
    # Not there: Initials K.C.J., Gender Unspecified, Priority and Sensitivity Normal,
    # the organization type "Work", the website type "Profile", the "* My Contacts" group.


def test_google_legacy_names_repeats_and_unlabeled_values():
    _, dot = custom_of(DATA / "google_legacy_extras.csv")
    assert dot == (
        ("Full name", "Dot"),  # says more than Dorothy Vaughan; the saver uses first/last
        ("Job title", "Programmer"),  # no organization to hang it on
        ("Child", "Ann"),
        ("Child 2", "Maida"),
        ("Event", "1943-12-01"),  # Google's "Other" label is no name
        ("Custom field", "left-handed"),
        ("Initials", "D.J.V."),  # not the initials of the name: kept
    )


def test_google_legacy_fixture_keeps_name_parts_only_in_custom_fields():
    margaret, jose, mom = custom_of(DATA / "google_legacy.csv")
    assert margaret == ()
    assert jose == (("Name prefix", "Dr."), ("Middle name", "María"), ("Name suffix", "Jr."))
    assert mom == ()


# --- Google, current layout ----------------------------------------------------


def test_google_current_keeps_custom_fields_under_their_own_labels():
    mary, christine = custom_of(DATA / "google_current_extras.csv")
    assert mary == (
        ("Middle name", "Winston"),
        ("Department", "Compressibility Research"),
        ("Website (Portfolio)", "https://mary.example/work"),
        ("Manager", "Kazimierz Czarnecki"),
        ("Anniversary", "1944-11-18"),
        ("Favourite drink", "tea"),
        ("Favourite drink 2", "coffee"),
        ("Phonetic First Name", "MEH-ree"),
    )
    # The same value twice under one name is kept once; a File As that is not the
    # name is the user's own.
    assert christine == (
        ("Name suffix", "PhD"),
        ("Favourite drink", "tea"),
        ("File As", "The Dardens"),
    )


def test_google_current_fixture_keeps_prefix_middle_department_and_photo():
    grace, linus, acme, zhang = custom_of(DATA / "google_current.csv")
    assert grace == (
        ("Name prefix", "Dr."),
        ("Middle name", "Brewster"),
        ("Department", "Naval Data Automation"),
        ("Photo", "https://lh3.googleusercontent.com/contacts/AAAA"),
    )
    assert linus == ()  # File As "Torvalds, Linus" only restates the name
    assert acme == zhang == ()


# --- Outlook -------------------------------------------------------------------


def test_outlook_cp1252_row_keeps_named_fields_and_drops_default_noise():
    raw = (DATA / "outlook_extras.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture is cp1252, as Outlook writes it
    helene, _ = custom_of(DATA / "outlook_extras.csv")
    assert helene == (
        ("Name prefix", "Dr."),
        ("Middle name", "Marie"),
        ("Name suffix", "PhD"),
        ("Department", "Recherche & Développement"),
        ("Anniversary", "2010-06-12"),
        ("Assistant", "Zoé Martin"),
        ("Children", "Léa"),
        ("Hobby", "Échecs"),
        ("Manager", "Renée Blanc"),
        ("Office location", "Bâtiment B"),
        ("Profession", "Chimiste"),
        ("Spouse", "Jérôme"),
        ("User 1", "café au lait"),  # Outlook's own custom fields
    )
    values = {value for _, value in helene}
    assert not values & {"Normal", "False", "Unspecified", "SMTP", "H.M.D.", "0/0/00"}


def test_outlook_keeps_values_that_differ_from_the_defaults():
    _, bjorn = custom_of(DATA / "outlook_extras.csv")
    assert bjorn == (
        ("Job title", "Freelance translator"),  # no company to hang it on
        ("E-mail Display Name", "Bjørn the Translator (bjorn@as.example)"),
        ("Gender", "Male"),
        ("Mileage", "1200 km"),
        ("Priority", "High"),
        ("Private", "True"),
    )  # Anniversary 1/1/4501 is Outlook's "None", initials "BÅ" restate the name


def test_outlook_fixtures_hold_only_name_parts_beyond_the_mapped_fields():
    assert custom_of(DATA / "outlook_desktop.csv") == [
        (),
        (),
        (("Name prefix", "Ms."), ("Middle name", "Anne")),
        (),
    ]
    assert custom_of(DATA / "outlook_com.csv") == [(), ()]


# --- LinkedIn ------------------------------------------------------------------


def test_linkedin_keeps_extra_columns_and_a_title_without_company():
    tomas, ines = custom_of(DATA / "linkedin_extra_columns.csv")
    assert tomas == (("Location", "Lisbon"), ("Tags", "design, portugal"))
    assert ines == (("Job title", "Open to work"),)


@pytest.mark.parametrize("name", ["linkedin_connections.csv", "linkedin_old_export.csv"])
def test_linkedin_standard_exports_have_no_custom_fields(name):
    assert set(custom_of(DATA / name)) == {()}


# --- limits and names ----------------------------------------------------------


def test_custom_fields_trim_cut_and_number_repeated_names():
    fields = CustomFields()
    fields.add("  Hobby ", "  chess \r\n go ")
    fields.add("hobby", "chess \n go")  # same name (any case), same value: kept once
    fields.add("Hobby", "x" * 5000)
    fields.add("Hobby", "   ")
    fields.add(None, "orphan")
    fields.add("N" * 300, "long name")
    fields.add("N" * 300, "long name, again")
    result = fields.fields()
    assert result[0] == ("Hobby", "chess \n go")
    assert result[1][0] == "Hobby 2"
    assert len(result[1][1]) == VALUE_MAX and result[1][1].endswith("…")
    assert result[2] == ("Custom field", "orphan")
    assert len(result[3][0]) == NAME_MAX and result[3][0].endswith("…")
    assert len(result[4][0]) == NAME_MAX and result[4][0].endswith("… 2")
    assert len(result) == 5


def test_parsers_cut_long_values_and_name_headerless_columns(tmp_path):
    path = tmp_path / "google.csv"
    long_value = "word " * 1000
    path.write_text(
        f"First Name,Last Name,Labels,,Notes 2\nAda,Lovelace,,engines,{long_value}\n",
        encoding="utf-8",
    )
    (ada,) = contacts(list(parse_google(path)))
    assert ada.custom[0] == ("Column 4", "engines")
    name, value = ada.custom[1]
    assert name == "Notes 2"
    assert len(value) == VALUE_MAX and value.endswith("word…")


# --- nothing the user filled is lost ---------------------------------------------

_SYSTEM_GROUPS = {"mycontacts", "my contacts", "starred"}
_DEFAULTS = {
    ("priority", "normal"),
    ("sensitivity", "normal"),
    ("gender", "unspecified"),
    ("private", "false"),
}
_DATE_COLUMNS = {"birthday", "anniversary", "connected on"}
_GROUP_LABEL = re.compile(r"(.+ \d+ - )(label|type)")
_IN_PARENS = re.compile(r"\(([^()]*@[^()]*)\)")


def _norm(text: str) -> str:
    return " ".join(unquote(text).split()).casefold()


def _haystack(contact: ImportedContact) -> str:
    parts = [contact.first_name, contact.last_name, contact.full_name, contact.nickname]
    parts.append(" ".join(n for n in (contact.first_name, contact.last_name) if n))
    parts += [contact.note, *contact.profile_urls, *contact.tags]
    parts += [x for v in (*contact.emails, *contact.phones) for x in (v.value, v.label)]
    parts += [x for p in contact.positions for x in (p.organization, p.title)]
    parts += [x for a in contact.addresses for x in astuple(a)]
    parts += [x for pair in contact.custom for x in pair]
    if contact.met_on:
        parts.append(contact.met_on.isoformat())
    if (b := contact.birthday) is not None:
        parts.append(f"{b.year:04d}-{b.month:02d}-{b.day:02d}" if b.year else "")
        parts.append(f"--{b.month:02d}-{b.day:02d}")
    return "\n".join(_norm(p) for p in parts if p)


def _pieces(key: str, value: str) -> list[str]:
    parts = re.split(r"[;,]", value) if key == "categories" else value.split(":::")
    return [part.strip() for part in parts if part.strip()]


def _iso(text: str) -> str | None:
    found = parse_birthday(text)
    if found is None:
        return None
    day = f"{found.month:02d}-{found.day:02d}"
    return f"{found.year:04d}-{day}" if found.year else f"--{day}"


def _is_noise(key: str, piece: str, row: dict[str, str], contact: ImportedContact) -> bool:
    """The exporter's defaults, written out here independently of the parsers."""
    text = piece.casefold()

    def name(*headers: str) -> str:
        return next((row[h].strip() for h in headers if row.get(h, "").strip()), "")

    first = name("first name", "given name")
    middle = name("middle name", "additional name")
    last = name("last name", "family name")
    if (key, text) in _DEFAULTS or re.fullmatch(r"0+/0+/0+", text) or text.endswith("/4501"):
        return True
    if key in {"labels", "group membership"}:
        return piece.startswith("*") and piece.lstrip("* ").casefold() in _SYSTEM_GROUPS
    if key == "initials":
        letters = re.sub(r"[.\s]", "", text)
        words = [first, middle, last]
        return letters in {
            "".join(w[0] for w in (first, last) if w).casefold(),
            "".join(w[0] for w in words if w).casefold(),
        }
    if key == "file as":
        return text in {f"{last}, {first}".casefold(), f"{first} {last}".casefold()}
    if re.fullmatch(r"e-?mail( \d)? type", key):
        return text in {"smtp", "ex"}
    if re.fullmatch(r"e-?mail( \d)? address", key) and text.startswith("/o="):
        return True  # an Exchange path: the address comes from the display name
    if key.endswith("display name"):
        emails = {e.value for e in contact.emails}
        rest = _IN_PARENS.sub("", piece).strip()
        in_parens = [a.lower() for a in _IN_PARENS.findall(piece)]
        restates = rest in {"", f"{first} {last}".strip()}
        return restates and all(a in emails for a in in_parens)
    if match := _GROUP_LABEL.fullmatch(key):
        if not row.get(f"{match[1]}value", "").strip():
            return True  # a label with no value to label
        if match[1].startswith("website"):
            return text == "profile"
        if match[1].startswith("organization"):
            return text in {"work", "other"}
        return text == "other"  # Google's catch-all label for relations, events…
    return False


def _appears(key: str, piece: str, haystack: str) -> bool:
    if key in _DATE_COLUMNS:
        iso = _iso(piece)
        return iso is None or iso in haystack
    if key.endswith("formatted"):  # Google's rendering of the address parts
        return all(_norm(token) in haystack for token in re.split(r"[\s,]+", piece) if token)
    return _norm(piece.lstrip("* ")) in haystack


def _rows(path: Path) -> tuple[list[str], dict[int, list[str]]]:
    header: list[str] | None = None
    rows: dict[int, list[str]] = {}
    with open_csv_text(path) as text:
        for line, cells in read_rows(text):
            if isinstance(cells, csv.Error) or is_blank(cells):
                continue
            if header is None:
                names = {cell.replace("\ufeff", "") for cell in cells}
                if names & {"First Name", "Given Name", "Name"}:  # past LinkedIn's preamble
                    header = cells
                continue
            rows[line] = cells
    assert header is not None
    return header, rows


@pytest.mark.parametrize("path", sorted(DATA.glob("*.csv")), ids=lambda p: p.name)
def test_every_non_default_cell_appears_in_its_record(path):
    fmt = detect_csv_format(path.read_bytes()[:HEAD_BYTES])
    assert fmt is not None
    header, rows = _rows(path)
    keys = [" ".join(h.replace("\ufeff", "").split()).casefold() for h in header]
    checked = 0
    for contact in contacts(list(PARSERS[fmt](path))):
        assert contact.location.line is not None
        cells = rows[contact.location.line]
        row = dict(zip(keys, cells, strict=False))
        haystack = _haystack(contact)
        for key, value in zip(keys, cells, strict=False):
            for piece in _pieces(key, value):
                if _is_noise(key, piece, row, contact):
                    continue
                checked += 1
                assert _appears(key, piece, haystack), (
                    f"{path.name} line {contact.location.line}: {key!r} = {piece!r} is lost"
                )
    assert checked >= 10
