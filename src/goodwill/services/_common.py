"""Helpers shared by the service modules (not use cases themselves)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, lazyload, load_only

from goodwill.domain.dates import local_date_of, parse_date
from goodwill.domain.people import (
    Tier,
    Visibility,
    normalize_email,
    parse_cadence_defaults,
    parse_visibility,
    tier_label,
)
from goodwill.domain.text import NAME_MAX, SHORT_MAX, clean_text, fold, like_escape
from goodwill.errors import Ambiguous, NotFound, ValidationFailed
from goodwill.services._visibility import (
    can_see,
    contact_label,
    get_visible,
    organization_label,
    visible,
)
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import ContactSummary, Ref, TaskView
from goodwill.storage.schema import (
    Contact,
    ContactEmail,
    ContactTouch,
    Organization,
    Tag,
    Task,
    Workspace,
)

CANDIDATES_SHOWN = 10


def as_date(value: date | str | None, field: str, actor: Actor) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    return parse_date(value, field, local_date_of(utcnow(), actor.tz))


def choose_visibility(session: Session, actor: Actor, value: str | None) -> str:
    if value is not None:
        return parse_visibility(value).value
    workspace = session.get_one(Workspace, actor.workspace_id)
    return Visibility(workspace.default_visibility).value


def cadence_defaults_for(session: Session, actor: Actor, *, lock: bool = False) -> dict[Tier, int]:
    """The actor's workspace's default cadence per tier (what a tier alone gives a contact).

    `lock` (when about to store one on a contact) holds the workspace row in KEY SHARE
    on PostgreSQL until commit: a concurrent change of the defaults, which locks the row
    FOR UPDATE, waits, so its move of the old default cannot miss this contact. SQLite's
    writers are serialized anyway."""
    query = select(Workspace.cadence_defaults).where(Workspace.id == actor.workspace_id)
    if lock:
        query = query.with_for_update(read=True, key_share=True)
    return parse_cadence_defaults(session.scalar(query))


def resolve_contact(
    session: Session, actor: Actor, ref: int | str, *, include_archived: bool = True
) -> Contact:
    """An id, an email, or a unique part of the name — among contacts the actor may see."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().lstrip("#").isdigit()):
        return get_visible(session, Contact, int(str(ref).strip().lstrip("#")), actor, "contact")
    text = clean_text(ref, "contact", max_len=500, required=True) or ""
    base = select(Contact).where(visible(Contact, actor))
    if not include_archived:
        base = base.where(Contact.archived_at.is_(None))
    if "@" in text:
        key = normalize_email(text, "contact")
        matches = list(
            session.scalars(
                base.where(
                    Contact.id.in_(select(ContactEmail.contact_id).where(ContactEmail.email == key))
                ).order_by(Contact.id)
            )
        )
        return _one(matches, f"no contact with email {key}", f"{key} matches several contacts")
    key = fold(text)
    if not key:
        raise NotFound(f"no contact matches '{text}'")
    matches = list(
        session.scalars(
            base.where(Contact.search_key.like(f"%{like_escape(key)}%", escape="\\"))
            .order_by(Contact.sort_key, Contact.id)
            .limit(200)
        )
    )
    exact = [c for c in matches if fold(c.display_name) == key]
    if len(exact) == 1:
        return exact[0]
    return _one(matches, f"no contact matches '{text}'", f"'{text}' matches several contacts")


def _one(matches: Sequence[Contact], missing: str, ambiguous: str) -> Contact:
    if not matches:
        raise NotFound(missing)
    if len(matches) > 1:
        shown = [f"#{c.id} {c.display_name}" for c in matches[:CANDIDATES_SHOWN]]
        if len(matches) > CANDIDATES_SHOWN:
            shown.append(f"… {len(matches) - CANDIDATES_SHOWN} more")
        raise Ambiguous(f"{ambiguous}; use the id", shown)
    return matches[0]


def resolve_organization(session: Session, actor: Actor, ref: int | str) -> Organization:
    if isinstance(ref, int) or ref.strip().lstrip("#").isdigit():
        return get_visible(
            session, Organization, int(str(ref).strip().lstrip("#")), actor, "organization"
        )
    text = clean_text(ref, "organization", max_len=500, required=True) or ""
    key = fold(text)
    if not key:
        raise NotFound(f"no organization matches '{text}'")
    matches = list(
        session.scalars(
            select(Organization)
            .where(
                visible(Organization, actor),
                Organization.name_key.like(f"%{like_escape(key)}%", escape="\\"),
            )
            .order_by(Organization.name_key, Organization.id)
            .limit(200)
        )
    )
    exact = [o for o in matches if o.name_key == key]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise NotFound(f"no organization matches '{text}'")
    if len(matches) > 1:
        shown = [f"#{o.id} {o.name}" for o in matches[:CANDIDATES_SHOWN]]
        raise Ambiguous(f"'{text}' matches several organizations; use the id", shown)
    return matches[0]


