"""Saving imported contacts: match by identity keys, create or update, record for undo."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain.people import (
    contact_search_key,
    normalize_email,
    normalize_phone,
    person_name,
    split_full_name,
)
from goodwill.domain.text import NAME_MAX, SHORT_MAX, clean_text, fold
from goodwill.errors import ValidationFailed
from goodwill.importers.records import ImportedContact, RecordError
from goodwill.services import _common as common
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import refresh_touch_anchors
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    FieldProvenance,
    Import,
    ImportChange,
    ImportKey,
    Note,
    Organization,
    Position,
)

# Scalar fields an import may fill, and change again while they hold what it wrote.
SCALARS = (
    "first_name", "last_name", "nickname", "met_on", "birthday_month", "birthday_day",
    "birthday_year", "photo", "vcard_uid", "addresses", "vcard_extra",
)  # fmt: skip


def url_key(url: str) -> str | None:
    """A profile URL as an identity key: host without www, path without trailing slash."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or "." not in host:
        return None
    return f"{host}{parts.path.rstrip('/').lower()}"[:500]


# Sites whose URLs name one person; a company homepage (often in Outlook's Web Page)
# names everyone who works there, so it is kept as a link but never matched on.
PROFILE_HOSTS = ("linkedin.com", "github.com", "x.com", "twitter.com", "facebook.com",
                 "instagram.com", "angel.co", "wellfound.com", "xing.com")  # fmt: skip


def is_profile(key: str) -> bool:
    host, _, path = key.partition("/")
    return bool(path.strip("/")) and any(host == h or host.endswith("." + h) for h in PROFILE_HOSTS)


@dataclass
class Prepared:
    """An imported contact, normalized: what would be written."""

    values: dict[str, Any]
    emails: list[tuple[str, str | None]]
    phones: list[tuple[str, str, str | None]]  # e164, digits reversed, label
    links: list[tuple[str, str]]  # url, key
    organization: str | None
    title: str | None
    tags: list[str]
    note: str | None
    source_key: str


def prepare(
    record: ImportedContact, fmt: str, actor: Actor, report: Callable[[RecordError], None]
) -> Prepared:
    """Normalize one record; a bad email or phone is reported and dropped, a record
    without a usable name raises ValidationFailed (the record is skipped)."""
    first, last = record.first_name, record.last_name
    if not (first or last) and record.full_name:
        first, last = split_full_name(record.full_name)
    first, last, display = person_name(first, last)
    emails: list[tuple[str, str | None]] = []
    for item in record.emails:
        try:
            email = normalize_email(item.value)
        except ValidationFailed as exc:
            report(RecordError(record.location, "email", exc.reason))
            continue
        if email not in {e for e, _ in emails}:
            emails.append((email, clean_text(item.label, "label", max_len=50)))
    phones: list[tuple[str, str, str | None]] = []
    for item in record.phones:
        try:
            phone = normalize_phone(item.value, actor.default_region)
        except ValidationFailed as exc:
            report(RecordError(record.location, "phone", exc.reason))
            continue
        if phone.e164 not in {p for p, _, _ in phones}:
            label = clean_text(item.label, "label", max_len=50)
            phones.append((phone.e164, phone.digits_reversed, label))
    links = [(u, k) for u in record.profile_urls if (k := url_key(u))]
    position = record.positions[0] if record.positions else None
    birthday = record.birthday
    values: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "nickname": clean_text(record.nickname, "nickname", max_len=NAME_MAX),
        "met_on": record.met_on,
        "birthday_month": birthday.month if birthday else None,
        "birthday_day": birthday.day if birthday else None,
        "birthday_year": birthday.year if birthday else None,
        "photo": record.photo,
        "vcard_uid": clean_text(record.source_uid, "UID", max_len=255),
        "addresses": [asdict(a) for a in record.addresses] or None,
        "vcard_extra": list(record.extra) or None,
    }
    organization = (
        clean_text(position.organization, "organization", max_len=NAME_MAX) if position else None
    )
    identity = record.source_uid or "|".join(
        [fold(display), fold(organization or ""), *sorted(k for _, k in links)]
    )
    return Prepared(
        values=values,
        emails=emails,
        phones=phones,
        links=links,
        organization=organization,
        title=clean_text(position.title, "title", max_len=NAME_MAX) if position else None,
        tags=[t for t in (clean_text(t, "tag", max_len=100) for t in record.tags) if t],
        note=clean_text(record.note, "note", max_len=SHORT_MAX * 200, multiline=True),
        source_key=hashlib.sha256(f"{fmt}|{identity}".encode()).hexdigest(),
    )


