"""Contacts out as vCard 3.0 (what phones speak, the default) or 4.0.

Written by hand rather than with vobject: vobject only knows vCard 3.0, never
folds PHOTO (an Apple Address Book quirk), and cannot pass a property line
through verbatim. Lines end in CRLF and are folded at 75 octets (RFC 6350 3.2)
without splitting a UTF-8 character; open the output with ``newline=""`` so the
CRLFs reach the file untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import unquote

from goodwill.errors import ValidationFailed
from goodwill.importers.records import Address
from goodwill.importers.vcard_values import (
    NO_YEAR,
    escape,
    label_as_types,
    unescape,
    wrap_apple_label,
)

VERSIONS = ("3.0", "4.0")
PRODID = "-//goodwill//goodwill vCard export//EN"
LINE_OCTETS = 75

_VERBATIM = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)[;:]")


@dataclass(frozen=True)
class VCardContact:
    """One contact as a card: plain values, no database."""

    uid: str
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    nickname: str | None = None
    emails: tuple[tuple[str, str | None], ...] = ()  # (address, label)
    phones: tuple[tuple[str, str | None], ...] = ()  # (number, label)
    organization: str | None = None
    title: str | None = None
    note: str | None = None
    birthday: tuple[int, int, int | None] | None = None  # (month, day, year or None)
    tags: tuple[str, ...] = ()
    profile_urls: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    photo: str | None = None  # a PHOTO line kept verbatim from an import
    extra: tuple[str, ...] = ()  # other property lines kept verbatim
    rev: datetime | None = None  # last change


def write_vcards(contacts: Iterable[VCardContact], out: TextIO, version: str = "3.0") -> int:
    """Write one card per contact; return how many were written."""
    if version not in VERSIONS:
        raise ValidationFailed("version", f"vCard version must be one of {', '.join(VERSIONS)}")
    count = 0
    for contact in contacts:
        out.write("".join(fold(line) for line in _card(contact, version)))
        count += 1
    return count


def fold(line: str) -> str:
    """One content line folded at 75 octets, continuation lines led by a space, CRLF-ended."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return line + "\r\n"
    pieces: list[str] = []
    start, width = 0, LINE_OCTETS
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a UTF-8 character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, width = end, LINE_OCTETS - 1  # the leading space counts
    return "\r\n ".join(pieces) + "\r\n"


def _card(contact: VCardContact, version: str) -> Iterator[str]:
    v4 = version == "4.0"
    verbatim = [line for line in (_clean_verbatim(x) for x in contact.extra) if line]
    photo = _clean_verbatim(contact.photo) if contact.photo else None
    groups = _free_groups({g for line in [*verbatim, photo or ""] if (g := _group(line))})
    yield "BEGIN:VCARD"
    yield f"VERSION:{version}"
    yield f"PRODID:{PRODID}"
    yield f"UID:{escape(contact.uid)}"
    yield f"N:{escape(contact.last_name or '')};{escape(contact.first_name or '')};;;"
    yield f"FN:{escape(_display_name(contact))}"
    if contact.nickname:
        yield f"NICKNAME:{escape(contact.nickname)}"
    if contact.organization:
        yield f"ORG:{escape(contact.organization)}"
    if contact.title:
        yield f"TITLE:{escape(contact.title)}"
    for email, label in contact.emails:
        yield from _labelled("EMAIL", escape(email), label, v4, groups)
    for phone, label in contact.phones:
        yield from _labelled("TEL", escape(phone), label, v4, groups)
    for address in contact.addresses:
        yield from _labelled("ADR", _address_value(address), address.label, v4, groups)
    social = {unquote(unescape(line.partition(":")[2])) for line in verbatim if _is_social(line)}
    for url in contact.profile_urls:
        url = url.replace("\r", "").replace("\n", "").strip()
        if url and url not in social:  # already there as Apple's X-SOCIALPROFILE
            yield f"URL:{url}"
    if contact.birthday:
        yield _bday(*contact.birthday, v4=v4)
    if contact.tags:
        yield "CATEGORIES:" + ",".join(escape(tag) for tag in contact.tags)
    if contact.note:
        yield f"NOTE:{escape(contact.note)}"
    if photo:
        yield photo
    yield from verbatim
    if contact.rev:
        yield f"REV:{_timestamp(contact.rev, v4=v4)}"
    yield "END:VCARD"


def _display_name(contact: VCardContact) -> str:
    # FN is required in 3.0 and 4.0.
    joined = " ".join(p for p in (contact.first_name, contact.last_name) if p)
    fallbacks = (contact.display_name, joined, contact.organization, contact.nickname)
    named = next((name for name in fallbacks if name and name.strip()), None)
    return named or (contact.emails[0][0] if contact.emails else "(no name)")


def _labelled(
    name: str, value: str, label: str | None, v4: bool, groups: Iterator[str]
) -> Iterator[str]:
    types = ["INTERNET"] if name == "EMAIL" and not v4 else []
    custom = None
    if label:
        known = label_as_types(label)
        if known is None:
            custom = label
        else:
            types.extend(t if v4 else t.upper() for t in known)
    params = f";TYPE={','.join(types)}" if types else ""
    if custom is None:
        yield f"{name}{params}:{value}"
    else:  # a free-text label: Apple's item group, which iOS, macOS and Google read
        group = next(groups)
        yield f"{group}.{name}{params}:{value}"
        yield f"{group}.X-ABLabel:{escape(wrap_apple_label(custom))}"


def _address_value(address: Address) -> str:
    parts = (address.street, address.city, address.region, address.postal_code, address.country)
    return ";;" + ";".join(escape(part or "") for part in parts)


def _bday(month: int, day: int, year: int | None, *, v4: bool) -> str:
    if v4:
        return f"BDAY:{year:04d}{month:02d}{day:02d}" if year else f"BDAY:--{month:02d}{day:02d}"
    if year is None:  # Apple's convention; iOS shows the birthday without a year
        return f"BDAY;X-APPLE-OMIT-YEAR={NO_YEAR}:{NO_YEAR}-{month:02d}-{day:02d}"
    return f"BDAY:{year:04d}-{month:02d}-{day:02d}"


def _timestamp(moment: datetime, *, v4: bool) -> str:
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y%m%dT%H%M%SZ" if v4 else "%Y-%m-%dT%H:%M:%SZ")


def _clean_verbatim(line: str) -> str | None:
    """A kept line, unless it would break the card (a line break, BEGIN/END/VERSION)."""
    line = line.replace("\r", "").replace("\n", "").strip()
    match = _VERBATIM.match(line)
    if match is None or match.group(2).upper() in {"BEGIN", "END", "VERSION", "PRODID"}:
        return None
    return line


def _group(line: str) -> str | None:
    match = _VERBATIM.match(line)
    return match.group(1).lower() if match and match.group(1) else None


def _is_social(line: str) -> bool:
    match = _VERBATIM.match(line)
    return bool(match and match.group(2).upper() == "X-SOCIALPROFILE")


def _free_groups(taken: set[str]) -> Iterator[str]:
    """item1, item2, ... skipping the groups kept lines already use."""
    number = 0
    while True:
        number += 1
        if f"item{number}" not in taken:
            yield f"item{number}"
