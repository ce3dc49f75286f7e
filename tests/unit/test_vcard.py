"""vCard reading: 2.1, 3.0 and 4.0 fixtures from phones, Apple, Google; broken files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from goodwill.errors import ImportFailed
from goodwill.importers import vcard
from goodwill.importers.records import (
    Address,
    Birthday,
    ImportedContact,
    ImportedPosition,
    LabeledValue,
    Location,
    ParseResult,
    RecordError,
)
from goodwill.importers.vcard import parse_vcard, sniff_vcard
from goodwill.importers.vcard_values import label_from_types, parse_bday

DATA = Path(__file__).resolve().parents[1] / "data" / "vcard"
PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGA"
    "WjR9awAAAABJRU5ErkJggg=="
)


def contacts(path: Path) -> list[ImportedContact]:
    results = list(parse_vcard(path))
    assert all(isinstance(r, ImportedContact) for r in results), results
    return [r for r in results if isinstance(r, ImportedContact)]


def write(tmp_path: Path, data: bytes, name: str = "cards.vcf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- vCard 2.1


def test_parse_vcard_decodes_21_quoted_printable_latin1_names() -> None:
    juergen = contacts(DATA / "v21_quoted_printable.vcf")[0]
    assert (juergen.first_name, juergen.last_name, juergen.full_name) == (
        "Jürgen",
        "Müller",
        "Jürgen Müller",
    )
    assert juergen.positions == (ImportedPosition("Bäckerei Schön", "Meister"),)
    assert juergen.addresses == (
        Address("home", "Straße 1", "München", None, "80331", "Deutschland"),
    )


def test_parse_vcard_joins_21_soft_line_breaks_and_folded_lines() -> None:
    juergen = contacts(DATA / "v21_quoted_printable.vcf")[0]
    assert juergen.note == "Erste Zeile\nZweite Zeile mit überlangem Text, der umbrochen wird"
    assert juergen.profile_urls == ("http://www.baeckerei-schoen.example/team/juergen",)


def test_parse_vcard_reads_21_bare_type_parameters_as_labels() -> None:
    juergen = contacts(DATA / "v21_quoted_printable.vcf")[0]
    assert juergen.phones == (
        LabeledValue("+49 30 1234567", "work"),
        LabeledValue("+49 170 7654321", "cell"),
    )
    assert juergen.emails == (LabeledValue("juergen.mueller@example.de", None),)  # PREF, INTERNET
    assert juergen.birthday == Birthday(1, 1, 1970)


def test_parse_vcard_keeps_21_indented_base64_photo_as_one_line() -> None:
    juergen = contacts(DATA / "v21_quoted_printable.vcf")[0]
    assert juergen.photo == f"PHOTO;ENCODING=BASE64;TYPE=PNG:{PNG}"
    assert juergen.extra == ("X-IRMC-LUID:000200000123",)  # the line after the blank one


def test_parse_vcard_decodes_raw_8bit_card_by_its_charset() -> None:
    zoe = contacts(DATA / "v21_quoted_printable.vcf")[1]
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "O’Brien")  # raw Windows-1252 bytes
    assert zoe.full_name == "Zoë O’Brien"  # quoted-printable UTF-8 on the same card
    assert zoe.note == "Owes me 20 €"


# --------------------------------------------------------------------------- Apple 3.0


def test_parse_vcard_reads_apple_item_group_labels() -> None:
    jane = contacts(DATA / "apple_export.vcf")[0]
    assert jane.emails == (
        LabeledValue("jane@example.com", "Investor relations"),
        LabeledValue("jane.home@example.net", "home"),
    )
    assert jane.phones == (
        LabeledValue("(408) 555-0101", "cell"),
        LabeledValue("(408) 555-0102", "iphone,cell"),
        LabeledValue("(408) 555-0103", "Other"),  # _$!<Other>!$_ unwrapped
    )
    assert jane.addresses[0].label == "work"


def test_parse_vcard_keeps_unmapped_apple_groups_verbatim_in_extra() -> None:
    jane = contacts(DATA / "apple_export.vcf")[0]
    assert jane.extra == (
        "item3.X-ABADR:us",
        "item5.X-ABDATE;X-APPLE-OMIT-YEAR=1604;type=pref:1604-06-01",
        "item5.X-ABLabel:_$!<Anniversary>!$_",
        "item6.X-ABRELATEDNAMES;type=pref:John Appleseed",
        "item6.X-ABLabel:_$!<Spouse>!$_",
        "X-SOCIALPROFILE;type=twitter;x-user=janeapple:https://twitter.com/janeapple",
    )


def test_parse_vcard_reads_apple_fields() -> None:
    jane = contacts(DATA / "apple_export.vcf")[0]
    assert jane.birthday == Birthday(12, 24, None)  # X-APPLE-OMIT-YEAR=1604
    assert jane.note == "Loves hiking, coffee; and long walks.\nSecond line."
    assert jane.tags == ("Investors", "VIP")
    assert jane.positions == (ImportedPosition("Apple Park Ventures", "Partner"),)
    assert jane.profile_urls == (
        "https://www.linkedin.com/in/jane-appleseed",
        "https://twitter.com/janeapple",  # from X-SOCIALPROFILE
    )
    assert jane.source_uid == "5A8F2E1C-0B7D-4C4D-9E35-1A2B3C4D5E6F"


def test_parse_vcard_keeps_folded_photo_unfolded_and_verbatim() -> None:
    jane = contacts(DATA / "apple_export.vcf")[0]
    assert jane.photo == f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}"


def test_parse_vcard_names_company_card_after_its_organization() -> None:
    company = contacts(DATA / "apple_export.vcf")[1]
    assert (company.first_name, company.last_name) == (None, None)
    assert company.full_name == "Blue Bottle Coffee"
    assert company.positions == (ImportedPosition("Blue Bottle Coffee"),)
    assert company.extra == ("X-ABShowAs:COMPANY",)


# --------------------------------------------------------------------------- vCard 4.0


def test_parse_vcard_reads_40_card() -> None:
    ada = contacts(DATA / "v40.vcf")[0]
    assert ada.birthday == Birthday(3, 14, None)  # --0314
    assert ada.emails == (
        LabeledValue("ada@analytical.example", "work"),
        LabeledValue("ada@home.example", "home"),
    )
    assert ada.phones == (  # tel: URIs, a quoted TYPE list, PREF=1 ignored
        LabeledValue("+44-20-7946-0958", "cell"),
        LabeledValue("+44-20-7946-0000", "work"),
    )
    assert ada.nickname == "Ada"
    assert ada.source_uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert ada.photo is not None and ada.photo.startswith("PHOTO:data:image/png;base64,")


def test_parse_vcard_keeps_40_and_x_properties_verbatim() -> None:
    ada, babbage = contacts(DATA / "v40.vcf")
    assert ada.extra == (
        "KIND:individual",
        "GENDER:F",
        "ANNIVERSARY:18350708",
        "X-GOODWILL-TIER:inner",
        "X-CUSTOM;X-PARAM=1:some value\\, with a comma",
    )
    assert babbage.birthday is None
    assert babbage.extra == ("BDAY;VALUE=text:circa 1791", "X-GOODWILL-TIER:network")


# --------------------------------------------------------------------------- Google


def test_parse_vcard_reads_google_export() -> None:
    priya, tom = contacts(DATA / "google_export.vcf")
    assert priya.profile_urls == (  # https\:// unescaped
        "https://www.linkedin.com/in/priya-raman-12345",
        "http://startup.example",
    )
    assert priya.phones[1] == LabeledValue("+91 22 5555 0000", "Assistant")
    assert priya.emails[1] == LabeledValue("priya.raman@gmail.example", None)
    assert priya.birthday == Birthday(7, 4, None)  # --07-04
    assert priya.tags == ("myContacts", "Founders")
    assert priya.extra == ("item4.X-ABDATE:2015-05-20", "item4.X-ABLabel:met")
    assert tom.birthday == Birthday(2, 29, 1988)


# --------------------------------------------------------------------------- line ends


def test_parse_vcard_reads_cr_lf_and_crlf_files_alike() -> None:
    def without_file(name: str) -> list[ImportedContact]:
        return [
            dataclasses.replace(c, location=dataclasses.replace(c.location, file="x"))
            for c in contacts(DATA / f"line_endings_{name}.vcf")
        ]

    crlf = without_file("crlf")
    assert crlf == without_file("lf") == without_file("cr")
    assert [c.location.line for c in crlf] == [1, 10]
    assert crlf[0].note is not None and crlf[0].note.endswith("across two physical lines.")
    assert crlf[1].full_name == "中村 由紀"


def test_parse_vcard_reads_crlf_cut_by_the_read_chunk(tmp_path: Path) -> None:
    card = b"BEGIN:VCARD\r\nFN:Chunk Edge\r\nEND:VCARD\r\n"
    padding = b"X" * (vcard.HEAD_BYTES - len(card) - 1) + b"\r\n"  # CR ends a chunk
    path = write(tmp_path, card + padding + card)
    assert [c.location.line for c in contacts(path)] == [1, 5]


def test_parse_vcard_ignores_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfBEGIN:VCARD\nVERSION:3.0\nFN:Bom\nEND:VCARD\n")
    assert [c.full_name for c in contacts(path)] == ["Bom"]


def test_parse_vcard_reads_concatenated_files_with_byte_order_marks(tmp_path: Path) -> None:
    one = b"\xef\xbb\xbfBEGIN:VCARD\r\nFN:One\r\nEND:VCARD\r\n"
    path = write(tmp_path, one + one.replace(b"One", b"Two"))
    assert [c.full_name for c in contacts(path)] == ["One", "Two"]


# --------------------------------------------------------------------------- bad input


def test_parse_vcard_reports_malformed_card_and_goes_on() -> None:
    first, broken, second = parse_vcard(DATA / "malformed.vcf")
    assert isinstance(first, ImportedContact) and first.full_name == "Good First"
    assert isinstance(second, ImportedContact) and second.full_name == "Good Second"
    assert isinstance(broken, RecordError)
    assert broken.location == Location("malformed.vcf", 2, 7)
    assert "line 11" in broken.reason and "THIS LINE HAS NO COLON" in broken.reason


def test_parse_vcard_reports_unclosed_stray_and_nameless_cards() -> None:
    results = list(parse_vcard(DATA / "unclosed.vcf"))
    summary = [
        (
            r.location.record,
            r.location.line,
            r.full_name if isinstance(r, ImportedContact) else r.reason,
        )
        for r in results
    ]
    assert summary == [
        (1, 1, "no END:VCARD before the next card at line 5"),
        (2, 5, "After Unclosed"),
        (3, 11, "END:VCARD without a BEGIN:VCARD before it"),
        (4, 12, "no name: the card has no N, FN or ORG"),
        (5, 17, "no END:VCARD before the end of the file"),
    ]
    nameless = results[3]
    assert isinstance(nameless, RecordError) and nameless.field == "N"


def test_parse_vcard_reports_undecodable_quoted_printable(tmp_path: Path) -> None:
    data = b"BEGIN:VCARD\nFN;ENCODING=QUOTED-PRINTABLE:Ren=E9\nEND:VCARD\n"  # not UTF-8
    path = write(tmp_path, data + b"BEGIN:VCARD\nFN:Next\nEND:VCARD\n")
    error, following = parse_vcard(path)
    assert isinstance(error, RecordError) and "cannot decode FN" in error.reason
    assert isinstance(following, ImportedContact) and following.full_name == "Next"


def test_parse_vcard_reads_line_with_many_parameters_and_no_colon(tmp_path: Path) -> None:
    # vobject's own line regex backtracks exponentially on this line.
    bad = "TEL" + ";TYPE=x,y" * 40
    path = write(tmp_path, f"BEGIN:VCARD\nFN:Slow\n{bad}\nEND:VCARD\n".encode())
    (error,) = parse_vcard(path)
    assert isinstance(error, RecordError) and "not a vCard property" in error.reason


def test_parse_vcard_skips_a_card_larger_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vcard, "CARD_LIMIT", 200)
    big = b"BEGIN:VCARD\nFN:Big\n" + b"NOTE:" + b"x" * 300 + b"\nEND:VCARD\n"
    path = write(tmp_path, big + b"BEGIN:VCARD\nFN:Small\nEND:VCARD\n")
    error, small = parse_vcard(path)
    assert isinstance(error, RecordError) and "larger than" in error.reason
    assert isinstance(small, ImportedContact) and small.location == Location("cards.vcf", 2, 5)


def test_parse_vcard_fails_fast_on_a_file_that_is_not_vcard() -> None:
    with pytest.raises(ImportFailed, match=r"^not_vcard\.vcf: not a vCard file"):
        next(parse_vcard(DATA / "not_vcard.vcf"))


@pytest.mark.parametrize("data", [b"", b"\n\n", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
def test_parse_vcard_fails_on_empty_or_other_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ImportFailed, match="not a vCard file"):
        list(parse_vcard(write(tmp_path, data)))


def test_parse_vcard_fails_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"^gone\.vcf: cannot read the file"):
        list(parse_vcard(tmp_path / "gone.vcf"))


# --------------------------------------------------------------------------- folders


def test_parse_vcard_reads_a_folder_file_by_file_in_name_order() -> None:
    results: list[ParseResult] = list(parse_vcard(DATA / "folder"))
    assert [(r.location.file, r.location.record) for r in results] == [
        ("01-alice.vcf", 1),
        ("02-bob-and-dan.vcf", 1),
        ("02-bob-and-dan.vcf", 2),
        ("03-carol.VCF", 1),  # upper-case suffix; notes.txt is left alone
    ]
    carol = results[-1]
    assert isinstance(carol, ImportedContact)
    assert (carol.first_name, carol.last_name, carol.full_name) == ("Carol", "Carter", None)


def test_parse_vcard_reports_a_non_vcard_file_in_a_folder_and_goes_on(tmp_path: Path) -> None:
    write(tmp_path, b"hello\n", "a.vcf")
    write(tmp_path, b"BEGIN:VCARD\nFN:Bea\nEND:VCARD\n", "b.vcf")
    error, bea = parse_vcard(tmp_path)
    assert isinstance(error, RecordError) and error.location == Location("a.vcf", 1)
    assert isinstance(bea, ImportedContact) and bea.full_name == "Bea"


def test_parse_vcard_fails_on_a_folder_without_vcf_files(tmp_path: Path) -> None:
    write(tmp_path, b"BEGIN:VCARD\nFN:Txt\nEND:VCARD\n", "card.txt")
    with pytest.raises(ImportFailed, match="no .vcf files"):
        list(parse_vcard(tmp_path))


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    "head",
    [
        b"BEGIN:VCARD\r\nVERSION:3.0\r\n",
        b"\xef\xbb\xbf\r\n  \r\nbegin:vcard\rVERSION:2.1\r",
        (DATA / "v21_quoted_printable.vcf").read_bytes(),
    ],
)
def test_sniff_vcard_accepts_files_starting_with_a_card(head: bytes) -> None:
    assert sniff_vcard(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"First Name,Last Name\r\nBEGIN:VCARD\r\n",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
        b"From alice@example.com Mon Jan 1 00:00:00 2024\n",
        (DATA / "not_vcard.vcf").read_bytes(),
    ],
)
def test_sniff_vcard_refuses_other_content(head: bytes) -> None:
    assert not sniff_vcard(head)


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "omit", "expected"),
    [
        ("1980-03-14", None, Birthday(3, 14, 1980)),
        ("19800314", None, Birthday(3, 14, 1980)),
        ("1980-03-14T00:00:00Z", None, Birthday(3, 14, 1980)),
        ("--0314", None, Birthday(3, 14, None)),
        ("--03-14", None, Birthday(3, 14, None)),
        ("1604-03-14", None, Birthday(3, 14, None)),
        ("1604-03-14", "1604", Birthday(3, 14, None)),
        ("2000-03-14", "2000", Birthday(3, 14, None)),
        ("--0229", None, Birthday(2, 29, None)),
        ("1981-02-29", None, None),
        ("1980-13-01", None, None),
        ("circa 1800", None, None),
        ("1980", None, None),
    ],
)
def test_parse_bday_reads_vcard_date_spellings(
    value: str, omit: str | None, expected: Birthday | None
) -> None:
    assert parse_bday(value, omit) == expected


@pytest.mark.parametrize(
    ("types", "label"),
    [
        (["WORK", "VOICE"], "work"),
        (["INTERNET", "pref"], None),
        (["work,voice"], "work"),
        (["CELL", "iPhone", "cell"], "cell,iphone"),
        ([], None),
    ],
)
def test_label_from_types_drops_generic_types(types: list[str], label: str | None) -> None:
    assert label_from_types(types) == label
