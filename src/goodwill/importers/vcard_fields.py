"""A vCard's properties into an ImportedContact: which property feeds which field,
labels from TYPE parameters or Apple's item groups, and what is kept verbatim."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote

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
from goodwill.importers.vcard_values import (
    clean,
    label_from_types,
    parse_bday,
    split_escaped,
    unescape,
    unwrap_apple_label,
)

# Kept out of `extra`: regenerated on export (VERSION, PRODID, REV) or read into fields.
_DROPPED = frozenset({"BEGIN", "END", "VERSION", "PRODID", "REV"})
_LABELLED = frozenset({"EMAIL", "TEL", "ADR", "URL"})


class Property(NamedTuple):
    group: str | None  # lower-cased ("item1")
    name: str  # upper-cased
    params: dict[str, list[str]]
    singles: list[str]  # 2.1 bare parameters: TEL;WORK;VOICE
    value: str  # quoted-printable decoded, still backslash-escaped
    raw: str  # the unfolded line as found


def _plain(value: str) -> str | None:
    return clean(unescape(value).replace("\r\n", "\n").replace("\r", "\n"))


def _text(prop: Property) -> str | None:
    return _plain(prop.value)


def _components(prop: Property) -> list[str | None]:
    return [_plain(part) for part in split_escaped(prop.value, ";")]


def _labels(props: list[Property]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for prop in props:
        if prop.name == "X-ABLABEL" and prop.group:
            if label := unwrap_apple_label(unescape(prop.value)):
                labels.setdefault(prop.group, label)
    return labels


def _address(prop: Property, label: str | None) -> Address | None:
    parts = [*_components(prop), *[None] * 7][:7]
    box, extended, street, city, region, code, country = parts
    street = "\n".join(p for p in (street, extended, box) if p) or None
    address = Address(label, street, city, region, code, country)
    return address if any((street, city, region, code, country)) else None


class _Card:
    """The fields of one card as its properties are met."""

    def __init__(self) -> None:
        self.first: str | None = None
        self.last: str | None = None
        self.full: str | None = None
        self.nickname: str | None = None
        self.uid: str | None = None
        self.photo: str | None = None
        self.birthday: Birthday | None = None
        self.emails: list[LabeledValue] = []
        self.phones: list[LabeledValue] = []
        self.orgs: list[str] = []
        self.titles: list[tuple[int, Property]] = []
        self.notes: list[str] = []
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.addresses: list[Address] = []
        self.extra: list[tuple[int, str]] = []  # (position in the card, line)


def contact_from_properties(props: list[Property], location: Location) -> ParseResult:
    """The contact a card's properties describe, or a RecordError when it names no one."""
    labels = _labels(props)
    used_labels: set[str] = set()
    card = _Card()
    pending_labels: list[tuple[int, Property]] = []
    for index, prop in enumerate(props):
        label = None
        if prop.name in _LABELLED:
            if prop.group:
                used_labels.add(prop.group)  # its X-ABLabel is read here, or empty
            label = labels.get(prop.group or "")
            if label is None:
                label = label_from_types([*prop.params.get("TYPE", ()), *prop.singles])
        if prop.name == "X-ABLABEL" and prop.group:
            pending_labels.append((index, prop))
        elif not _take(card, prop, label, index):
            card.extra.append((index, prop.raw))
    card.extra.extend((i, p.raw) for i, p in pending_labels if p.group not in used_labels)
    return _finish(card, location)


def _take(card: _Card, prop: Property, label: str | None, index: int) -> bool:
    """Read one property into the card; False when it belongs in `extra`."""
    name = prop.name
    if name in _DROPPED:
        return True
    if name == "N":
        if card.first is None and card.last is None:
            family, given = [*_components(prop), None, None][:2]
            card.first, card.last = given, family
        return True
    if name == "FN":
        card.full = card.full or _text(prop)
    elif name == "NICKNAME":
        card.nickname = card.nickname or _text(prop)
    elif name == "UID":
        card.uid = card.uid or _text(prop)
    elif name == "EMAIL":
        if email := _text(prop):
            card.emails.append(LabeledValue(email.lower(), label))
    elif name == "TEL":
        if (phone := _text(prop)) and phone.lower().startswith("tel:"):
            phone = clean(phone[4:])  # 4.0 TEL;VALUE=uri:tel:+1-555...
        if phone:
            card.phones.append(LabeledValue(phone, label))
    elif name == "ORG":
        if organization := _components(prop)[0]:  # the department after ';' is not kept
            card.orgs.append(organization)
    elif name == "TITLE":
        card.titles.append((index, prop))
    elif name == "NOTE":
        if note := _text(prop):
            card.notes.append(note)
    elif name == "CATEGORIES":
        for part in split_escaped(prop.value, ","):
            if (tag := _plain(part)) and tag not in card.tags:
                card.tags.append(tag)
    elif name == "URL":
        if url := _text(prop):
            _add_url(card, url)
    elif name == "ADR":
        if address := _address(prop, label):
            card.addresses.append(address)
    elif name == "PHOTO" and card.photo is None:
        card.photo = prop.raw
    elif name == "BDAY" and card.birthday is None:
        omit = prop.params.get("X-APPLE-OMIT-YEAR", [None])[0]
        card.birthday = parse_bday(unescape(prop.value), omit)
        return card.birthday is not None  # free text (4.0 VALUE=text) stays verbatim
    elif name == "X-SOCIALPROFILE":
        url = _text(prop) or ""
        if url.lower().startswith(("http://", "https://")):
            _add_url(card, url)
        return False  # its type and user name live in the line: keep it whole too
    else:
        return False
    return True


def _add_url(card: _Card, url: str) -> None:
    url = unquote(url) if "%" in url else url
    if url not in card.urls:
        card.urls.append(url)


def _finish(card: _Card, location: Location) -> ParseResult:
    full = card.full
    if not (card.first or card.last or full):
        if not card.orgs:
            return RecordError(location, "N", "no name: the card has no N, FN or ORG")
        full = card.orgs[0]  # a company card
    titles = [_text(prop) for _, prop in card.titles]
    positions = tuple(
        ImportedPosition(org, titles[i] if i < len(titles) else None)
        for i, org in enumerate(card.orgs)
    )
    # A title with no organization to hold it stays verbatim.
    extra = sorted([*card.extra, *((i, p.raw) for i, p in card.titles[len(card.orgs) :])])
    return ImportedContact(
        location=location,
        first_name=card.first,
        last_name=card.last,
        full_name=full,
        nickname=card.nickname,
        emails=tuple(card.emails),
        phones=tuple(card.phones),
        profile_urls=tuple(card.urls),
        positions=positions,
        birthday=card.birthday,
        tags=tuple(card.tags),
        note="\n\n".join(card.notes) or None,
        addresses=tuple(card.addresses),
        photo=card.photo,
        extra=tuple(line for _, line in extra),
        source_uid=card.uid,
    )
