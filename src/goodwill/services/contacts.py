"""Contacts: add, edit, show, list, search, tag, archive, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session, lazyload

from goodwill.domain.people import (
    contact_search_key,
    is_default_cadence,
    normalize_email,
    normalize_phone,
    parse_cadence,
    parse_tier,
    person_name,
    phone_query_digits,
    resolve_cadence,
    split_full_name,
    tier_label,
)
from goodwill.domain.text import NAME_MAX, SHORT_MAX, clean_text, fold, like_escape, search_tokens
from goodwill.errors import Conflict, ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._visibility import require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import (
    ContactDetail,
    ContactSummary,
    EmailView,
    NoteView,
    PhoneView,
    PositionView,
    Ref,
)
from goodwill.storage.aggregates import refresh_touch_anchors
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    Note,
    Organization,
    Position,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork

MAX_EMAILS = MAX_PHONES = 50


@dataclass
class ContactChanges:
    """What to set on a contact; None leaves a field as it is ('' clears a text field)."""

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    nickname: str | None = None
    how_met: str | None = None
    met_on: date | str | None = None
    tier: str | None = None
    cadence: str | None = None
    visibility: str | None = None
    add_emails: list[str] = field(default_factory=list)
    remove_emails: list[str] = field(default_factory=list)
    add_phones: list[str] = field(default_factory=list)
    remove_phones: list[str] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, str | None] = field(default_factory=dict)
    organization: str | None = None
    title: str | None = None


def add_contact(actor: Actor, uow: UnitOfWork, changes: ContactChanges) -> ContactDetail:
    """Create a contact; an email already on a contact the actor can see is refused."""
    with uow.write() as session:
        now = utcnow()
        contact = Contact(
            workspace_id=actor.workspace_id,
            owner_id=actor.user_id,
            visibility=common.choose_visibility(session, actor, changes.visibility),
            display_name="",
            search_key="",
            sort_key="",
            custom_fields={},
            created_at=now,
            updated_at=now,
        )
        if changes.name is None and changes.first_name is None and changes.last_name is None:
            raise ValidationFailed("name", "a contact needs a first or last name")
        session.add(contact)
        _apply(session, actor, contact, changes)
        return _detail(session, actor, contact)


def edit_contact(
    actor: Actor, uow: UnitOfWork, ref: int | str, changes: ContactChanges
) -> ContactDetail:
    with uow.write() as session:
        contact = common.resolve_contact(session, actor, ref)
        if changes.visibility is not None:
            require_owner(contact, actor, "change the visibility of")
        _apply(session, actor, contact, changes)
        contact.updated_at = utcnow()
        return _detail(session, actor, contact)


def _apply(session: Session, actor: Actor, contact: Contact, ch: ContactChanges) -> None:
    if ch.name is not None:
        ch.first_name, ch.last_name = split_full_name(ch.name)
    if ch.first_name is not None or ch.last_name is not None:
        first = ch.first_name if ch.first_name is not None else contact.first_name
        last = ch.last_name if ch.last_name is not None else contact.last_name
        contact.first_name, contact.last_name, contact.display_name = person_name(first, last)
    if ch.nickname is not None:
        contact.nickname = clean_text(ch.nickname, "nickname", max_len=NAME_MAX)
    if ch.how_met is not None:
        contact.how_met = clean_text(ch.how_met, "how met", max_len=SHORT_MAX)
    if ch.met_on is not None:
        contact.met_on = common.as_date(ch.met_on, "met on", actor)
    if ch.visibility is not None:
        contact.visibility = common.choose_visibility(session, actor, ch.visibility)
    apply_tier(session, actor, contact, ch)
    _apply_emails(session, actor, contact, ch)
    _apply_phones(actor, contact, ch)
    if ch.add_tags or ch.remove_tags:
        removed = {fold(t) for t in ch.remove_tags}
        kept = [t for t in contact.tags if t.key not in removed]
        contact.tags = kept + [
            t for t in common.tags_for(session, actor, ch.add_tags) if t not in kept
        ]
    if ch.custom_fields:
        contact.custom_fields = common.merge_custom_fields(contact.custom_fields, ch.custom_fields)
    contact.search_key = contact_search_key(
        contact.display_name, contact.nickname, [e.email for e in contact.emails]
    )
    contact.sort_key = fold(" ".join(p for p in (contact.last_name, contact.first_name) if p))
    session.flush()
    if contact.touch_anchor_day is None or ch.met_on is not None:
        refresh_touch_anchors(session, [contact.id])
    if ch.title is not None and ch.organization is None:
        raise ValidationFailed("title", "a title needs an organization")
    if ch.organization is not None:
        org = common.find_or_create_organization(
            session, actor, ch.organization, contact.visibility
        )
        title = clean_text(ch.title, "title", max_len=NAME_MAX)
        session.add(Position(contact_id=contact.id, organization_id=org.id, title=title))
        session.flush()


def apply_tier(session: Session, actor: Actor, contact: Contact, ch: ContactChanges) -> None:
    """Set a contact's tier and cadence from `ch` (a cadence needs a tier; a cadence that
    only came with the old tier follows the new one), in the caller's transaction."""
    settled = (contact.tier is None) == (contact.cadence_days is None)
    if ch.tier is None and ch.cadence is None and settled:
        return  # the workspace's defaults are not needed (nor locked)
    defaults = common.cadence_defaults_for(session, actor, lock=True)
    if ch.tier is not None:
        old = parse_tier(contact.tier)
        tier = parse_tier(ch.tier)
        contact.tier = tier.value if tier else None
        if tier is None or (
            tier != old and is_default_cadence(old, contact.cadence_days, defaults)
        ):
            # A cadence that only came with the old tier follows the new one; a chosen one stays.
            contact.cadence_days = None
    if ch.cadence is not None:
        if contact.tier is None:
            raise ValidationFailed(
                "cadence", "set a tier first: contacts without a tier have no cadence"
            )
        contact.cadence_days = parse_cadence(ch.cadence)
    tier = parse_tier(contact.tier)
    contact.cadence_days = resolve_cadence(tier, contact.cadence_days, defaults)


