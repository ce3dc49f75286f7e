"""Strength scores from the stored aggregates, as one viewer sees them (shared by the
strength, agenda, asks and paths services)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, DateTime, case, cast, func, literal, or_, select, true
from sqlalchemy.orm import Session

from goodwill.domain.people import Visibility
from goodwill.domain.strength import (
    COMPONENTS,
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
from goodwill.storage.aggregates import (
    as_touches,
    exp_neg,
    is_postgres,
    pow2,
    touch_rows,
    touch_select,
)
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
        # By id through the counterpart index: with the workspace clause alone in view,
        # SQLite reads every ledger entry of the workspace.
        mine = select(LedgerEntry.id).where(
            LedgerEntry.counterpart_id.in_(sorted(set(contact_ids)))
        )
        query = query.where(LedgerEntry.id.in_(mine))
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


# -- the same score, set-based, in SQL ---------------------------------------------------


def _seconds_since(session: Session, now: datetime, column: Any) -> Any:
    """Seconds from a stored UTC datetime to `now`, in the database's own arithmetic."""
    if is_postgres(session):
        naive = now.astimezone(UTC).replace(tzinfo=None)
        return func.extract("epoch", literal(naive, DateTime()) - column)
    stamp = now.astimezone(UTC).isoformat(" ", "microseconds")[:-6]
    return (func.julianday(stamp) - func.julianday(column)) * 86_400.0


def _days_since(session: Session, today: date, column: Any) -> Any:
    if is_postgres(session):
        return literal(today, Date()) - column
    return func.julianday(today.isoformat()) - func.julianday(column)


def _as_date(session: Session, column: Any) -> Any:
    if is_postgres(session):
        return cast(column, Date())
    return func.date(column)


def _least(session: Session, a: Any, b: Any) -> Any:
    """The smaller of two values (SQLite: NULL if either is; PostgreSQL ignores NULLs)."""
    return func.least(a, b) if is_postgres(session) else func.min(a, b)


def _greatest(session: Session, a: Any, b: Any) -> Any:
    return func.greatest(a, b) if is_postgres(session) else func.max(a, b)


def ranked_scores(
    session: Session,
    actor: Actor,
    now: datetime,
    settings: StrengthSettings,
    *,
    limit: int | None = None,
    as_it_was: bool = False,
) -> list[tuple[int, float]]:
    """(contact id, score) for every contact the actor may see, strongest first: the
    domain formula (`domain.strength.score`) computed by the database in one query.
    A test holds the two equal contact by contact, on SQLite and PostgreSQL.

    as_it_was: the score at `now` from what was known then — aggregates computed from
    the interactions before `now`, the ledger before it, a met-on date not after it.

    One GROUP BY over contacts joined to their aggregate rows, each expression written
    once (a materialized subquery of aggregates, or a CASE repeating its operand, cost
    SQLite a third of the time at 100k contacts; bench/bench_strength.py).
    """
    day = 86_400.0
    if as_it_was:
        src: Any = touch_select(
            session, actor.workspace_id, settings.half_life_days, before=now
        ).subquery()
    else:
        src = ContactTouch.__table__
    decay = pow2(
        session, -_seconds_since(session, now, src.c.last_at) / (settings.half_life_days * day)
    )
    channels = settings.channel_weights
    freq = func.sum(
        (src.c.d_meeting + src.c.d_call + src.c.d_message + src.c.d_email + src.c.d_social) * decay
    )
    deep = func.sum(
        (
            src.c.d_meeting * channels["meeting"]
            + src.c.d_call * channels["call"]
            + src.c.d_message * channels["message"]
            + src.c.d_email * channels["email"]
            + src.c.d_social * channels["social"]
        )
        * decay
    )  # fmt: skip
    them = func.sum(src.c.d_them * decay)
    last_at = func.max(src.c.last_at)
    gave = func.sum(case((LedgerEntry.direction == "gave", LedgerEntry.weight), else_=0))
    got = func.sum(case((LedgerEntry.direction == "received", LedgerEntry.weight), else_=0))
    books = (
        select(
            LedgerEntry.counterpart_id.label("cid"),
            gave.label("given"),
            got.label("received"),
        )
        .where(visible(LedgerEntry, actor))
        .where(LedgerEntry.occurred_on < now.date() if as_it_was else true())
        .group_by(LedgerEntry.counterpart_id)
        .subquery()
    )
    age = _greatest(session, _seconds_since(session, now, last_at), 0.0)
    recency = case(
        (last_at.is_(None), 0.0),
        else_=pow2(session, -age / (settings.recency_half_life_days * day)),
    )

    def saturated(amount: Any, scale: float) -> Any:
        return func.coalesce(1.0 - exp_neg(session, amount / scale), 0.0)

    frequency = saturated(freq, settings.frequency_saturation)
    depth = saturated(deep, settings.depth_saturation)
    initiative = saturated(them, settings.reciprocity_saturation)
    # One ledger row per contact: max() just lifts it into the group (grouping by it
    # too would cost SQLite a sort).
    given = func.coalesce(func.max(books.c.given), 0)
    received = func.coalesce(func.max(books.c.received), 0)
    exchanged = given + received
    balance = 1.0 - func.abs(given - received) * 1.0 / case((exchanged > 0, exchanged), else_=1)
    reciprocity = case((exchanged > 0, (initiative + balance) / 2.0), else_=initiative)
    first_day = _as_date(session, func.min(src.c.first_at))
    met_on: Any = Contact.met_on
    if as_it_was:  # not yet met then
        met_on = case((Contact.met_on > now.date(), None), else_=Contact.met_on)
    start = func.coalesce(_least(session, met_on, first_day), met_on, first_day)
    years = _greatest(session, _days_since(session, now.date(), start), 0) / 365.25
    duration = func.coalesce(_least(session, years / settings.duration_years, 1.0), 0.0)
    weights = settings.weights
    total = sum(weights.get(k, 0.0) for k in COMPONENTS)
    points = (
        100.0
        / total
        * (
            weights.get("recency", 0.0) * recency
            + weights.get("frequency", 0.0) * frequency
            + weights.get("depth", 0.0) * depth
            + weights.get("reciprocity", 0.0) * reciprocity
            + weights.get("duration", 0.0) * duration
        )
    ).label("score")
    seen = or_(src.c.owner_id == actor.user_id, src.c.visibility == "workspace")
    query = (
        select(Contact.id, points)
        .outerjoin(src, (src.c.contact_id == Contact.id) & seen)
        .outerjoin(books, books.c.cid == Contact.id)
        .where(visible(Contact, actor))
        .group_by(Contact.id)
        .order_by(points.desc(), Contact.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(cid, min(100.0, max(0.0, float(value)))) for cid, value in session.execute(query)]
