"""Custom fields from CSV cells: no column a user filled is dropped.

Each parser reads its rows through ``Cells``, which remembers the columns read. Every
non-empty cell left unread becomes a (name, value) pair in ``ImportedContact.custom``,
named by a human label ("Middle name", "Department", "Office location") or else by
the column header as written. Parsers add the values they read but cannot place
(a middle name, a department, a Google custom field) themselves.

Values that only repeat an exporter's defaults carry nothing and are skipped:
Outlook's Priority and Sensitivity "Normal", Gender "Unspecified", Private "False",
E-mail Type "SMTP"/"EX", "0/0/00" dates, and Initials, File As or an e-mail display
name that merely restate the contact's name and addresses.

A name met twice keeps both values: the second as "Department 2", the third as
"Department 3" (each stays a field of its own, editable and under the value limit);
the same value twice under one name is kept once. Values are trimmed, their line
endings made "\\n", and cut to 2,000 characters ending in "…"; names to 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from goodwill.importers.csv_common import (
    column_key,
    join_name,
    parse_birthday,
    squash,
)

VALUE_MAX = 2000
NAME_MAX = 100
_CUT = "…"

# Column keys (see ``column_key``) whose custom field has a better name than the header.
_LABELS = {
    "middlename": "Middle name",
    "additionalname": "Middle name",
    "nameprefix": "Name prefix",
    "namesuffix": "Name suffix",
    "department": "Department",
    "officelocation": "Office location",
    "jobdescription": "Job description",
    "manager'sname": "Manager",
    "assistant'sname": "Assistant",
    "referredby": "Referred by",
}
_DEFAULTS = {
    "priority": frozenset({"normal"}),
    "sensitivity": frozenset({"normal"}),
    "gender": frozenset({"unspecified"}),
    "private": frozenset({"false"}),
}
_DATE_KEYS = frozenset({"anniversary", "birthday"})
_NO_DATE = re.compile(r"0{1,2}[/.-]0{1,2}[/.-]0{2,4}")
_ADDRESS_IN_PARENS = re.compile(r"\(([^()\s]+@[^()\s]+)\)")
_INITIALS_NOISE = re.compile(r"[\s.\-]+")


class Cells:
    """One row's cells, remembering which columns the parser read."""

    __slots__ = ("read", "values")

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.read: set[int] = set()

    def __getitem__(self, index: int) -> str:
        self.read.add(index)
        return self.values[index]

    def peek(self, index: int) -> str:
        """A cell's value without counting it as read."""
        return self.values[index]

    def unread(self) -> Iterator[tuple[int, str]]:
        """(column, value) for every non-blank cell nobody read."""
        read = self.read
        for index, value in enumerate(self.values):
            if value and index not in read and not value.isspace():
                yield index, value


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(_CUT)].rstrip() + _CUT


class CustomFields:
    """The custom fields of one record, in the order met, names made unique."""

    __slots__ = ("_items", "_taken", "_values")

    def __init__(self) -> None:
        self._items: list[tuple[str, str]] = []
        self._taken: set[str] = set()  # casefolded names in use
        self._values: dict[str, set[str]] = {}  # casefolded base name -> values kept

    def add(self, name: str | None, value: str | None) -> None:
        text = value.strip() if value else None
        if not text:
            return
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _cut(text, VALUE_MAX)
        base = _cut(" ".join(name.split()) if name else "", NAME_MAX) or "Custom field"
        folded = base.casefold()
        seen = self._values.setdefault(folded, set())
        if text in seen:
            return
        seen.add(text)
        final, number = base, 1
        while folded in self._taken:
            number += 1
            suffix = f" {number}"
            final = _cut(base, NAME_MAX - len(suffix)) + suffix
            folded = final.casefold()
        self._taken.add(folded)
        self._items.append((final, text))

    def fields(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._items)


# What decides whether a column's value is a default (see ``is_default``).
_DEFAULTS_RULE, _DATE, _INITIALS, _FILE_AS, _EMAIL_TYPE, _DISPLAY_NAME = range(6)
_EMAIL_TYPE_KEY = re.compile(r"e?mail\d?type")
_EMAIL_DISPLAY_NAME_KEY = re.compile(r"e?mail\d?displayname")


def _rule(key: str) -> int | None:
    if key in _DEFAULTS:
        return _DEFAULTS_RULE
    if key in _DATE_KEYS:
        return _DATE
    if key == "initials":
        return _INITIALS
    if key == "fileas":
        return _FILE_AS
    if _EMAIL_TYPE_KEY.fullmatch(key):
        return _EMAIL_TYPE
    if _EMAIL_DISPLAY_NAME_KEY.fullmatch(key):
        return _DISPLAY_NAME
    return None


