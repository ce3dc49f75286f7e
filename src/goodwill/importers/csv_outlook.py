"""Outlook contacts CSV (Outlook desktop 2003-365 and Outlook.com).

Column names drift between versions (``E-mail Address`` / ``Email Address``,
``Business Phone`` / ``Business Phone 1``, ``Business Country`` /
``Business Country/Region``), so columns are matched case-, space- and
hyphen-insensitively, with a lone "1" ignored. Files are often cp1252; a birthday
without a year has year 1604, and ``0/0/00`` means none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from goodwill.errors import ImportFailed
from goodwill.importers.csv_common import (
    clean,
    column_key,
    email,
    finish_contact,
    first_header,
    head_rows,
    header_row,
    join_name,
    numbered_records,
    open_csv_text,
    parse_birthday,
    profile_url,
    read_rows,
    squash,
    text_block,
)
from goodwill.importers.csv_custom import (
    Cells,
    Column,
    CustomFields,
    Who,
    add_unread,
    spare_columns,
)
from goodwill.importers.records import (
    Address,
    ImportedPosition,
    LabeledValue,
    Location,
    ParseResult,
    RecordError,
)

_EMAILS = (("emailaddress", "email"), ("email2address",), ("email3address",))
_PHONES = (  # (column key, label): the contact's numbers first, the shared ones after
    ("mobilephone", "mobile"),
    ("businessphone", "work"),
    ("businessphone2", "work"),
    ("homephone", "home"),
    ("homephone2", "home"),
    ("otherphone", "other"),
    ("primaryphone", "main"),
    ("carphone", "car"),
    ("pager", "pager"),
    ("radiophone", "radio"),
    ("isdn", "isdn"),
    ("callback", "callback"),
    ("tty/tddphone", "tty"),
    ("telex", "telex"),
    ("businessfax", "work fax"),
    ("homefax", "home fax"),
    ("otherfax", "other fax"),
    ("companymainphone", "company"),
    ("assistant'sphone", "assistant"),
)
_WEB_PAGES = ("webpage", "personalwebpage", "businesswebpage")
_ADDRESS_KINDS = (("business", "work"), ("home", "home"), ("other", "other"))
_OUTLOOK_ONLY = frozenset(
    {"businessphone", "homephone", "mobilephone", "jobtitle", "categories", "businessstreet"}
)
_EXCHANGE_PATH = re.compile(r"/o=", re.IGNORECASE)  # an Exchange X.500 path, not an address
_ADDRESS_IN_DISPLAY_NAME = re.compile(r"\(([^()\s]+@[^()\s]+)\)")
_LONE_ONE = re.compile(r"(?<=[a-z])1(?=[a-z]|$)")


def _keys(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = column_key(cell)
        index.setdefault(key, position)
        index.setdefault(_LONE_ONE.sub("", key), position)  # "Business Phone 1"
        if key.endswith("/region"):
            index.setdefault(key.removesuffix("/region"), position)
    return index


def _is_header(cells: list[str]) -> bool:
    keys = _keys(cells)
    return (
        {"firstname", "lastname", "emailaddress"} <= keys.keys()
        and bool(_OUTLOOK_ONLY & keys.keys())
        and "connectedon" not in keys  # LinkedIn shares the name and email columns
    )


def sniff_outlook(head: bytes) -> bool:
    """Whether the first bytes of a file look like an Outlook contacts CSV."""
    header = first_header(head_rows(head, max_lines=5))
    return header is not None and _is_header(header)


class _Row:
    def __init__(self, index: dict[str, int], cells: Cells) -> None:
        self.index = index
        self.cells = cells

    def get(self, *keys: str) -> str | None:
        for key in keys:
            if key in self.index:
                return self.cells[self.index[key]]
        return None

    def peek(self, key: str) -> str | None:
        """A value read without using it up: unless it restates the contact, it is kept."""
        return self.cells.peek(self.index[key]) if key in self.index else None


def _emails(row: _Row) -> Iterator[LabeledValue]:
    for keys in _EMAILS:
        value = clean(row.get(*keys))
        if value and _EXCHANGE_PATH.match(value):
            stem = keys[0].removesuffix("address")
            found = _ADDRESS_IN_DISPLAY_NAME.search(row.peek(stem + "displayname") or "")
            value = found[1] if found else None
        if value and (address := email(value)):
            yield LabeledValue(address)


def _addresses(row: _Row) -> Iterator[Address]:
    for kind, label in _ADDRESS_KINDS:
        lines = [
            clean(row.get(kind + suffix))
            for suffix in ("street", "street2", "street3", "addresspobox")
        ]
        address = Address(
            label=label,
            street="\n".join(line for line in lines if line) or None,
            city=clean(row.get(kind + "city")),
            region=clean(row.get(kind + "state")),
            postal_code=clean(row.get(kind + "postalcode")),
            country=clean(row.get(kind + "country")),
        )
        if address != Address(label=label):
            yield address


def _tags(raw: str | None) -> tuple[str, ...]:
    tags: dict[str, None] = {}
    for part in re.split(r"[;,]", raw or ""):
        if tag := squash(part):
            tags.setdefault(tag, None)
    return tuple(tags)


def _contact(
    index: dict[str, int], spare: list[Column], location: Location, row_cells: list[str]
) -> ParseResult:
    cells = Cells(row_cells)
    row = _Row(index, cells)
    custom = CustomFields()
    # Outlook's "Title" column is the name prefix (Mr., Dr.), not the job title.
    prefix = squash(row.get("title"))
    first = squash(row.get("firstname"))
    middle = squash(row.get("middlename"))
    last = squash(row.get("lastname"))
    suffix = squash(row.get("suffix"))
    custom.add("Name prefix", prefix)
    custom.add("Middle name", middle)
    custom.add("Name suffix", suffix)
    raw_birthday = clean(row.get("birthday"))
    try:
        birthday = parse_birthday(raw_birthday) if raw_birthday else None
    except ValueError:
        return RecordError(location, "Birthday", f"unreadable date {raw_birthday!r}")
    company = squash(row.get("company"))
    title = squash(row.get("jobtitle"))
    if title and not company:
        custom.add("Job title", title)  # no organization to hang it on
    urls = [url for key in _WEB_PAGES if (url := profile_url(row.get(key) or ""))]
    emails = list(_emails(row))
    phones = [
        LabeledValue(value, label) for key, label in _PHONES if (value := clean(row.get(key)))
    ]
    nickname = squash(row.get("nickname"))
    tags = _tags(row.get("categories"))
    note = text_block(row.get("notes", "note"))
    addresses = list(_addresses(row))
    full = join_name(prefix, first, middle, last, suffix)
    contact = Who(
        first, middle, last, full=full, organization=company, emails=(e.value for e in emails)
    )
    add_unread(custom, spare, cells, contact)
    return finish_contact(
        location,
        first_name=first,
        last_name=last,
        full_name=full,
        nickname=nickname,
        emails=emails,
        phones=phones,
        profile_urls=list(dict.fromkeys(urls)),
        positions=[ImportedPosition(company, title)] if company else [],
        birthday=birthday,
        tags=tags,
        note=note,
        addresses=addresses,
        custom=custom.fields(),
    )


def parse_outlook(path: Path) -> Iterator[ParseResult]:
    """Stream an Outlook contacts CSV: contacts or RecordErrors."""
    with open_csv_text(path) as text:
        rows = read_rows(text)
        header = header_row(rows)
        if header is None or not _is_header(header):
            raise ImportFailed(
                f"{path.name}: not an Outlook contacts CSV (its header lacks 'First Name', "
                "'Last Name', 'E-mail Address' or the Outlook phone and company columns)"
            )
        index, spare = _keys(header), spare_columns(header)
        for item in numbered_records(path, rows, len(header)):
            yield item if isinstance(item, RecordError) else _contact(index, spare, *item)
