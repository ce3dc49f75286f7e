"""Set-based maintenance of per-contact aggregates."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from goodwill.storage.schema import ContactTouch, Interaction, InteractionParticipant


def rebuild_touches(session: Session, contact_ids: Iterable[int] | None = None) -> None:
    """Recompute contact_touches from the interactions (for some contacts, or all)."""
    ids = None if contact_ids is None else sorted(set(contact_ids))
    if ids is not None and not ids:
        return
    clear = delete(ContactTouch)
    source = (
        select(
            InteractionParticipant.contact_id,
            Interaction.owner_id,
            Interaction.visibility,
            func.min(Interaction.occurred_at),
            func.max(Interaction.occurred_at),
            func.count(),
        )
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .where(Interaction.deleted_at.is_(None))
        .group_by(InteractionParticipant.contact_id, Interaction.owner_id, Interaction.visibility)
    )
    if ids is not None:
        clear = clear.where(ContactTouch.contact_id.in_(ids))
        source = source.where(InteractionParticipant.contact_id.in_(ids))
    session.execute(clear)
    session.execute(
        insert(ContactTouch).from_select(
            ["contact_id", "owner_id", "visibility", "first_at", "last_at", "touches"], source
        )
    )
