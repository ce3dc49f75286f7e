"""Plumbing the CSV parsers share: encoding, streaming rows, column keys, dates, cleaning.

Every reader opens the file with ``newline=""`` and lets the csv module pull one
physical line at a time, so memory stays flat however long the file is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote

from goodwill.errors import ImportFailed
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

HEAD_BYTES = 64 * 1024  # what sniffers see, and what the encoding is decided from

_CP1252_FALLBACK = "goodwill-cp1252-fallback"


def _decode_stray_bytes_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    # A file that is UTF-8 in its first 64 KiB may still hold a few cp1252 bytes
    # further on (hand-edited exports); read them as cp1252 rather than fail.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    stray = bytes(error.object[error.start : error.end])
    return stray.decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_FALLBACK, _decode_stray_bytes_as_cp1252)


def detect_encoding(head: bytes, *, complete: bool = False) -> str:
    """The encoding of a file from its first bytes: a BOM, else UTF-8 when valid, else cp1252.

    ``complete`` says the head is the whole file, so a trailing partial UTF-8
    sequence is invalid rather than cut off by the 64 KiB window.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # old Google exports and Outlook's "Unicode" CSV
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _errors_for(encoding: str) -> str:
    return _CP1252_FALLBACK if encoding.startswith("utf-8") else "replace"


def decode_head(head: bytes) -> str:
    encoding = detect_encoding(head)
    return head.decode(encoding, errors=_errors_for(encoding))


def open_csv_text(path: Path) -> TextIO:
    """Open a CSV file as text for the csv module, its encoding decided from the first 64 KiB."""
    try:
        with path.open("rb") as raw:
            head = raw.read(HEAD_BYTES)
        encoding = detect_encoding(head, complete=len(head) < HEAD_BYTES)
        return path.open(encoding=encoding, errors=_errors_for(encoding), newline="")
    except OSError as exc:
        raise ImportFailed(f"{path.name}: cannot read the file ({exc.strerror or exc})") from exc


RowOrError = tuple[int, list[str] | csv.Error]


def read_rows(text: TextIO) -> Iterator[RowOrError]:
    """Yield (first line number, cells) per CSV row, or (line, csv.Error) for a broken one."""
    reader = csv.reader(text)
    while True:
        before = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == before:  # nothing consumed: give up rather than spin
                return
            yield before + 1, exc
            continue
        yield before + 1, cells


def head_rows(head: bytes, max_lines: int) -> list[list[str]]:
    """The CSV rows that start within the first ``max_lines`` lines of a file's head."""
    rows: list[list[str]] = []
    for line, cells in read_rows(io.StringIO(decode_head(head), newline="")):
        if line > max_lines:
            break
        if not isinstance(cells, csv.Error):
            rows.append(cells)
    return rows


def first_header(rows: list[list[str]]) -> list[str] | None:
    return next((cells for cells in rows if not is_blank(cells)), None)


def is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def header_row(rows: Iterator[RowOrError]) -> list[str] | None:
    """The first readable, non-blank row of a stream (first_header's, for read_rows)."""
    return next(
        (cells for _, cells in rows if not isinstance(cells, csv.Error) and not is_blank(cells)),
        None,
    )


def column_key(name: str) -> str:
    """A column name compared case-, space- and hyphen-insensitively."""
    return re.sub(r"[\s\-_]+", "", name.replace("\ufeff", "").lower())


def numbered_records(
    path: Path, rows: Iterator[RowOrError], width: int
) -> Iterator[tuple[Location, list[str]] | RecordError]:
    """Number the data rows from 1 and check their width; blank rows are skipped silently."""
    name = path.name
    number = 0
    for line, cells in rows:
        if isinstance(cells, csv.Error):
            number += 1
            yield RecordError(Location(name, number, line), None, f"unreadable CSV: {cells}")
            continue
        if is_blank(cells):
            continue
        number += 1
        location = Location(name, number, line)
        if len(cells) > width and is_blank(cells[width:]):
            cells = cells[:width]  # trailing empty cells a spreadsheet added
        if len(cells) != width:
            reason = f"line {line} has {len(cells)} fields, the header has {width}"
            yield RecordError(location, None, reason)
            continue
        yield location, cells


def clean(value: str | None) -> str | None:
    """A value trimmed of surrounding whitespace; None when nothing is left."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def text_block(value: str | None) -> str | None:
    """A multi-line value (a note) trimmed, its line endings made plain newlines."""
    if value is None:
        return None
    return clean(value.replace("\r\n", "\n").replace("\r", "\n"))


def squash(value: str | None) -> str | None:
    """A one-line value (a name, a company) with runs of spaces and tabs collapsed."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def email(value: str) -> str | None:
    return clean(value.lower())


