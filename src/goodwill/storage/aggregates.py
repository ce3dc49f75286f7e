"""Set-based maintenance of per-contact aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from goodwill.domain.agenda import cadence_anchor, day_number
from goodwill.domain.dates import local_date_of, zone
from goodwill.storage.schema import (
    Base,
    Contact,
    ContactTouch,
    Interaction,
    InteractionParticipant,
    User,
)

CHUNK = 5_000  # ids per IN list: under every database's bound-parameter limit


def _chunks(ids: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def rebuild_touches(session: Session, contact_ids: Iterable[int] | None = None) -> None:
    """Recompute contact_touches from the interactions (for some contacts, or all),
    then the contacts' cadence anchors."""
    ids = None if contact_ids is None else sorted(set(contact_ids))
    if ids is not None and not ids:
        return
    for chunk in _chunks(ids):
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
            .group_by(
                InteractionParticipant.contact_id, Interaction.owner_id, Interaction.visibility
            )
        )
        if chunk is not None:
            clear = clear.where(ContactTouch.contact_id.in_(chunk))
            source = source.where(InteractionParticipant.contact_id.in_(chunk))
        session.execute(clear)
        session.execute(
            insert(ContactTouch).from_select(
                ["contact_id", "owner_id", "visibility", "first_at", "last_at", "touches"], source
            )
        )
    refresh_touch_anchors(session, ids)


def refresh_touch_anchors(
    session: Session, contact_ids: Iterable[int] | None = None, *, owner_id: int | None = None
) -> None:
    """Recompute Contact.touch_anchor_day (for some contacts, one owner's, or all).

    The owner sees their own touches and the workspace's shared ones; the day is
    taken in the owner's time zone, so a change of time zone calls this too.
    """
    ids = None if contact_ids is None else sorted(set(contact_ids))
    if ids is not None and not ids:
        return
    seen_by_owner = (
        select(ContactTouch.contact_id, func.max(ContactTouch.last_at).label("last_at"))
        .join(Contact, Contact.id == ContactTouch.contact_id)
        .where(
            or_(ContactTouch.owner_id == Contact.owner_id, ContactTouch.visibility == "workspace")
        )
        .group_by(ContactTouch.contact_id)
    )
    zones: dict[str, ZoneInfo] = {}
    table = Base.metadata.tables["contacts"]
    for chunk in _chunks(ids):
        touches = seen_by_owner
        stmt = select(Contact.id, User.timezone, Contact.met_on, Contact.created_at).join(
            User, User.id == Contact.owner_id
        )
        if chunk is not None:
            touches = touches.where(ContactTouch.contact_id.in_(chunk))
            stmt = stmt.where(Contact.id.in_(chunk))
        if owner_id is not None:
            stmt = stmt.where(Contact.owner_id == owner_id)
        last = touches.subquery()
        rows = session.execute(
            stmt.add_columns(last.c.last_at).outerjoin(last, last.c.contact_id == Contact.id)
        ).all()
        values = []
        for cid, tz_name, met_on, created_at, last_at in rows:
            tz = zones.setdefault(tz_name, zone(tz_name))
            last_day = local_date_of(last_at, tz) if last_at is not None else None
            anchor = cadence_anchor(last_day, met_on, local_date_of(created_at, tz))
            values.append({"cid": cid, "day": day_number(anchor)})
        if values:
            session.execute(
                update(table)
                .where(table.c.id == bindparam("cid"))
                .values(touch_anchor_day=bindparam("day")),
                values,
            )
