"""The trash: deleted records stay restorable for 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from goodwill.domain.people import Visibility
from goodwill.errors import Conflict, NotFound, ValidationFailed
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref, TrashItem
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import (
    Ask,
    Contact,
    ContactEmail,
    DiscoveryAnswer,
    Interaction,
    InteractionParticipant,
    LedgerEntry,
    Note,
    Organization,
    Task,
)
from goodwill.storage.unit_of_work import UnitOfWork

RETENTION_DAYS = 30
KINDS: dict[str, Any] = {
    "contact": Contact,
    "organization": Organization,
    "interaction": Interaction,
    "note": Note,
    "task": Task,
    "ledger": LedgerEntry,
    "ask": Ask,
    "discovery": DiscoveryAnswer,
}


def _label(kind: str, record: Any) -> str:
    if kind == "contact":
        return str(record.display_name)
    if kind == "organization":
        return str(record.name)
    if kind == "interaction":
        return f"{record.channel} on {record.occurred_at:%Y-%m-%d}"
    if kind == "note":
        return str(record.body[:60])
    if kind == "ledger":
        return f"{record.direction} {record.kind} on {record.occurred_on:%Y-%m-%d}"
    if kind == "ask":
        return f"{record.kind}: {record.what[:60]}"
    if kind == "discovery":
        return f"{record.question}: {record.answer[:60]}"
    return str(record.title)


def _restorable(model: Any, actor: Actor) -> ColumnElement[bool]:
    """Trashed records the actor may restore: their own, or shared ones for an admin.

    Seeing a shared record is not enough: a teammate's trash stays theirs, and an
    item the actor may not restore is as absent from their trash as a missing one.
    """
    trashed = and_(model.workspace_id == actor.workspace_id, model.deleted_at.is_not(None))
    mine = model.owner_id == actor.user_id
    if actor.is_admin:
        return and_(trashed, or_(mine, model.visibility == Visibility.WORKSPACE.value))
    return and_(trashed, mine)


def list_trash(actor: Actor, uow: UnitOfWork) -> list[TrashItem]:
    """What the actor may restore, newest first."""
    items: list[TrashItem] = []
    with uow.read() as session:
        for kind, model in KINDS.items():
            rows = session.scalars(select(model).where(_restorable(model, actor))).all()
            items += [TrashItem(kind, r.id, _label(kind, r), r.deleted_at) for r in rows]
    return sorted(items, key=lambda i: (i.deleted_at, i.kind, i.id), reverse=True)


def restore_from_trash(actor: Actor, uow: UnitOfWork, kind: str, record_id: int) -> Ref:
    model = KINDS.get(kind)
    if model is None:
        raise ValidationFailed("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    with uow.write() as session:
        record = session.scalars(
            select(model).where(model.id == record_id, _restorable(model, actor))
        ).one_or_none()
        if record is None:
            raise NotFound(f"no {kind} #{record_id} in the trash")
        if kind == "contact":
            _check_emails_free(session, actor, record)
        if kind == "organization":
            _check_name_free(session, actor, record)
        record.deleted_at = None
        session.flush()
        if kind == "interaction":
            rebuild_touches(session, _participants(session, [record_id]))
        return Ref(record.id, _label(kind, record))


def _check_emails_free(session: Session, actor: Actor, contact: Contact) -> None:
    """An email given to another contact while this one was in the trash blocks the restore."""
    emails = [e.email for e in contact.emails]
    if not emails:
        return
    clash = session.execute(
        select(ContactEmail.email, Contact)
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .where(ContactEmail.email.in_(emails), Contact.id != contact.id, visible(Contact, actor))
        .order_by(ContactEmail.email, Contact.id)
    ).first()
    if clash is not None:
        email, other = clash
        raise Conflict(
            f"{email} now belongs to #{other.id} {other.display_name}; "
            "remove it there before restoring"
        )


def _check_name_free(session: Session, actor: Actor, org: Organization) -> None:
    clash = session.scalars(
        select(Organization)
        .where(
            Organization.name_key == org.name_key,
            Organization.id != org.id,
            visible(Organization, actor),
        )
        .order_by(Organization.id)
    ).first()
    if clash is not None:
        raise Conflict(
            f"organization #{clash.id} {clash.name} now has that name; rename one before restoring"
        )


def _participants(session: Any, interaction_ids: list[int]) -> list[int]:
    return list(
        session.scalars(
            select(InteractionParticipant.contact_id).where(
                InteractionParticipant.interaction_id.in_(interaction_ids)
            )
        )
    )


def purge_trash(actor: Actor, uow: UnitOfWork, *, everything: bool = False) -> int:
    """Delete for good what the actor trashed more than 30 days ago (or all of it)."""
    cutoff: datetime = utcnow() - timedelta(days=0 if everything else RETENTION_DAYS)
    removed = 0
    with uow.write() as session:
        for model in (
            Task, Note, LedgerEntry, Ask, DiscoveryAnswer, Interaction, Contact, Organization,
        ):  # fmt: skip
            ids = list(
                session.scalars(
                    select(model.id).where(
                        model.workspace_id == actor.workspace_id,
                        model.owner_id == actor.user_id,
                        model.deleted_at.is_not(None),
                        model.deleted_at <= cutoff,
                    )
                )
            )
            if ids:
                session.execute(delete(model).where(model.id.in_(ids)))
                removed += len(ids)
    return removed
