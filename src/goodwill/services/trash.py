"""The trash: deleted records stay restorable for 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from goodwill.errors import NotFound, ValidationFailed
from goodwill.services._visibility import get_visible, require_owner, visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref, TrashItem
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import (
    Contact,
    Interaction,
    InteractionParticipant,
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
    return str(record.title)


def list_trash(actor: Actor, uow: UnitOfWork) -> list[TrashItem]:
    """What the actor deleted (and may see), newest first."""
    items: list[TrashItem] = []
    with uow.read() as session:
        for kind, model in KINDS.items():
            rows = session.scalars(
                select(model).where(
                    visible(model, actor, include_deleted=True), model.deleted_at.is_not(None)
                )
            ).all()
            items += [TrashItem(kind, r.id, _label(kind, r), r.deleted_at) for r in rows]
    return sorted(items, key=lambda i: (i.deleted_at, i.kind, i.id), reverse=True)


def restore_from_trash(actor: Actor, uow: UnitOfWork, kind: str, record_id: int) -> Ref:
    model = KINDS.get(kind)
    if model is None:
        raise ValidationFailed("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    with uow.write() as session:
        record = get_visible(session, model, record_id, actor, kind, include_deleted=True)
        if record.deleted_at is None:
            raise NotFound(f"{kind} #{record_id} is not in the trash")
        require_owner(record, actor, "restore")
        record.deleted_at = None
        session.flush()
        if kind == "interaction":
            rebuild_touches(session, _participants(session, [record_id]))
        return Ref(record.id, _label(kind, record))


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
        for model in (Task, Note, Interaction, Contact, Organization):
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