def _apply_emails(session: Session, actor: Actor, contact: Contact, ch: ContactChanges) -> None:
    removed = {normalize_email(e, "remove email") for e in ch.remove_emails}
    missing = removed - {e.email for e in contact.emails}
    if missing:
        raise ValidationFailed("remove email", f"{sorted(missing)[0]} is not on this contact")
    contact.emails = [e for e in contact.emails if e.email not in removed]
    for raw in ch.add_emails:
        email = normalize_email(raw)
        if any(e.email == email for e in contact.emails):
            continue
        owner = session.scalars(
            select(Contact).where(
                visible(Contact, actor),
                Contact.id != contact.id if contact.id is not None else true(),
                Contact.id.in_(select(ContactEmail.contact_id).where(ContactEmail.email == email)),
            )
        ).first()
        if owner is not None:
            raise Conflict(f"{email} already belongs to #{owner.id} {owner.display_name}")
        contact.emails.append(ContactEmail(email=email, position=len(contact.emails)))
    if len(contact.emails) > MAX_EMAILS:
        raise ValidationFailed("email", f"a contact holds at most {MAX_EMAILS} emails")


def _apply_phones(actor: Actor, contact: Contact, ch: ContactChanges) -> None:
    removed = {
        normalize_phone(p, actor.default_region, "remove phone").e164 for p in ch.remove_phones
    }
    missing = removed - {p.e164 for p in contact.phones}
    if missing:
        raise ValidationFailed("remove phone", f"{sorted(missing)[0]} is not on this contact")
    contact.phones = [p for p in contact.phones if p.e164 not in removed]
    for raw in ch.add_phones:
        phone = normalize_phone(raw, actor.default_region)
        if any(p.e164 == phone.e164 for p in contact.phones):
            continue
        contact.phones.append(
            ContactPhone(
                e164=phone.e164, digits_reversed=phone.digits_reversed, position=len(contact.phones)
            )
        )
    if len(contact.phones) > MAX_PHONES:
        raise ValidationFailed("phone", f"a contact holds at most {MAX_PHONES} phones")


def show_contact(actor: Actor, uow: UnitOfWork, ref: int | str) -> ContactDetail:
    """The contact page: details, positions, visible notes and open tasks, touch summary."""
    with uow.read() as session:
        return _detail(session, actor, common.resolve_contact(session, actor, ref))


