"""Strength scores from the stored aggregates, as one viewer sees them (shared by the
strength, agenda, asks and paths services)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from goodwill.domain.people import Visibility
from goodwill.domain.strength import (
    Ledger,
    Strength,
    StrengthSettings,
    Touches,
    combine,
    parse_settings,
    score,
)
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor
from goodwill.storage.aggregates import as_touches, touch_rows
from goodwill.storage.schema import Contact, ContactTouch, LedgerEntry, Workspace

CHUNK = 5_000
TREND_DAYS = 90


def settings_for(session: Session, actor: Actor) -> StrengthSettings:
    stored = session.scalar(
        select(Workspace.strength_settings).where(Workspace.id == actor.workspace_id)
    )
    return parse_settings(stored)


def _seen(actor: Actor) -> Any:
    return or_(
        ContactTouch.owner_id == actor.user_id,
        ContactTouch.visibility == Visibility.WORKSPACE.value,
    )


def visible_aggregates(
    session: Session, actor: Actor, contact_ids: Sequence[int] | None, half_life: float
) -> dict[int, Touches]:
    """Each contact's touches as the actor sees them (their own and shared ones).

    contact_ids None: every contact the actor may see (one pass, for rankings).
    """
    columns = [getattr(ContactTouch, c.name) for c in ContactTouch.__table__.columns]
    query = select(*columns).where(_seen(actor))
    parts: dict[int, list[Touches]] = {}
    if contact_ids is None:
        query = query.join(Contact, Contact.id == ContactTouch.contact_id).where(
            visible(Contact, actor)
        )
        chunks: Iterable[Sequence[int] | None] = [None]
    else:
        unique = sorted(set(contact_ids))
        chunks = [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]
    for chunk in chunks:
        stmt = query if chunk is None else query.where(ContactTouch.contact_id.in_(chunk))
        for row in session.execute(stmt).mappings():
            parts.setdefault(row["contact_id"], []).append(as_touches(row))
    combined: dict[int, Touches] = {}
    for contact_id, items in parts.items():
        touches = items[0] if len(items) == 1 else combine(items, half_life)
        if touches is not None:
            combined[contact_id] = touches
    return combined


def ledgers(
    session: Session, actor: Actor, contact_ids: Sequence[int] | None, before: date | None = None
) -> dict[int, Ledger]:
    """Given and received (by weight) per counterpart, of the entries the actor may see."""
    query = (
        select(LedgerEntry.counterpart_id, LedgerEntry.direction, func.sum(LedgerEntry.weight))
        .where(visible(LedgerEntry, actor))
        .group_by(LedgerEntry.counterpart_id, LedgerEntry.direction)
    )
    if before is not None:
        query = query.where(LedgerEntry.occurred_on < before)
    if contact_ids is not None:
        query = query.where(LedgerEntry.counterpart_id.in_(sorted(set(contact_ids))))
    given: dict[int, int] = {}
    received: dict[int, int] = {}
    for contact_id, direction, weight in session.execute(query):
        (given if direction == "gave" else received)[contact_id] = int(weight or 0)
    return {c: Ledger(given.get(c, 0), received.get(c, 0)) for c in {*given, *received}}


@dataclass(frozen=True)
class Scored:
    contact_id: int
    strength: Strength
    touches: Touches | None
    ledger: Ledger


def score_contacts(
    session: Session,
    actor: Actor,
    now: datetime,
    contact_ids: Sequence[int] | None = None,
    settings: StrengthSettings | None = None,
) -> dict[int, Scored]:
    """Scores now, from the stored aggregates (contact_ids None: every visible contact)."""
    settings = settings or settings_for(session, actor)
    aggregates = visible_aggregates(session, actor, contact_ids, settings.half_life_days)
    books = ledgers(session, actor, contact_ids)
    met = _met_on(session, actor, contact_ids)
    ids = set(met) if contact_ids is None else set(contact_ids) & set(met)
    result: dict[int, Scored] = {}
    for contact_id in ids:
        touches = aggregates.get(contact_id)
        ledger = books.get(contact_id, Ledger())
        strength = score(touches, now, settings, ledger, met[contact_id])
        result[contact_id] = Scored(contact_id, strength, touches, ledger)
    return result


def scores_before(
    session: Session,
    actor: Actor,
    now: datetime,
    contact_ids: Sequence[int] | None,
    settings: StrengthSettings,
    days: int = TREND_DAYS,
) -> dict[int, float]:
    """Scores as they were `days` ago: folded from the interactions before then."""
    then = now - timedelta(days=days)
    parts: dict[int, list[Touches]] = {}
    for row in touch_rows(session, contact_ids, before=then):
        if row["owner_id"] == actor.user_id or row["visibility"] == Visibility.WORKSPACE.value:
            parts.setdefault(row["contact_id"], []).append(as_touches(row))
    books = ledgers(session, actor, contact_ids, before=then.date())
    met = _met_on(session, actor, contact_ids)
    result: dict[int, float] = {}
    for contact_id, met_on in met.items():
        if met_on is not None and met_on > then.date():
            met_on = None
        touches = combine(parts.get(contact_id, []), settings.half_life_days)
        ledger = books.get(contact_id, Ledger())
        result[contact_id] = score(touches, then, settings, ledger, met_on).score
    return result


def _met_on(
    session: Session, actor: Actor, contact_ids: Sequence[int] | None
) -> dict[int, date | None]:
    query = select(Contact.id, Contact.met_on).where(visible(Contact, actor))
    if contact_ids is None:
        found: dict[int, date | None] = {}
        found.update((cid, met) for cid, met in session.execute(query))
        return found
    unique = sorted(set(contact_ids))
    found = {}
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        found.update((cid, met) for cid, met in session.execute(query.where(Contact.id.in_(chunk))))
    return found