class ContactSaver:
    """Creates or updates contacts for one import, inside the caller's transaction."""

    def __init__(self, session: Session, actor: Actor, run: Import, visibility: str) -> None:
        self.session, self.actor, self.run, self.visibility = session, actor, run, visibility
        self.created: list[int] = []  # their cadence anchors are set once per batch
        self._orgs: dict[tuple[str, str], Organization] = {}

    def change(self, entity: str, entity_id: int, action: str, contact_id: int | None,
               field: str | None = None, old: Any = None, new: Any = None) -> None:  # fmt: skip
        self.session.add(
            ImportChange(
                import_id=self.run.id, entity=entity, entity_id=entity_id, action=action,
                contact_id=contact_id, field=field, old_value=_json(old), new_value=_json(new),
            )
        )  # fmt: skip

    def match(self, item: Prepared) -> Contact | None:
        """By this source's own key, then by email, then by profile URL — among the
        contacts the actor may see (dedupe never reaches hidden ones)."""
        seen = visible(Contact, self.actor)
        by_key = select(ImportKey.contact_id).where(
            ImportKey.owner_id == self.actor.user_id, ImportKey.key_hash == item.source_key
        )
        found = self.session.scalars(select(Contact).where(seen, Contact.id.in_(by_key))).first()
        if found is None and item.emails:
            emails = select(ContactEmail.contact_id).where(
                ContactEmail.email.in_([e for e, _ in item.emails])
            )
            found = self.session.scalars(
                select(Contact).where(seen, Contact.id.in_(emails)).order_by(Contact.id)
            ).first()
        profiles = [k for _, k in item.links if is_profile(k)]
        if found is None and profiles:
            links = select(ContactLink.contact_id).where(ContactLink.key.in_(profiles))
            found = self.session.scalars(
                select(Contact).where(seen, Contact.id.in_(links)).order_by(Contact.id)
            ).first()
        return found

    def save(self, item: Prepared) -> str:
        """'created', 'updated' or 'unchanged'."""
        contact = self.match(item)
        if contact is None:
            self._create(item)
            return "created"
        changed = self._update(contact, item)
        if not self.session.scalars(
            select(ImportKey.id).where(
                ImportKey.owner_id == self.actor.user_id, ImportKey.key_hash == item.source_key
            )
        ).first():
            self.session.add(
                ImportKey(owner_id=self.actor.user_id, key_hash=item.source_key,
                          contact_id=contact.id)
            )  # fmt: skip
        return "updated" if changed else "unchanged"

    def _create(self, item: Prepared) -> None:
        now = utcnow()
        display = " ".join(p for p in (item.values["first_name"], item.values["last_name"]) if p)
        contact = Contact(
            workspace_id=self.actor.workspace_id, owner_id=self.actor.user_id,
            visibility=self.visibility, display_name=display, custom_fields={},
            search_key=contact_search_key(display, item.values["nickname"],
                                          [e for e, _ in item.emails]),
            sort_key=fold(" ".join(p for p in (item.values["last_name"],
                                                item.values["first_name"]) if p)),
            import_id=self.run.id, created_at=now, updated_at=now,
            **{k: v for k, v in item.values.items() if k not in {"first_name", "last_name"}},
            first_name=item.values["first_name"], last_name=item.values["last_name"],
        )  # fmt: skip
        contact.emails = [
            ContactEmail(email=e, label=label, position=n)
            for n, (e, label) in enumerate(item.emails)
        ]
        contact.phones = [
            ContactPhone(e164=p, digits_reversed=r, label=label, position=n)
            for n, (p, r, label) in enumerate(item.phones)
        ]
        contact.tags = common.tags_for(self.session, self.actor, item.tags)
        self.session.add(contact)
        self.session.flush()
        for url, key in item.links:
            kind = "linkedin" if "linkedin." in key else "web"
            self.session.add(ContactLink(contact_id=contact.id, url=url, key=key, kind=kind))
        self.session.add_all(
            FieldProvenance(contact_id=contact.id, field=name, import_id=self.run.id,
                            value=_json(item.values[name]))
            for name in SCALARS if item.values[name] is not None
        )  # fmt: skip
        if item.organization:
            self._position(contact, item, end_others=False)
        if item.note:
            self.session.add(
                Note(workspace_id=contact.workspace_id, owner_id=contact.owner_id,
                     visibility=self.visibility, contact_id=contact.id, body=item.note,
                     created_at=now, updated_at=now)
            )  # fmt: skip
        self.session.add(
            ImportKey(owner_id=self.actor.user_id, key_hash=item.source_key, contact_id=contact.id)
        )
        self.change("contacts", contact.id, "created", contact.id)
        self.created.append(contact.id)

    def finish(self) -> None:
        """End of a batch: the new contacts' cadence anchors, in one pass."""
        self.session.flush()
        refresh_touch_anchors(self.session, self.created)
        self.created.clear()

    def _provenance(self, contact_id: int, field: str, value: Any) -> None:
        row = self.session.get(FieldProvenance, (contact_id, field))
        if row is None:
            self.session.add(
                FieldProvenance(
                    contact_id=contact_id, field=field, import_id=self.run.id, value=_json(value)
                )
            )
        else:
            row.import_id, row.value = self.run.id, _json(value)

    def _may_write(self, contact: Contact, field: str) -> bool:
        """Empty, or still holding what an import wrote: not a value the user edited."""
        current = getattr(contact, field)
        if current is None:
            return True
        row = self.session.get(FieldProvenance, (contact.id, field))
        return row is not None and row.value == _json(current)

    def _update(self, contact: Contact, item: Prepared) -> bool:
        changed = False
        for name in SCALARS:
            new = item.values[name]
            old = getattr(contact, name)
            if new is None or new == old or not self._may_write(contact, name):
                continue
            setattr(contact, name, new)
            self._provenance(contact.id, name, new)
            self.change("contacts", contact.id, "updated", contact.id, name, old, new)
            changed = True
        if changed and (contact.first_name or contact.last_name):
            contact.first_name, contact.last_name, contact.display_name = person_name(
                contact.first_name, contact.last_name
            )
        known = {e.email for e in contact.emails}
        for email, label in item.emails:
            if email not in known:
                row = ContactEmail(email=email, label=label, position=len(contact.emails))
                contact.emails.append(row)
                self.session.flush()
                self.change("contact_emails", row.id, "created", contact.id)
                changed = True
        numbers = {p.e164 for p in contact.phones}
        for e164, reversed_digits, label in item.phones:
            if e164 not in numbers:
                phone = ContactPhone(e164=e164, digits_reversed=reversed_digits, label=label,
                                     position=len(contact.phones))  # fmt: skip
                contact.phones.append(phone)
                self.session.flush()
                self.change("contact_phones", phone.id, "created", contact.id)
                changed = True
        keys = set(self.session.scalars(
            select(ContactLink.key).where(ContactLink.contact_id == contact.id)))  # fmt: skip
        for url, key in item.links:
            if key not in keys:
                link = ContactLink(contact_id=contact.id, url=url, key=key,
                                   kind="linkedin" if "linkedin." in key else "web")  # fmt: skip
                self.session.add(link)
                self.session.flush()
                self.change("contact_links", link.id, "created", contact.id)
                changed = True
        if item.organization:
            changed = self._position(contact, item, end_others=True) or changed
        if changed:
            contact.search_key = contact_search_key(
                contact.display_name, contact.nickname, [e.email for e in contact.emails]
            )
            contact.sort_key = fold(
                " ".join(p for p in (contact.last_name, contact.first_name) if p)
            )
            contact.updated_at = utcnow()
        return changed

    def _position(self, contact: Contact, item: Prepared, *, end_others: bool) -> bool:
        """The current position the source names; a new company ends the one an import
        recorded before (not positions the user entered)."""
        assert item.organization is not None
        cache_key = (fold(item.organization), contact.visibility)
        org = self._orgs.get(cache_key)
        if org is None:
            org = common.find_or_create_organization(
                self.session, self.actor, item.organization, contact.visibility
            )
            self._orgs[cache_key] = org
        current = (
            []
            if not end_others  # a contact just created has no positions yet
            else self.session.scalars(
                select(Position).where(
                    Position.contact_id == contact.id, Position.end_date.is_(None)
                )
            ).all()
        )
        if any(p.organization_id == org.id for p in current):
            return False
        if end_others:
            mine = self.session.get(FieldProvenance, (contact.id, "current_position"))
            for position in current:
                if mine is not None and mine.value == position.id:
                    today = common.as_date("today", "to", self.actor)
                    position.end_date = today
                    self.change("positions", position.id, "updated", contact.id, "end_date",
                                None, today)  # fmt: skip
        position = Position(contact_id=contact.id, organization_id=org.id, title=item.title)
        self.session.add(position)
        self.session.flush()
        self.change("positions", position.id, "created", contact.id)
        self._provenance(contact.id, "current_position", position.id)
        return True


def _json(value: Any) -> Any:
    """A JSON-able form for provenance and undo (dates as ISO strings)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