def profile_url(value: str) -> str | None:
    return clean(unquote(value) if "%" in value else value)


def split_multi(value: str | None, separator: str = ":::") -> list[str]:
    """The non-empty parts of a multi-valued cell, each trimmed."""
    if value is None:
        return []
    return [part for part in (p.strip() for p in value.split(separator)) if part]


def join_name(*parts: str | None) -> str | None:
    return " ".join(part for part in parts if part) or None


def finish_contact(
    location: Location,
    *,
    first_name: str | None,
    last_name: str | None,
    full_name: str | None,
    nickname: str | None,
    emails: list[LabeledValue],
    phones: list[LabeledValue],
    profile_urls: list[str],
    positions: list[ImportedPosition],
    birthday: Birthday | None,
    tags: tuple[str, ...],
    note: str | None,
    addresses: list[Address],
    custom: tuple[tuple[str, str], ...] = (),
) -> ParseResult:
    """An address-book contact, or a RecordError when nothing in it says who it is."""
    if full_name == join_name(first_name, last_name):
        full_name = None  # only kept when it says more than the split name (middle, prefix)
    if not (first_name or last_name or full_name or nickname or emails or phones or positions):
        return RecordError(location, None, "no name, email, phone or organization")
    return ImportedContact(
        location=location,
        first_name=first_name,
        last_name=last_name,
        full_name=full_name,
        nickname=nickname,
        emails=tuple(emails),
        phones=tuple(phones),
        profile_urls=tuple(profile_urls),
        positions=tuple(positions),
        birthday=birthday,
        tags=tags,
        note=note,
        addresses=tuple(addresses),
        custom=custom,
    )


# --- dates -----------------------------------------------------------------

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?.*$")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NO_YEAR = re.compile(r"--(\d{1,2})-?(\d{1,2})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[ ./-]+([A-Za-z]{3,})\.?,?[ ./-]+(\d{2,4})")
_MONTH_NAME_DAY = re.compile(r"([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})")


def _month(name: str) -> int:
    lowered = name.lower()
    number = _MONTHS.get(lowered[:3])
    if number is None or not lowered.isalpha():
        raise ValueError(name)
    return number


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) > 2:
        return year
    # Two-digit years: the most recent century that does not put the date in the future.
    this_year = date.today().year
    return 2000 + year if 2000 + year <= this_year else 1900 + year


@lru_cache(maxsize=4096)  # exports repeat the same few thousand dates; bounded memory
def parse_date_parts(text: str) -> tuple[int | None, int, int]:
    """(year or None, month, day) from the date spellings contact exports use.

    Numeric dates with slashes are read month first (US exports), unless the first
    number cannot be a month; dotted ones day first. Raises ValueError when unreadable.
    """
    text = _TIME_SUFFIX.sub("", text.strip())
    year: int | None
    if m := _NO_YEAR.fullmatch(text):
        year, month, day = None, int(m[1]), int(m[2])
    elif m := _ISO.fullmatch(text) or _COMPACT.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_MONTH_NAME.fullmatch(text):
        year, month, day = _full_year(m[3]), _month(m[2]), int(m[1])
    elif m := _MONTH_NAME_DAY.fullmatch(text):
        year, month, day = int(m[3]), _month(m[1]), int(m[2])
    elif m := _NUMERIC.fullmatch(text):
        first, second, year = int(m[1]), int(m[3]), _full_year(m[4])
        day_first = m[2] == "." or first > 12
        month, day = (second, first) if day_first else (first, second)
    else:
        raise ValueError(text)
    date(year if year is not None else 2000, month, day)  # 2000: let 29 Feb through
    return year, month, day


@lru_cache(maxsize=4096)
def parse_full_date(text: str) -> date:
    year, month, day = parse_date_parts(text)
    if year is None:
        raise ValueError(text)
    return date(year, month, day)


_NO_DATE = re.compile(r"0{1,2}[/.-]0{1,2}[/.-]0{2,4}")
_UNKNOWN_YEAR = 1604  # Outlook's year for a birthday without one
_NO_DATE_YEAR = 4501  # Outlook's "None" date


def parse_birthday(text: str) -> Birthday | None:
    """A birthday, None for Outlook's "no date" placeholders; ValueError when unreadable."""
    text = _TIME_SUFFIX.sub("", text.strip())
    if _NO_DATE.fullmatch(text):
        return None
    year, month, day = parse_date_parts(text)
    if year == _NO_DATE_YEAR:
        return None
    return Birthday(month=month, day=day, year=None if year == _UNKNOWN_YEAR else year)
