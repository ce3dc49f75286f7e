"""How two contacts become one: the plan a preview shows, and carrying it out.

Everything of the other contact moves onto the kept one, row by row, keeping row
ids (an import's undo log still points at the emails and phones it created);
rows that would repeat one of the kept contact's are dropped instead. `HANDLED`
names every foreign key to contacts.id this module moves: a test compares it
with the schema, so a table added later cannot be silently left behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from goodwill.domain.merging import MergeFields, merge_fields
from goodwill.domain.people import Visibility, contact_search_key, person_name
from goodwill.domain.text import fold
from goodwill.services import _common as common
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import PositionView
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import (
    Ask,
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactRelation,
    ContactTag,
    ContactTouch,
    DiscoveryAnswer,
    DuplicateDismissal,
    FieldProvenance,
    ImportChange,
    ImportKey,
    Interaction,
    InteractionParticipant,
    Introduction,
    LedgerEntry,
    Merge,
    NeedOffer,
    Note,
    Opportunity,
    Organization,
    Position,
    StoredDuplicate,
    Task,
)

# (table, column) of every foreign key to contacts.id, as moved below.
HANDLED = frozenset(
    {
        ("contact_emails", "contact_id"),
        ("contact_phones", "contact_id"),
        ("contact_links", "contact_id"),
        ("contact_tags", "contact_id"),
        ("positions", "contact_id"),
        ("interaction_participants", "contact_id"),
        ("contact_touches", "contact_id"),
        ("notes", "contact_id"),
        ("tasks", "contact_id"),
        ("ledger_entries", "counterpart_id"),
        ("ledger_entries", "related_contact_id"),
        ("asks", "contact_id"),
        ("asks", "target_contact_id"),
        ("import_keys", "contact_id"),
        ("import_changes", "contact_id"),
        ("field_provenance", "contact_id"),
        ("merges", "kept_contact_id"),
        ("duplicate_dismissals", "contact_a_id"),
        ("duplicate_dismissals", "contact_b_id"),
        ("duplicate_candidates", "contact_a_id"),
        ("duplicate_candidates", "contact_b_id"),
        ("contact_relations", "contact_a_id"),
        ("contact_relations", "contact_b_id"),
        ("discovery_answers", "contact_id"),
        ("needs_offers", "contact_id"),
        ("introductions", "requester_id"),
        ("introductions", "target_id"),
        ("opportunities", "contact_id"),
        ("opportunities", "source_contact_id"),
    }
)


@dataclass
class Plan:
    fields: MergeFields
    display_name: str
    emails: list[str]
    phones: list[str]
    links: list[str]
    tags: list[str]
    positions: list[PositionView]
    counts: dict[str, int]  # what moves from the other contact, as the actor may see it
    conflicts: list[str]


def _fields(c: Contact) -> MergeFields:
    return MergeFields(
        first_name=c.first_name,
        last_name=c.last_name,
        nickname=c.nickname,
        how_met=c.how_met,
        met_on=c.met_on,
        tier=c.tier,
        cadence_days=c.cadence_days,
        birthday_month=c.birthday_month,
        birthday_day=c.birthday_day,
        birthday_year=c.birthday_year,
        photo=c.photo,
        vcard_uid=c.vcard_uid,
        vcard_extra=list(c.vcard_extra or []),
        addresses=list(c.addresses or []),
        custom_fields=dict(c.custom_fields or {}),
    )


def _position_key(p: Position) -> tuple[Any, ...]:
    return (p.organization_id, fold(p.title or ""), p.start_date, p.end_date)


def _count(session: Session, model: Any, actor: Actor, *where: ColumnElement[bool]) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(*where, visible(model, actor)))
        or 0
    )


def plan_merge(session: Session, actor: Actor, keep: Contact, other: Contact) -> Plan:
    fields, conflicts = merge_fields(_fields(keep), _fields(other))
    _, _, display = person_name(fields.first_name, fields.last_name)
    kept_emails = {e.email for e in keep.emails}
    kept_phones = {p.e164 for p in keep.phones}
    links = {
        cid: list(session.scalars(select(ContactLink).where(ContactLink.contact_id == cid)))
        for cid in (keep.id, other.id)
    }
    kept_links = {link.key for link in links[keep.id]}
    kept_tags = {t.id for t in keep.tags}
    positions = session.execute(
        select(Position, Organization)
        .join(Organization, Organization.id == Position.organization_id)
        .where(Position.contact_id.in_([keep.id, other.id]))
        .order_by(Position.contact_id != keep.id, Position.id)
    ).all()
    kept_positions = {_position_key(p) for p, _ in positions if p.contact_id == keep.id}
    moving_positions = {
        p.id
        for p, _ in positions
        if p.contact_id == other.id and _position_key(p) not in kept_positions
    }
    participations = (
        select(func.count())
        .select_from(InteractionParticipant)
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .where(InteractionParticipant.contact_id == other.id, visible(Interaction, actor))
    )
    counts = {
        "emails": len([e for e in other.emails if e.email not in kept_emails]),
        "phones": len([p for p in other.phones if p.e164 not in kept_phones]),
        "links": len([link for link in links[other.id] if link.key not in kept_links]),
        "tags": len([t for t in other.tags if t.id not in kept_tags]),
        "positions": len(moving_positions),
        "interactions": int(session.scalar(participations) or 0),
        "ledger_entries": _count(
            session,
            LedgerEntry,
            actor,
            or_(
                LedgerEntry.counterpart_id == other.id,
                LedgerEntry.related_contact_id == other.id,
            ),
        ),
        "asks": _count(
            session, Ask, actor, or_(Ask.contact_id == other.id, Ask.target_contact_id == other.id)
        ),
        "tasks": _count(session, Task, actor, Task.contact_id == other.id),
        "notes": _count(session, Note, actor, Note.contact_id == other.id),
        "discovery_answers": _count(
            session, DiscoveryAnswer, actor, DiscoveryAnswer.contact_id == other.id
        ),
        "needs_offers": _count(session, NeedOffer, actor, NeedOffer.contact_id == other.id),
        "introductions": _count(
            session,
            Introduction,
            actor,
            or_(Introduction.requester_id == other.id, Introduction.target_id == other.id),
        ),
        "opportunities": _count(
            session,
            Opportunity,
            actor,
            or_(Opportunity.contact_id == other.id, Opportunity.source_contact_id == other.id),
        ),
    }
    if keep.visibility != other.visibility:
        if other.visibility == Visibility.PRIVATE.value:
            conflicts.append(
                "visibility: the other contact is private; its details join a contact "
                "your workspace sees"
            )
        else:
            conflicts.append(
                "visibility: the other contact is shared with the workspace; the merged "
                "contact stays private"
            )
    return Plan(
        fields=fields,
        display_name=display,
        emails=[e.email for e in keep.emails]
        + [e.email for e in other.emails if e.email not in kept_emails],
        phones=[p.e164 for p in keep.phones]
        + [p.e164 for p in other.phones if p.e164 not in kept_phones],
        links=[link.url for link in links[keep.id]]
        + [link.url for link in links[other.id] if link.key not in kept_links],
        tags=sorted({t.name for t in keep.tags} | {t.name for t in other.tags}, key=fold),
        positions=[
            PositionView(p.id, common.org_ref(o, actor), p.title, p.start_date, p.end_date)
            for p, o in positions
            if p.contact_id == keep.id or p.id in moving_positions
        ],
        counts=counts,
        conflicts=conflicts,
    )


def _move(session: Session, model: Any, column: Any, old: int, new: int) -> None:
    session.execute(
        update(model)
        .where(column == old)
        .values({column.key: new})
        .execution_options(synchronize_session=False)
    )


def execute_merge(session: Session, actor: Actor, keep: Contact, other: Contact, plan: Plan) -> int:
    """Carry out `plan`: keep absorbs other, other is deleted for good; the Merge row id."""
    k, o = keep.id, other.id
    other_name = other.display_name
    _apply_fields(keep, plan)
    session.flush()
    session.expunge(other)

    # Emails, phones, links: appended in order; ones keep already has are dropped.
    listed: tuple[tuple[Any, str], ...] = ((ContactEmail, "email"), (ContactPhone, "e164"))
    for model, value in listed:
        rows = session.execute(
            select(model.id, model.contact_id, getattr(model, value)).where(
                model.contact_id.in_([k, o])
            )
        ).all()
        kept = {v for _, cid, v in rows if cid == k}
        position = len(kept)
        for row_id, cid, v in sorted(rows, key=lambda r: r[0]):
            if cid != o:
                continue
            if v in kept:
                session.execute(delete(model).where(model.id == row_id))
            else:
                session.execute(
                    update(model).where(model.id == row_id).values(contact_id=k, position=position)
                )
                position += 1
    kept_links = set(session.scalars(select(ContactLink.key).where(ContactLink.contact_id == k)))
    session.execute(
        delete(ContactLink).where(ContactLink.contact_id == o, ContactLink.key.in_(kept_links))
    )
    _move(session, ContactLink, ContactLink.contact_id, o, k)

    kept_tags = select(ContactTag.tag_id).where(ContactTag.contact_id == k)
    session.execute(
        insert(ContactTag).from_select(
            ["contact_id", "tag_id"],
            select(literal(k), ContactTag.tag_id).where(
                ContactTag.contact_id == o, ContactTag.tag_id.not_in(kept_tags)
            ),
        )
    )
    session.execute(delete(ContactTag).where(ContactTag.contact_id == o))

    positions = session.scalars(select(Position).where(Position.contact_id.in_([k, o]))).all()
    kept_positions = {_position_key(p) for p in positions if p.contact_id == k}
    for p in positions:
        if p.contact_id == o:
            if _position_key(p) in kept_positions:
                session.delete(p)
            else:
                p.contact_id = k
    session.flush()

    both = select(InteractionParticipant.interaction_id).where(
        InteractionParticipant.contact_id == k
    )
    session.execute(
        delete(InteractionParticipant).where(
            InteractionParticipant.contact_id == o, InteractionParticipant.interaction_id.in_(both)
        )
    )
    _move(session, InteractionParticipant, InteractionParticipant.contact_id, o, k)
    session.execute(delete(ContactTouch).where(ContactTouch.contact_id == o))

    for model, column in (
        (Note, Note.contact_id),
        (Task, Task.contact_id),
        (LedgerEntry, LedgerEntry.counterpart_id),
        (LedgerEntry, LedgerEntry.related_contact_id),
        (Ask, Ask.contact_id),
        (Ask, Ask.target_contact_id),
        (ImportKey, ImportKey.contact_id),
        (ImportChange, ImportChange.contact_id),
        (Merge, Merge.kept_contact_id),
        (DiscoveryAnswer, DiscoveryAnswer.contact_id),
        (NeedOffer, NeedOffer.contact_id),
        (Introduction, Introduction.requester_id),
        (Introduction, Introduction.target_id),
        (Opportunity, Opportunity.contact_id),
        (Opportunity, Opportunity.source_contact_id),
    ):
        _move(session, model, column, o, k)

    # Provenance: keep's wins; other's comes along for the fields keep has none for.
    kept_fields = select(FieldProvenance.field).where(FieldProvenance.contact_id == k)
    session.execute(
        delete(FieldProvenance).where(
            FieldProvenance.contact_id == o, FieldProvenance.field.in_(kept_fields)
        )
    )
    _move(session, FieldProvenance, FieldProvenance.contact_id, o, k)

    _carry_dismissals(session, k, o)
    _carry_relations(session, k, o)
    # Every user's stored pairs with other go (keep's are re-scored when shown).
    session.execute(
        delete(StoredDuplicate).where(
            or_(StoredDuplicate.contact_a_id == o, StoredDuplicate.contact_b_id == o)
        )
    )
    session.execute(delete(Contact).where(Contact.id == o))
    merge = Merge(
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        kept_contact_id=k,
        merged_contact_id=o,
        details={
            "merged_contact": {"id": o, "display_name": other_name},
            "moved": plan.counts,
            "conflicts": plan.conflicts,
        },
        merged_at=utcnow(),
    )
    session.add(merge)
    session.flush()
    rebuild_touches(session, [k])
    session.expire(keep)
    return merge.id


def _apply_fields(keep: Contact, plan: Plan) -> None:
    f = plan.fields
    keep.first_name, keep.last_name, keep.display_name = person_name(f.first_name, f.last_name)
    keep.nickname = f.nickname
    keep.how_met = f.how_met
    keep.met_on = f.met_on
    keep.tier = f.tier
    keep.cadence_days = f.cadence_days
    keep.birthday_month, keep.birthday_day, keep.birthday_year = (
        f.birthday_month,
        f.birthday_day,
        f.birthday_year,
    )
    keep.photo = f.photo
    keep.vcard_uid = f.vcard_uid
    keep.vcard_extra = f.vcard_extra or None
    keep.addresses = f.addresses or None
    keep.custom_fields = f.custom_fields
    keep.search_key = contact_search_key(keep.display_name, keep.nickname, plan.emails)
    keep.sort_key = fold(" ".join(p for p in (keep.last_name, keep.first_name) if p))
    keep.updated_at = utcnow()


def _carry_dismissals(session: Session, k: int, o: int) -> None:
    """'X is not other' still holds for the merged contact: the dismissal moves to keep."""
    rows = session.execute(
        select(DuplicateDismissal).where(
            or_(DuplicateDismissal.contact_a_id == o, DuplicateDismissal.contact_b_id == o)
        )
    ).scalars()
    wanted = set()
    for row in rows:
        x = row.contact_b_id if row.contact_a_id == o else row.contact_a_id
        if x != k:
            wanted.add((row.owner_id, min(k, x), max(k, x)))
    session.execute(
        delete(DuplicateDismissal).where(
            or_(DuplicateDismissal.contact_a_id == o, DuplicateDismissal.contact_b_id == o)
        )
    )
    for owner_id, a, b in sorted(wanted):
        exists = session.scalar(
            select(DuplicateDismissal.id).where(
                and_(
                    DuplicateDismissal.owner_id == owner_id,
                    DuplicateDismissal.contact_a_id == a,
                    DuplicateDismissal.contact_b_id == b,
                )
            )
        )
        if exists is None:
            session.add(DuplicateDismissal(owner_id=owner_id, contact_a_id=a, contact_b_id=b))
    session.flush()


def _carry_relations(session: Session, k: int, o: int) -> None:
    """Who other knows, keep now knows: each relation re-pointed (smaller id first); one
    between the two becomes none, and of two for the same pair the stronger stays."""
    r = ContactRelation
    touching = or_(r.contact_a_id.in_([k, o]), r.contact_b_id.in_([k, o]))
    rows = session.scalars(select(r).where(touching).order_by(r.id)).all()
    best: dict[tuple[int, int, int], ContactRelation] = {}
    for row in rows:
        a = k if row.contact_a_id == o else row.contact_a_id
        b = k if row.contact_b_id == o else row.contact_b_id
        if a == b:
            session.delete(row)
            continue
        key = (row.owner_id, min(a, b), max(a, b))
        kept = best.get(key)
        if kept is None or row.strength > kept.strength:
            if kept is not None:
                session.delete(kept)
            best[key] = row
        else:
            session.delete(row)
    session.flush()  # deletions first: the unique pair must be free before re-pointing
    for (_, a, b), row in best.items():
        if (row.contact_a_id, row.contact_b_id) != (a, b):
            row.contact_a_id, row.contact_b_id = a, b
    session.flush()
