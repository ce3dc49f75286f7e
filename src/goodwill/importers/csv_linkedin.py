"""LinkedIn connections export (``Connections.csv``).

A few "Notes:" preamble lines come before the header
``First Name,Last Name,URL,Email Address,Company,Position,Connected On`` (older
exports lack ``URL``), so the header is found by its columns, not its position.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from goodwill.errors import ImportFailed
from goodwill.importers.csv_common import (
    RowOrError,
    column_key,
    email,
    head_rows,
    numbered_records,
    open_csv_text,
    parse_full_date,
    profile_url,
    read_rows,
    squash,
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
    ImportedContact,
    ImportedPosition,
    LabeledValue,
    Location,
    ParseResult,
    RecordError,
)

HEADER_WITHIN_LINES = 20
_REQUIRED = frozenset({"firstname", "lastname", "connectedon"})


def _is_header(cells: list[str]) -> bool:
    return _REQUIRED <= {column_key(cell) for cell in cells}


def sniff_linkedin(head: bytes) -> bool:
    """Whether the first bytes of a file look like a LinkedIn connections export."""
    return any(_is_header(row) for row in head_rows(head, HEADER_WITHIN_LINES))


@dataclass(frozen=True)
class _Columns:
    """Column positions; a column the export lacks points past the row, at an added ""."""

    first_name: int
    last_name: int
    connected_on: int
    url: int
    email: int
    company: int
    position: int
    spare: list[Column]  # some exports add columns: their cells become custom fields

    @classmethod
    def from_header(cls, header: list[str]) -> _Columns:
        index: dict[str, int] = {}
        for position, cell in enumerate(header):
            index.setdefault(column_key(cell), position)
        missing = len(header)

        def find(*keys: str) -> int:
            return next((index[key] for key in keys if key in index), missing)

        return cls(
            first_name=index["firstname"],
            last_name=index["lastname"],
            connected_on=index["connectedon"],
            url=find("url", "profileurl"),
            email=find("emailaddress", "email"),
            company=find("company"),
            position=find("position", "title"),
            spare=spare_columns(header),
        )


def _find_header(path: Path, rows: Iterator[RowOrError]) -> list[str]:
    for line, cells in rows:
        if line > HEADER_WITHIN_LINES:
            break
        if not isinstance(cells, csv.Error) and _is_header(cells):
            return cells
    raise ImportFailed(
        f"{path.name}: not a LinkedIn connections export (no header with 'First Name', "
        f"'Last Name' and 'Connected On' in its first {HEADER_WITHIN_LINES} lines)"
    )


def _contact(columns: _Columns, location: Location, row: list[str]) -> ParseResult:
    cells = Cells([*row, ""])  # the "" is the value of any column this export lacks
    first_name = squash(cells[columns.first_name])
    last_name = squash(cells[columns.last_name])
    if first_name is None and last_name is None:
        return RecordError(location, "First Name", "no first or last name")
    connected_on = cells[columns.connected_on].strip()
    met_on = None
    if connected_on:
        try:
            met_on = parse_full_date(connected_on)
        except ValueError:
            return RecordError(location, "Connected On", f"unreadable date {connected_on!r}")
    address = email(cells[columns.email])
    url = profile_url(cells[columns.url])
    company = squash(cells[columns.company])
    title = squash(cells[columns.position])
    custom = CustomFields()
    if title and not company:
        custom.add("Job title", title)  # LinkedIn rarely does this: no organization to hang on
    contact = Who(
        first_name, None, last_name, organization=company, emails=[address] if address else []
    )
    add_unread(custom, columns.spare, cells, contact)
    return ImportedContact(
        location=location,
        first_name=first_name,
        last_name=last_name,
        emails=(LabeledValue(address),) if address else (),
        profile_urls=(url,) if url else (),
        positions=(ImportedPosition(company, title),) if company else (),
        met_on=met_on,
        custom=custom.fields(),
    )


def parse_linkedin(path: Path) -> Iterator[ParseResult]:
    """Stream a LinkedIn ``Connections.csv``: one contact per connection, or a RecordError."""
    with open_csv_text(path) as text:
        rows = read_rows(text)
        header = _find_header(path, rows)
        columns = _Columns.from_header(header)
        for item in numbered_records(path, rows, len(header)):
            if isinstance(item, RecordError):
                yield item
            else:
                yield _contact(columns, *item)
