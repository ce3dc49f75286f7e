"""A card from a CardDAV client onto a contact: the card is the whole new state of what a
card holds (names, emails, phones, links, organization and title, birthday, tags, notes,
addresses, photo), so what the client removed is removed. What goodwill does not model
(X- properties, IMPP, RELATED, a second TITLE…) is kept verbatim, and so is an email or
phone that does not parse, so a round trip loses nothing. What a card does not carry
(tier, cadence, how and when you met, custom fields, history) is left as it was.

Notes: a card's NOTE is the contact's visible notes joined by blank lines. A note whose
text is still in the NOTE stays; text that is new becomes one new note of the actor's;
the actor's own notes whose text is gone are moved to the trash (a teammate's never are).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.domain.dates import local_date_of
from goodwill.domain.people import (
    contact_search_key,
    normalize_email,
    normalize_phone,
    person_name,
)
from goodwill.domain.text import fold
from goodwill.errors import ValidationFailed
from goodwill.importers.records import ImportedContact, RecordError
from goodwill.importers.vcard_values import escape
from goodwill.services import _common as common
from goodwill.services._import_contacts import prepare
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.aggregates import refresh_touch_anchors
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    Note,
    Organization,
    Position,
)

DEFAULT_UID = "contact-{id}@goodwill.local"


def apply_card(session: Session, actor: Actor, contact: Contact, card: ImportedContact) -> None:
    """Make `contact` say what `card` says (see the module doc); the contact is flushed."""
    problems: list[RecordError] = []
    prepared = prepare(card, "vcard", actor, problems.append)
    values = prepared.values
    now = utcnow()
    first, last, display = person_name(values["first_name"], values["last_name"])
    contact.first_name, contact.last_name, contact.display_name = first, last, display
    contact.nickname = values["nickname"]
    contact.birthday_month = values["birthday_month"]
    contact.birthday_day = values["birthday_day"]
    contact.birthday_year = values["birthday_year"]
    contact.photo = values["photo"]
    contact.addresses = values["addresses"]
    contact.vcard_extra = [*(values["vcard_extra"] or []), *_unparsed(card, actor)] or None
    uid = values["vcard_uid"]
    if uid and (contact.id is None or uid != DEFAULT_UID.format(id=contact.id)):
        contact.vcard_uid = uid
    if contact.id is None:
        session.add(contact)
        session.flush()
    _emails(contact, prepared.emails)
    _phones(contact, prepared.phones)
    _links(session, contact, prepared.links)
    contact.tags = common.tags_for(session, actor, prepared.tags)
    contact.search_key = contact_search_key(
        contact.display_name, contact.nickname, [e.email for e in contact.emails]
    )
    contact.sort_key = fold(" ".join(p for p in (contact.last_name, contact.first_name) if p))
    contact.updated_at = now
    session.flush()
    _position(session, actor, contact, prepared.organization, prepared.title)
    _notes(session, actor, contact, prepared.note)
    if contact.touch_anchor_day is None:
        refresh_touch_anchors(session, [contact.id])
    session.flush()


def _unparsed(card: ImportedContact, actor: Actor) -> list[str]:
    """Emails and phones that do not parse, kept as lines rather than dropped."""
    lines = []
    for item in card.emails:
        try:
            normalize_email(item.value)
        except ValidationFailed:
            lines.append(f"EMAIL:{escape(item.value)}")
    for item in card.phones:
        try:
            normalize_phone(item.value, actor.default_region)
        except ValidationFailed:
            lines.append(f"TEL:{escape(item.value)}")
    return lines


def _emails(contact: Contact, emails: list[tuple[str, str | None]]) -> None:
    by_address = {e.email: e for e in contact.emails}
    kept = []
    for position, (email, label) in enumerate(emails):
        row = by_address.get(email) or ContactEmail(email=email)
        row.label, row.position = label, position
        kept.append(row)
    contact.emails = kept


def _phones(contact: Contact, phones: list[tuple[str, str, str | None]]) -> None:
    by_number = {p.e164: p for p in contact.phones}
    kept = []
    for position, (e164, digits, label) in enumerate(phones):
        row = by_number.get(e164) or ContactPhone(e164=e164, digits_reversed=digits)
        row.label, row.position = label, position
        kept.append(row)
    contact.phones = kept


def _links(session: Session, contact: Contact, links: list[tuple[str, str]]) -> None:
    rows = session.scalars(select(ContactLink).where(ContactLink.contact_id == contact.id)).all()
    wanted = {key: url for url, key in links}
    for row in rows:
        if row.key not in wanted:
            session.delete(row)
        else:
            row.url = wanted.pop(row.key)
    for url, key in links:
        if key in wanted:
            kind = "linkedin" if "linkedin." in key else "web"
            session.add(ContactLink(contact_id=contact.id, url=url, key=key, kind=kind))


def _position(
    session: Session, actor: Actor, contact: Contact, organization: str | None, title: str | None
) -> None:
    """The card's ORG and TITLE as the current position: the title of the same organization
    is edited in place; another organization ends the current position and starts one."""
    current = session.execute(
        select(Position, Organization)
        .join(Organization, Organization.id == Position.organization_id)
        .where(Position.contact_id == contact.id, Position.end_date.is_(None),
               visible(Organization, actor))
        .order_by(Position.id)
    ).first()  # fmt: skip
    if current is not None and organization and fold(current[1].name) == fold(organization):
        current[0].title = title
        return
    today: date = local_date_of(utcnow(), actor.tz)
    if current is not None:
        current[0].end_date = today
    if organization:
        org = session.scalars(
            select(Organization)
            .where(visible(Organization, actor),
                   Organization.name_key == common.organization_key(organization))
            .order_by(Organization.id)
        ).first()  # fmt: skip
        if org is None and organization.lstrip("#").isdigit():
            org = Organization(workspace_id=actor.workspace_id, owner_id=actor.user_id,
                               visibility=contact.visibility, name=organization,
                               name_key=common.organization_key(organization), custom_fields={},
                               created_at=utcnow(), updated_at=utcnow())  # fmt: skip
            session.add(org)
            session.flush()
        elif org is None:
            org = common.find_or_create_organization(
                session, actor, organization, contact.visibility
            )
        session.add(Position(contact_id=contact.id, organization_id=org.id, title=title))


def _notes(session: Session, actor: Actor, contact: Contact, text: str | None) -> None:
    notes = session.scalars(
        select(Note).where(Note.contact_id == contact.id, visible(Note, actor)).order_by(Note.id)
    ).all()
    rest = (text or "").strip()
    now = utcnow()
    for note in notes:
        body = note.body.strip()
        if body and body in rest:
            rest = rest.replace(body, "", 1)
        elif note.owner_id == actor.user_id:
            note.deleted_at = note.updated_at = now
    rest = "\n\n".join(part.strip() for part in rest.split("\n\n") if part.strip())
    if rest:
        session.add(
            Note(workspace_id=actor.workspace_id, owner_id=actor.user_id,
                 visibility=common.choose_visibility(session, actor, None),
                 contact_id=contact.id, body=rest,
                 created_at=now, updated_at=now)
        )  # fmt: skip