@dataclass(frozen=True)
class Column:
    """What an unread cell of a column becomes: its custom-field name, its default rule."""

    name: str
    key: str
    rule: int | None = None


def spare_columns(header: list[str]) -> list[Column]:
    """Per column of a header: the custom-field name and rule its unread cells get."""
    columns = []
    for position, cell in enumerate(header):
        key = column_key(cell)
        written = squash(cell.replace("\ufeff", "")) or f"Column {position + 1}"
        columns.append(Column(_cut(_LABELS.get(key, written), NAME_MAX), key, _rule(key)))
    return columns


def _initials(words: str) -> set[str]:
    return {
        "".join(word[0] for word in text.split()).casefold()
        for text in (words, words.replace("-", " "))
    }


class Who:
    """The contact a row describes, as far as default values restate it (worked out
    only when a cell needs it: most rows have no Initials, File As or display name)."""

    __slots__ = ("_emails", "_initials", "_names", "_others", "_parts", "_raw_emails")

    def __init__(
        self,
        first: str | None,
        middle: str | None,
        last: str | None,
        *,
        full: str | None = None,
        organization: str | None = None,
        emails: Iterable[str] = (),
    ) -> None:
        self._parts = (first, middle, last)
        self._others = (full, organization)
        self._raw_emails = emails
        self._names: frozenset[str] | None = None
        self._initials: frozenset[str] | None = None
        self._emails: frozenset[str] | None = None

    def names(self) -> frozenset[str]:
        """Casefolded spellings of the name (and the organization)."""
        if self._names is None:
            first, middle, last = self._parts
            spellings = [
                join_name(first, last),
                join_name(first, middle, last),
                join_name(last, first),
                join_name(last, first, middle),
                f"{last}, {join_name(first, middle)}" if last and first else None,
                f"{last}, {first}" if last and first else None,
                *self._others,
            ]
            self._names = frozenset(s.casefold() for s in spellings if s)
        return self._names

    def initials(self) -> frozenset[str]:
        if self._initials is None:
            first, middle, last = self._parts
            found = _initials(join_name(first, last) or "")
            found |= _initials(join_name(first, middle, last) or "")
            self._initials = frozenset(found - {""})
        return self._initials

    def emails(self) -> frozenset[str]:
        if self._emails is None:
            self._emails = frozenset(e.lower() for e in self._raw_emails)
        return self._emails


def is_default(column: Column, value: str, contact: Who) -> bool:
    """Whether a cell only holds the exporter's default or restates the contact."""
    rule = column.rule
    if rule is None:
        return _NO_DATE.fullmatch(value.strip()) is not None
    text = " ".join(value.split()).casefold()
    if rule == _DEFAULTS_RULE:
        return text in _DEFAULTS[column.key]
    if rule == _DATE:
        try:
            return parse_birthday(text) is None  # "0/0/00" and Outlook's other "no date"
        except ValueError:
            return False
    if rule == _INITIALS:
        return _INITIALS_NOISE.sub("", text) in contact.initials()
    if rule == _FILE_AS:
        return text in contact.names()
    if rule == _EMAIL_TYPE:
        return text in {"smtp", "ex"}
    if rule == _DISPLAY_NAME:  # "Name (address)": default when both restate the contact
        addresses = _ADDRESS_IN_PARENS.findall(text)
        rest = squash(_ADDRESS_IN_PARENS.sub(" ", text))
        return all(a in contact.emails() for a in addresses) and (
            rest is None or rest in contact.names() or rest in contact.emails()
        )
    return False


def _shown(column: Column, value: str) -> str:
    """A date column's value as an ISO date (--MM-DD without a year), others as written."""
    if column.rule == _DATE:
        try:
            found = parse_birthday(value)
        except ValueError:
            return value
        if found is not None:
            day = f"{found.month:02d}-{found.day:02d}"
            return f"{found.year:04d}-{day}" if found.year is not None else f"--{day}"
    return value


def add_unread(custom: CustomFields, columns: list[Column], cells: Cells, contact: Who) -> None:
    """Every non-blank, non-default cell the parser did not read, as a custom field."""
    for index, value in cells.unread():
        if index >= len(columns):
            continue  # a cell the parser appended itself
        column = columns[index]
        if not is_default(column, value, contact):
            custom.add(column.name, _shown(column, value.strip()))
