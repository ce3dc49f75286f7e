"""Google Contacts CSV, both layouts.

Legacy: ``Name``, ``Given Name``, ``Family Name``, ``E-mail 1 - Type``, ``Organization 1 - Name``,
``Group Membership``… Current: ``First Name``, ``Last Name``, ``E-mail 1 - Label``,
``Organization Name``, ``Labels``… Several values of one kind share a cell, joined by
`` ::: ``. Columns are mapped from the header, so hybrids of the two layouts read too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    split_multi,
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

_GROUP = re.compile(
    r"(e-?mail|phone|address|website|organization|relation|event|im|custom field) (\d+) - (.+)"
)
_NAME_KEYS = frozenset({"name", "givenname", "firstname", "familyname", "lastname"})
_TAG_KEYS = ("groupmembership", "labels")
_SYSTEM_GROUPS = frozenset({"mycontacts", "starred"})  # Google's own, not the user's tags
_ADDRESS_ATTRIBUTES = frozenset(
    {"label", "type", "formatted", "street", "extended address", "po box"}
    | {"city", "region", "postal code", "country"}
)
# Organization details the record has no field for: custom fields, by these names.
_ORGANIZATION_DETAILS = {
    "department": "Department",
    "location": "Office location",
    "job description": "Job description",
    "symbol": "Organization symbol",
    "yomi name": "Organization yomi name",
    "phonetic name": "Organization phonetic name",
}
_NAMED_KINDS = {"relation": "Relation", "event": "Event", "custom field": "Custom field"}
_PLAIN_LABELS = frozenset({"other"})  # Google's catch-all label: no name of its own
_PLAIN_ORGANIZATION_LABELS = frozenset({"work", "other"})  # Google's default organization types
_PLAIN_WEBSITE_LABELS = frozenset({"profile", "home page", "homepage", "other", "website"})

Group = dict[str, int]  # attribute ("value", "type", "label", "name"…) -> column index


def _group_of(name: str) -> tuple[str, int, str] | None:
    spaced = " ".join(name.replace("\ufeff", "").lower().split())
    if match := _GROUP.fullmatch(spaced):
        return match[1].replace("-", ""), int(match[2]), match[3]
    if spaced.startswith("organization "):  # the current layout's unnumbered organization
        return "organization", 0, spaced.removeprefix("organization ")
    return None


def _is_header(cells: list[str]) -> bool:
    keys = {column_key(cell) for cell in cells}
    if not keys & _NAME_KEYS:
        return False
    groups = {found[0] for found in map(_group_of, cells) if found}
    return bool({"email", "phone"} & groups) or any(key in keys for key in _TAG_KEYS)


def sniff_google(head: bytes) -> bool:
    """Whether the first bytes of a file look like a Google Contacts CSV."""
    header = first_header(head_rows(head, max_lines=5))
    return header is not None and _is_header(header)


@dataclass
class _Columns:
    simple: dict[str, int] = field(default_factory=dict)
    groups: dict[str, dict[int, Group]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    spare: list[Column] = field(default_factory=list)  # custom-field names of unread cells

    @classmethod
    def from_header(cls, header: list[str]) -> _Columns:
        columns = cls(spare=spare_columns(header))
        for index, cell in enumerate(header):
            found = _group_of(cell)
            if found:
                kind, number, attribute = found
                columns.groups[kind][number].setdefault(attribute, index)
            else:
                columns.simple.setdefault(column_key(cell), index)
        return columns

    def value(self, cells: Cells, *keys: str) -> str | None:
        index = next((self.simple[key] for key in keys if key in self.simple), None)
        return None if index is None else cells[index]

    def each(self, kind: str) -> Iterator[Group]:
        for number in sorted(self.groups.get(kind, {})):
            yield self.groups[kind][number]


def _label(value: str) -> str | None:
    return clean(value.lstrip("*"))  # "* Home": the star marks the primary value


def _parts(cells: Cells, group: Group, *attributes: str) -> list[str]:
    index = next((group[a] for a in attributes if a in group), None)
    return [] if index is None else split_multi(cells[index])


def _labeled(cells: Cells, group: Group) -> Iterator[tuple[str, str | None]]:
    labels = [_label(label) for label in _parts(cells, group, "label", "type")]
    for position, value in enumerate(_parts(cells, group, "value")):
        # One label for several values applies to them all.
        label = labels[min(position, len(labels) - 1)] if labels else None
        yield value, label


def _positions(columns: _Columns, cells: Cells, custom: CustomFields) -> Iterator[ImportedPosition]:
    for group in columns.each("organization"):
        titles = [squash(t) for t in _parts(cells, group, "title")]
        names = _parts(cells, group, "name")
        for position, name in enumerate(names):
            organization = squash(name)
            if organization:
                title = titles[position] if position < len(titles) else None
                yield ImportedPosition(organization, title)
        for title in titles[len(names) :]:  # a title without an organization to hang on
            custom.add("Job title", title)
        for attribute, name in _ORGANIZATION_DETAILS.items():
            for part in _parts(cells, group, attribute):
                custom.add(name, part)
        for label in _parts(cells, group, "label", "type"):
            if (text := _label(label)) and text.casefold() not in _PLAIN_ORGANIZATION_LABELS:
                custom.add("Organization label", text)


def _nth(parts: dict[str, list[str | None]], attribute: str, position: int) -> str | None:
    values = parts.get(attribute, [])
    return values[position] if position < len(values) else None


def _nth_label(parts: dict[str, list[str | None]], position: int) -> str | None:
    # As with emails, one label for several addresses applies to them all.
    labels = parts.get("label") or parts.get("type") or []
    label = labels[min(position, len(labels) - 1)] if labels else None
    return _label(label) if label else None


def _addresses(columns: _Columns, cells: Cells) -> Iterator[Address]:
    for group in columns.each("address"):
        # Several addresses of one kind share the cells, part by part: " ::: " again.
        # "Formatted" is Google's rendering of the parts, read only when they are empty;
        # an attribute not listed here stays unread and becomes a custom field.
        parts = {
            attribute: [clean(p) for p in cells[index].split(":::")]
            for attribute, index in group.items()
            if attribute in _ADDRESS_ATTRIBUTES
        }
        count = max((len(values) for values in parts.values()), default=0)
        for i in range(count):
            lines = [_nth(parts, a, i) for a in ("street", "extended address", "po box")]
            street = "\n".join(line for line in lines if line)
            address = Address(
                label=_nth_label(parts, i),
                street=street or text_block(_nth(parts, "formatted", i)),
                city=_nth(parts, "city", i),
                region=_nth(parts, "region", i),
                postal_code=_nth(parts, "postal code", i),
                country=_nth(parts, "country", i),
            )
            if address != Address(label=address.label):
                yield address


def _tags(columns: _Columns, cells: Cells) -> tuple[str, ...]:
    tags: dict[str, None] = {}
    for raw in split_multi(columns.value(cells, *_TAG_KEYS)):
        tag = squash(raw.lstrip("*"))
        if tag and not (raw.startswith("*") and column_key(tag) in _SYSTEM_GROUPS):
            tags.setdefault(tag, None)
    return tuple(tags)


def _websites(columns: _Columns, cells: Cells, custom: CustomFields) -> list[str]:
    urls = []
    for group in columns.each("website"):
        for value, label in _labeled(cells, group):
            url = profile_url(value)
            if url:
                urls.append(url)
            if label and label.casefold() not in _PLAIN_WEBSITE_LABELS:
                custom.add(f"Website ({label})", url or value)  # "Blog", "Portfolio"…
    return urls


def _named_values(columns: _Columns, cells: Cells, custom: CustomFields) -> None:
    """Relations, events, custom fields and IMs: each value under its own label."""
    for kind, fallback in _NAMED_KINDS.items():
        for group in columns.each(kind):
            for value, label in _labeled(cells, group):
                plain = not label or label.casefold() in _PLAIN_LABELS
                custom.add(fallback if plain else label, value)
    for group in columns.each("im"):
        services = [_label(s) for s in _parts(cells, group, "service")]
        for position, (value, label) in enumerate(_labeled(cells, group)):
            service = services[min(position, len(services) - 1)] if services else None
            name = service or "IM"
            if label and label.casefold() not in _PLAIN_LABELS:
                name = f"{name} ({label})"
            custom.add(name, value)


def _contact(columns: _Columns, location: Location, row: list[str]) -> ParseResult:
    cells = Cells(row)
    custom = CustomFields()
    first = squash(columns.value(cells, "givenname", "firstname"))
    middle = squash(columns.value(cells, "additionalname", "middlename"))
    last = squash(columns.value(cells, "familyname", "lastname"))
    prefix = squash(columns.value(cells, "nameprefix"))
    suffix = squash(columns.value(cells, "namesuffix"))
    custom.add("Name prefix", prefix)
    custom.add("Middle name", middle)
    custom.add("Name suffix", suffix)
    written = squash(columns.value(cells, "name"))
    parts_name = join_name(prefix, first, middle, last, suffix)
    if (first or last) and written and written not in (parts_name, join_name(first, last)):
        custom.add("Full name", written)  # the saver names the contact from first and last
    full = written or parts_name
    raw_birthday = clean(columns.value(cells, "birthday"))
    try:
        birthday = parse_birthday(raw_birthday) if raw_birthday else None
    except ValueError:
        return RecordError(location, "Birthday", f"unreadable date {raw_birthday!r}")
    emails = [
        LabeledValue(address, label)
        for group in columns.each("email")
        for value, label in _labeled(cells, group)
        if (address := email(value))
    ]
    phones = [
        LabeledValue(value, label)
        for group in columns.each("phone")
        for value, label in _labeled(cells, group)
    ]
    positions = list(_positions(columns, cells, custom))
    urls = _websites(columns, cells, custom)
    _named_values(columns, cells, custom)
    nickname = squash(columns.value(cells, "nickname"))
    tags = _tags(columns, cells)
    note = text_block(columns.value(cells, "notes", "note"))
    addresses = list(_addresses(columns, cells))
    contact = Who(
        first,
        middle,
        last,
        full=full,
        organization=positions[0].organization if positions else None,
        emails=(e.value for e in emails),
    )
    add_unread(custom, columns.spare, cells, contact)
    return finish_contact(
        location,
        first_name=first,
        last_name=last,
        full_name=full,
        nickname=nickname,
        emails=emails,
        phones=phones,
        profile_urls=urls,
        positions=positions,
        birthday=birthday,
        tags=tags,
        note=note,
        addresses=addresses,
        custom=custom.fields(),
    )


def parse_google(path: Path) -> Iterator[ParseResult]:
    """Stream a Google Contacts CSV (legacy or current layout): contacts or RecordErrors."""
    with open_csv_text(path) as text:
        rows = read_rows(text)
        header = header_row(rows)
        if header is None or not _is_header(header):
            raise ImportFailed(
                f"{path.name}: not a Google Contacts CSV (its header lacks a name column and "
                "'E-mail 1 - Value', 'Phone 1 - Value', 'Labels' or 'Group Membership')"
            )
        columns = _Columns.from_header(header)
        for item in numbered_records(path, rows, len(header)):
            yield item if isinstance(item, RecordError) else _contact(columns, *item)