def _detail(session: Session, actor: Actor, c: Contact) -> ContactDetail:
    positions = session.execute(
        select(Position, Organization)
        .join(Organization, Organization.id == Position.organization_id)
        # Positions at a trashed organization come back with it on restore.
        .where(Position.contact_id == c.id, Organization.deleted_at.is_(None))
        # Explicit null ordering: SQLite and PostgreSQL put NULLs at opposite ends of DESC.
        .order_by(
            Position.end_date.is_not(None),
            Position.start_date.is_(None),
            Position.start_date.desc(),
            Position.id,
        )
        .options(lazyload("*"))  # the organizations as references: not their tags
    ).all()
    notes = session.scalars(
        select(Note)
        .where(Note.contact_id == c.id, visible(Note, actor))
        .order_by(Note.created_at.desc())
    ).all()
    tasks = session.scalars(
        select(Task)
        .where(Task.contact_id == c.id, Task.done_at.is_(None), visible(Task, actor))
        .order_by(Task.due_at, Task.id)
    ).all()
    touch = common.visible_touches(session, actor, [c.id]).get(c.id)
    return ContactDetail(
        id=c.id,
        first_name=c.first_name,
        last_name=c.last_name,
        display_name=c.display_name,
        nickname=c.nickname,
        emails=[EmailView(e.email, e.label) for e in c.emails],
        phones=[PhoneView(p.e164, p.label) for p in c.phones],
        tags=sorted(t.name for t in c.tags),
        tier=tier_label(c.tier),
        cadence_days=c.cadence_days,
        how_met=c.how_met,
        met_on=c.met_on,
        custom_fields=dict(c.custom_fields or {}),
        positions=[
            PositionView(
                p.id,
                common.org_ref(o, actor),
                p.title,
                p.start_date,
                p.end_date,
            )
            for p, o in positions
        ],
        notes=[
            NoteView(
                n.id, n.body, Ref(c.id, c.display_name), n.created_at, n.visibility, n.owner_id
            )
            for n in notes
        ],
        open_tasks=[common.task_view(t, actor, c) for t in tasks],
        links=list(
            session.scalars(
                select(ContactLink.url)
                .where(ContactLink.contact_id == c.id)
                .order_by(ContactLink.id)
            )
        ),
        birthday=_birthday(c),
        first_touch=touch[0] if touch else None,
        last_touch=touch[1] if touch else None,
        touches=touch[2] if touch else 0,
        archived=c.archived_at is not None,
        visibility=c.visibility,
        owner_id=c.owner_id,
        created_at=c.created_at,
    )


def _birthday(c: Contact) -> str | None:
    if c.birthday_month is None or c.birthday_day is None:
        return None
    year = f"{c.birthday_year:04d}" if c.birthday_year else "-"
    return f"{year}-{c.birthday_month:02d}-{c.birthday_day:02d}"


SORTS = paging.Sorts(
    paging.by_id(Contact.id),
    paging.one_key("name", Contact.id, Contact.sort_key, "text"),
    paging.one_key("-name", Contact.id, Contact.sort_key, "text"),
    paging.one_key("-created_at", Contact.id, Contact.created_at, "datetime"),
    paging.one_key("created_at", Contact.id, Contact.created_at, "datetime"),
    paging.one_key("-updated_at", Contact.id, Contact.updated_at, "datetime"),
    paging.one_key("updated_at", Contact.id, Contact.updated_at, "datetime"),
)


def _filtered(
    actor: Actor, tag: str | None, tier: str | None, include_archived: bool, *, paged: bool = False
) -> Any:
    # A page reads its sort column's index in order from the cursor on; through the
    # workspace index SQLite (no statistics) would sort the whole workspace per page.
    query = select(Contact).where(visible(Contact, actor, workspace_index=not paged))
    if not include_archived:
        query = query.where(Contact.archived_at.is_(None))
    if tier is not None:
        parsed = parse_tier(tier)
        query = query.where(
            Contact.tier.is_(None) if parsed is None else Contact.tier == parsed.value
        )
    if tag is not None:
        query = query.where(Contact.tags.any(key=fold(tag)))
    return query


