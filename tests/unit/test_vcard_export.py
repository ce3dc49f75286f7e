"""vCard writing: 3.0 and 4.0, folding, escaping, labels, birthdays, and the round trip
fixture -> VCardContact -> file -> same fields."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import vobject

from goodwill.errors import ValidationFailed
from goodwill.exporters.vcard import VCardContact, fold, write_vcards
from goodwill.importers.records import Address, ImportedContact
from goodwill.importers.vcard import parse_vcard

DATA = Path(__file__).resolve().parents[1] / "data" / "vcard"
FIXTURES = sorted(
    [*(p for p in DATA.glob("*.vcf") if p.name != "not_vcard.vcf"), DATA / "folder"],
    key=lambda p: p.name,
)


def as_vcard(contact: ImportedContact, uid: str = "uid-1") -> VCardContact:
    """What the export service would build from a saved contact."""
    position = contact.positions[0] if contact.positions else None
    birthday = contact.birthday
    return VCardContact(
        uid=contact.source_uid or uid,
        first_name=contact.first_name,
        last_name=contact.last_name,
        display_name=contact.full_name,
        nickname=contact.nickname,
        emails=tuple((e.value, e.label) for e in contact.emails),
        phones=tuple((p.value, p.label) for p in contact.phones),
        organization=position.organization if position else None,
        title=position.title if position else None,
        note=contact.note,
        birthday=(birthday.month, birthday.day, birthday.year) if birthday else None,
        tags=contact.tags,
        profile_urls=contact.profile_urls,
        addresses=contact.addresses,
        photo=contact.photo,
        extra=contact.extra,
    )


def export(contacts: list[VCardContact], version: str = "3.0") -> str:
    out = io.StringIO(newline="")
    assert write_vcards(contacts, out, version) == len(contacts)
    return out.getvalue()


def read_back(tmp_path: Path, text: str) -> list[ImportedContact]:
    path = tmp_path / "export.vcf"
    path.write_bytes(text.encode("utf-8"))
    results = list(parse_vcard(path))
    assert all(isinstance(r, ImportedContact) for r in results), results
    return [r for r in results if isinstance(r, ImportedContact)]


def fields(contact: ImportedContact) -> dict[str, object]:
    values = dataclasses.asdict(contact)
    del values["location"], values["source_uid"]
    # FN is required on export: a card without one comes back named from N.
    joined = " ".join(p for p in (contact.first_name, contact.last_name) if p)
    values["full_name"] = contact.full_name or joined
    values["positions"] = contact.positions[:1]  # one organization and title per card
    return values


def only(text: str) -> list[str]:
    return text.split("\r\n")[:-1]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_write_vcards_round_trips_every_fixture(
    tmp_path: Path, fixture: Path, version: str
) -> None:
    originals = [r for r in parse_vcard(fixture) if isinstance(r, ImportedContact)]
    assert originals
    text = export([as_vcard(c, f"uid-{i}") for i, c in enumerate(originals)], version)
    again = read_back(tmp_path, text)
    assert [fields(c) for c in again] == [fields(c) for c in originals]
    assert [c.source_uid for c in again] == [
        c.source_uid or f"uid-{i}" for i, c in enumerate(originals)
    ]


def test_write_vcards_round_trip_keeps_photo_labels_and_no_year_birthday(tmp_path: Path) -> None:
    jane = next(c for c in parse_vcard(DATA / "apple_export.vcf") if isinstance(c, ImportedContact))
    (again,) = read_back(tmp_path, export([as_vcard(jane)]))
    assert again.photo == jane.photo and again.photo is not None
    assert again.emails[0].label == "Investor relations"
    assert again.birthday is not None and again.birthday.year is None
    assert again.extra == jane.extra


# --------------------------------------------------------------------------- format


def test_write_vcards_writes_30_by_default_with_crlf() -> None:
    text = export([VCardContact(uid="u1", first_name="Ada", last_name="Lovelace")])
    assert only(text) == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//goodwill//goodwill vCard export//EN",
        "UID:u1",
        "N:Lovelace;Ada;;;",
        "FN:Ada Lovelace",
        "END:VCARD",
    ]
    assert "\n" not in text.replace("\r\n", "")


def test_write_vcards_writes_40_when_asked() -> None:
    lines = only(export([VCardContact(uid="u1", display_name="Ada")], "4.0"))
    assert lines[:2] == ["BEGIN:VCARD", "VERSION:4.0"]


def test_write_vcards_refuses_an_unknown_version() -> None:
    with pytest.raises(ValidationFailed, match="version"):
        write_vcards([], io.StringIO(), "2.1")


def test_fold_keeps_lines_within_75_octets_without_splitting_characters() -> None:
    line = "NOTE:" + "é€😀x" * 60
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    assert len(physical) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert physical[0] + "".join(p[1:] for p in physical[1:]) == line


def test_fold_leaves_a_short_line_alone() -> None:
    assert fold("FN:" + "a" * 72) == "FN:" + "a" * 72 + "\r\n"


def test_write_vcards_escapes_text_values(tmp_path: Path) -> None:
    note = "a, b; c \\ d\nsecond line"
    contact = VCardContact(
        uid="u;1", display_name="Doe, Jane", note=note, tags=("a,b", "c;d"), organization="X; Y"
    )
    text = export([contact])
    assert "NOTE:a\\, b\\; c \\\\ d\\nsecond line\r\n" in text
    assert "CATEGORIES:a\\,b,c\\;d\r\n" in text
    (again,) = read_back(tmp_path, text)
    assert (again.note, again.tags, again.full_name) == (note, ("a,b", "c;d"), "Doe, Jane")
    assert (again.positions[0].organization, again.source_uid) == ("X; Y", "u;1")


@pytest.mark.parametrize(
    ("version", "birthday", "line"),
    [
        ("3.0", (3, 14, 1980), "BDAY:1980-03-14"),
        ("3.0", (3, 14, None), "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14"),
        ("4.0", (3, 14, 1980), "BDAY:19800314"),
        ("4.0", (3, 14, None), "BDAY:--0314"),
    ],
)
def test_write_vcards_writes_birthdays(
    tmp_path: Path, version: str, birthday: tuple[int, int, int | None], line: str
) -> None:
    text = export([VCardContact(uid="u", display_name="B", birthday=birthday)], version)
    assert line in only(text)
    (again,) = read_back(tmp_path, text)
    assert again.birthday is not None
    assert (again.birthday.month, again.birthday.day, again.birthday.year) == birthday


def test_write_vcards_writes_labels_as_types_or_item_groups() -> None:
    contact = VCardContact(
        uid="u",
        display_name="L",
        emails=(("a@x.test", "work"), ("b@x.test", None), ("c@x.test", "Board seat")),
        phones=(("1", "cell,iphone"), ("2", "Mobile"), ("3", "Work")),
        extra=("item1.X-ABDATE:2010-01-01", "item1.X-ABLabel:met"),
    )
    lines = only(export([contact]))
    assert "EMAIL;TYPE=INTERNET,WORK:a@x.test" in lines
    assert "EMAIL;TYPE=INTERNET:b@x.test" in lines
    assert "TEL;TYPE=CELL,IPHONE:1" in lines
    # item1 is taken by a kept line: new groups start at item2.
    assert lines.index("item2.EMAIL;TYPE=INTERNET:c@x.test") + 1 == lines.index(
        "item2.X-ABLabel:Board seat"
    )
    assert "item3.X-ABLabel:_$!<Mobile>!$_" in lines  # Apple's built-in label
    assert "item4.X-ABLabel:_$!<Work>!$_" in lines  # "Work" is a label, "work" a type


def test_write_vcards_writes_addresses(tmp_path: Path) -> None:
    address = Address("home", "1 Main St\nApt 4", "Town", None, "12345", "USA")
    text = export([VCardContact(uid="u", display_name="A", addresses=(address,))])
    assert "ADR;TYPE=HOME:;;1 Main St\\nApt 4;Town;;12345;USA" in only(text)
    (again,) = read_back(tmp_path, text)
    assert again.addresses == (address,)


def test_write_vcards_writes_kept_lines_verbatim_and_folded() -> None:
    photo = "PHOTO;ENCODING=b;TYPE=PNG:" + "A" * 200
    contact = VCardContact(uid="u", display_name="P", photo=photo, extra=("X-FOO;A=b:c\\,d",))
    text = export([contact])
    unfolded = text.replace("\r\n ", "")
    assert photo + "\r\n" in unfolded
    assert "X-FOO;A=b:c\\,d\r\n" in text


@pytest.mark.parametrize(
    "line", ["END:VCARD", "BEGIN:VCARD", "VERSION:2.1", "no property here", ""]
)
def test_write_vcards_drops_kept_lines_that_would_break_the_card(line: str) -> None:
    text = export([VCardContact(uid="u", display_name="P", extra=(line, "X-OK:1"))])
    assert only(text).count("END:VCARD") == 1
    assert only(text)[-2:] == ["X-OK:1", "END:VCARD"]
    assert len(only(text)) == 8


def test_write_vcards_removes_line_breaks_from_kept_lines() -> None:
    text = export([VCardContact(uid="u", display_name="P", extra=("X-A:1\r\nEND:VCARD",))])
    assert "X-A:1END:VCARD" in only(text)


def test_write_vcards_does_not_repeat_a_social_profile_url() -> None:
    social = "X-SOCIALPROFILE;type=twitter:https://twitter.com/jd"
    contact = VCardContact(
        uid="u",
        display_name="S",
        profile_urls=("https://twitter.com/jd", "https://www.linkedin.com/in/jd"),
        extra=(social,),
    )
    lines = only(export([contact]))
    assert [line for line in lines if "twitter" in line] == [social]
    assert "URL:https://www.linkedin.com/in/jd" in lines


@pytest.mark.parametrize(
    ("contact", "fn"),
    [
        (VCardContact(uid="u", first_name="Ada"), "FN:Ada"),
        (VCardContact(uid="u", organization="Acme"), "FN:Acme"),
        (VCardContact(uid="u", emails=(("a@x.test", None),)), "FN:a@x.test"),
        (VCardContact(uid="u", display_name="  "), "FN:(no name)"),
    ],
)
def test_write_vcards_always_writes_a_formatted_name(contact: VCardContact, fn: str) -> None:
    assert fn in only(export([contact]))


@pytest.mark.parametrize(
    ("version", "rev", "line"),
    [
        ("3.0", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "REV:2024-01-02T03:04:05Z"),
        ("4.0", datetime(2024, 1, 2, 3, 4, 5), "REV:20240102T030405Z"),
        (
            "4.0",
            datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "REV:20240102T030405Z",
        ),
    ],
)
def test_write_vcards_writes_rev_in_utc(version: str, rev: datetime, line: str) -> None:
    lines = only(export([VCardContact(uid="u", display_name="R", rev=rev)], version))
    assert lines[-2:] == [line, "END:VCARD"]


def test_write_vcards_output_is_read_by_vobject() -> None:
    contact = VCardContact(
        uid="u1",
        first_name="Zoë",
        last_name="O’Brien",
        emails=(("zoe@example.ie", "home"),),
        organization="Acme, Inc.",
        note="é" * 100,
    )
    card = vobject.readOne(export([contact]))
    assert (card.n.value.given, card.n.value.family) == ("Zoë", "O’Brien")
    assert card.fn.value == "Zoë O’Brien"
    assert card.email.value == "zoe@example.ie"
    assert card.org.value == ["Acme, Inc."]
    assert card.note.value == "é" * 100