def tags_for(session: Session, actor: Actor, names: Iterable[str]) -> list[Tag]:
    """Get or create the workspace's tags by name (case- and accent-insensitive)."""
    result: list[Tag] = []
    for raw in names:
        name = clean_text(raw, "tag", max_len=100, required=True) or ""
        key = fold(name)
        if not key:
            raise ValidationFailed("tag", f"'{name}' has no letters or digits to match on")
        tag = session.scalars(
            select(Tag).where(Tag.workspace_id == actor.workspace_id, Tag.key == key)
        ).one_or_none()
        if tag is None:
            tag = Tag(workspace_id=actor.workspace_id, name=name, key=key)
            session.add(tag)
            session.flush()
        if tag not in result:
            result.append(tag)
    return result


def visible_touches(
    session: Session, actor: Actor, contact_ids: Iterable[int]
) -> dict[int, tuple[datetime, datetime, int]]:
    """(first, last, count) of the touches the actor may see, per contact."""
    ids = list(contact_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(
            ContactTouch.contact_id,
            func.min(ContactTouch.first_at),
            func.max(ContactTouch.last_at),
            func.sum(ContactTouch.touches),
        )
        .where(
            ContactTouch.contact_id.in_(ids),
            or_(
                ContactTouch.owner_id == actor.user_id,
                ContactTouch.visibility == Visibility.WORKSPACE.value,
            ),
        )
        .group_by(ContactTouch.contact_id)
    ).all()
    return {cid: (first, last, int(n)) for cid, first, last, n in rows}


def contact_summaries(
    session: Session, actor: Actor, contacts: Sequence[Contact]
) -> list[ContactSummary]:
    touches = visible_touches(session, actor, (c.id for c in contacts))
    return [
        ContactSummary(
            id=c.id,
            display_name=c.display_name,
            primary_email=c.emails[0].email if c.emails else None,
            primary_phone=c.phones[0].e164 if c.phones else None,
            tier=tier_label(c.tier),
            cadence_days=c.cadence_days,
            tags=sorted(t.name for t in c.tags),
            last_touch=touches[c.id][1] if c.id in touches else None,
            archived=c.archived_at is not None,
            visibility=c.visibility,
        )
        for c in contacts
    ]


def task_view(task: Task, actor: Actor, contact: Contact | None) -> TaskView:
    due_local = None
    if task.due_at is not None:
        local = task.due_at.astimezone(actor.tz)
        due_local = local.date().isoformat() if task.all_day else local.strftime("%Y-%m-%d %H:%M")
    return TaskView(
        id=task.id,
        title=task.title,
        due_at=task.due_at,
        due_local=due_local,
        all_day=task.all_day,
        snoozed_until=task.snoozed_until,
        done_at=task.done_at,
        recurrence=task.recurrence,
        contact=None if task.contact_id is None else contact_ref(contact, actor),
        visibility=task.visibility,
    )


def as_reference(contact: Any = Contact) -> tuple[Any, ...]:
    """Loader options for contacts (or an alias of them) shown as references: the columns
    a name and its visibility need, and none of the emails, phones and tags their
    relationships would load eagerly."""
    return (
        load_only(
            contact.display_name,
            contact.workspace_id,
            contact.owner_id,
            contact.visibility,
            contact.deleted_at,
        ),
        lazyload("*"),
    )


def contacts_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, Contact]:
    """These contacts in one statement, with their columns but not their collections
    (emails, phones, tags load when read): for views that name them. Held in the dict:
    the identity map alone would let each go and load it again."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    found = select(Contact).where(Contact.id.in_(wanted)).options(lazyload("*"))
    return {c.id: c for c in session.scalars(found)}


def contact_ref(contact: Contact | None, actor: Actor) -> Ref:
    if contact is None or not can_see(contact, actor):
        return Ref(None, contact_label(contact, actor))
    return Ref(contact.id, contact.display_name)


def org_ref(org: Organization | None, actor: Actor) -> Ref:
    if org is None or not can_see(org, actor):
        return Ref(None, organization_label(None, actor))
    return Ref(org.id, org.name)


def organization_key(name: str) -> str:
    """The folded name that matches and sorts."""
    return fold(name)


def merge_custom_fields(
    current: dict[str, Any] | None, changes: dict[str, str | None]
) -> dict[str, Any]:
    """Apply custom-field changes, checked like any text: None or blank removes a field."""
    fields = dict(current or {})
    for raw_key, raw_value in changes.items():
        key = clean_text(raw_key, "field name", max_len=100, required=True) or ""
        value = clean_text(raw_value, f"field {key}", max_len=SHORT_MAX * 4)
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    return fields


def find_or_create_organization(
    session: Session, actor: Actor, ref: str, visibility: str
) -> Organization:
    """An organization by id, or by exact (folded) name, created when there is none."""
    text = clean_text(ref, "organization", max_len=NAME_MAX, required=True) or ""
    if text.lstrip("#").isdigit():
        return resolve_organization(session, actor, text)
    existing = session.scalars(
        select(Organization)
        .where(visible(Organization, actor), Organization.name_key == organization_key(text))
        .order_by(Organization.id)
    ).first()
    if existing is not None:
        return existing
    now = utcnow()
    org = Organization(
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        visibility=visibility,
        name=text,
        name_key=organization_key(text),
        custom_fields={},
        created_at=now,
        updated_at=now,
    )
    session.add(org)
    session.flush()
    return org