def list_contacts(
    actor: Actor,
    uow: UnitOfWork,
    *,
    tag: str | None = None,
    tier: str | None = None,
    include_archived: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[ContactSummary]:
    """By name, `limit` from `offset` (the CLI's pages; the API's are contacts_page)."""
    with uow.read() as session:
        query = _filtered(actor, tag, tier, include_archived).order_by(Contact.sort_key, Contact.id)
        contacts = session.scalars(
            query.limit(max(1, min(limit, 10_000))).offset(max(offset, 0))
        ).all()
        return common.contact_summaries(session, actor, contacts)


def contacts_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    tag: str | None = None,
    tier: str | None = None,
    include_archived: bool = False,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> paging.Page[ContactSummary]:
    """A page after the key `after`, by id unless `sort` says otherwise."""
    order = SORTS.choose(sort)
    with uow.read() as session:
        query = _filtered(actor, tag, tier, include_archived, paged=True)
        rows = session.scalars(paging.seek(query, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of(common.contact_summaries(session, actor, found), order, next_key)


def search_condition(text: str, region: str) -> ColumnElement[bool]:
    """Contacts matching a search (every folded word in the name, nickname or an email;
    or a phone number's digits), case- and accent-insensitive: 'zoe' finds 'Zoë',
    'muller' finds 'Müller'. Visibility is the caller's WHERE."""
    matches = []
    tokens = search_tokens(text)
    if tokens:
        matches.append(
            and_(*(Contact.search_key.like(f"%{like_escape(t)}%", escape="\\") for t in tokens))
        )
    digits = phone_query_digits(text)
    if digits:
        candidates = {digits[::-1]}
        try:
            candidates.add(normalize_phone(text, region).digits_reversed)
        except ValidationFailed:
            pass
        # "Starts with these digits" as a range (digits sort before 'a' in any
        # collation): both databases answer it from the index, once, uncorrelated.
        matches.append(
            Contact.id.in_(
                select(ContactPhone.contact_id).where(
                    or_(
                        *(
                            and_(
                                ContactPhone.digits_reversed >= c,
                                ContactPhone.digits_reversed < c + "a",
                            )
                            for c in sorted(candidates)
                        )
                    )
                )
            )
        )
    # or_(false(), ...): a query that folds to nothing matches nothing, not everyone.
    return or_(false(), *matches)


def search_contacts(
    actor: Actor, uow: UnitOfWork, query: str, *, limit: int = 50, include_archived: bool = False
) -> list[ContactSummary]:
    """Case-, accent- and phone-aware search over normalized columns (same on every database)."""
    text = clean_text(query, "query", max_len=500, required=True) or ""
    condition = search_condition(text, actor.default_region)
    with uow.read() as session:
        stmt = select(Contact).where(visible(Contact, actor), condition)
        if not include_archived:
            stmt = stmt.where(Contact.archived_at.is_(None))
        contacts = session.scalars(
            stmt.order_by(Contact.sort_key, Contact.id).limit(max(1, limit))
        ).all()
        return common.contact_summaries(session, actor, contacts)


def tag_contact(
    actor: Actor, uow: UnitOfWork, ref: int | str, add: list[str], remove: list[str] | None = None
) -> ContactDetail:
    return edit_contact(actor, uow, ref, ContactChanges(add_tags=add, remove_tags=remove or []))


def archive_contact(
    actor: Actor, uow: UnitOfWork, ref: int | str, *, archived: bool = True
) -> ContactDetail:
    """Archived contacts leave lists, search and the agenda but keep their history."""
    with uow.write() as session:
        contact = common.resolve_contact(session, actor, ref)
        contact.archived_at = utcnow() if archived else None
        contact.updated_at = utcnow()
        return _detail(session, actor, contact)


def delete_contact(actor: Actor, uow: UnitOfWork, ref: int | str) -> Ref:
    """Move a contact to the trash (restorable for 30 days)."""
    with uow.write() as session:
        contact = common.resolve_contact(session, actor, ref)
        require_owner(contact, actor, "delete")
        contact.deleted_at = utcnow()
        return Ref(contact.id, contact.display_name)


def bulk_update_contacts(
    actor: Actor,
    uow: UnitOfWork,
    *,
    imported: int | None = None,
    tag: str | None = None,
    add_tags: list[str] | None = None,
    tier: str | None = None,
) -> int:
    """Tag or re-tier every contact (the actor may see) an import created or a tag holds,
    e.g. so 2,000 fresh LinkedIn connections do not all land in `today`. One transaction."""
    if imported is None and tag is None:
        raise ValidationFailed("filter", "name the contacts: --imported ID or --tag TAG")
    if not add_tags and tier is None:
        raise ValidationFailed("change", "say what to change: --add-tag or --tier")
    parsed = parse_tier(tier) if tier is not None else None
    with uow.write() as session:
        query = select(Contact).where(visible(Contact, actor))
        if imported is not None:
            query = query.where(Contact.import_id == imported)
        if tag is not None:
            query = query.where(Contact.tags.any(key=fold(tag)))
        chosen = session.scalars(query.order_by(Contact.id)).all()
        new_tags = common.tags_for(session, actor, add_tags or [])
        defaults = common.cadence_defaults_for(session, actor, lock=tier is not None)
        now = utcnow()
        for contact in chosen:
            contact.tags = contact.tags + [t for t in new_tags if t not in contact.tags]
            if tier is not None:
                contact.tier = parsed.value if parsed else None
                contact.cadence_days = resolve_cadence(parsed, None, defaults)
            contact.updated_at = now
        return len(chosen)
