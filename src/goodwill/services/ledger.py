"""The give/take ledger: record what was given and received, balances, takers.

The ledger is the acting user's own: balances and takers count only the entries
they own (a teammate's shared entries belong to the teammate's ledger).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from goodwill.domain.dates import local_date_of
from goodwill.domain.ledger import Balance, Direction, parse_ledger_kind, parse_weight
from goodwill.domain.people import Visibility
from goodwill.domain.text import SUMMARY_MAX, clean_text
from goodwill.errors import ValidationFailed
from goodwill.services import _common as common
from goodwill.services import _paging as paging
from goodwill.services._memo import memoized
from goodwill.services._visibility import get_visible, require_owner
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import Ref
from goodwill.storage.schema import Contact, LedgerCounterpartTotal, LedgerEntry
from goodwill.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class LedgerEntryView:
    id: int
    direction: str
    kind: str
    counterpart: Ref
    related: Ref | None
    weight: int
    occurred_on: date
    note: str | None
    ask_id: int | None
    visibility: str
    owner_id: int


@dataclass(frozen=True)
class BalanceView:
    """Given weight minus received weight (positive: the user gave more)."""

    contact: Ref | None  # None: the whole ledger
    since: date | None
    until: date | None
    given_weight: int
    received_weight: int
    given_count: int
    received_count: int
    balance: int


@dataclass(frozen=True)
class TakerView:
    """Someone the user has taken from more than given to."""

    contact: Ref
    given_weight: int
    received_weight: int
    balance: int


def record_give(
    actor: Actor,
    uow: UnitOfWork,
    counterpart: int | str,
    kind: str,
    *,
    weight: int | str = 1,
    on: date | str | None = None,
    note: str | None = None,
    related: int | str | None = None,
    visibility: str | None = None,
) -> LedgerEntryView:
    """Something the user gave (an introduction made: to the person it helps, related to
    the person introduced)."""
    return _record(
        actor, uow, Direction.GAVE, counterpart, kind, weight, on, note, related, visibility
    )


def record_receive(
    actor: Actor,
    uow: UnitOfWork,
    counterpart: int | str,
    kind: str,
    *,
    weight: int | str = 1,
    on: date | str | None = None,
    note: str | None = None,
    related: int | str | None = None,
    visibility: str | None = None,
) -> LedgerEntryView:
    """Something the user received."""
    return _record(
        actor, uow, Direction.RECEIVED, counterpart, kind, weight, on, note, related, visibility
    )


def _record(
    actor: Actor,
    uow: UnitOfWork,
    direction: Direction,
    counterpart: int | str,
    kind: str,
    weight: int | str,
    on: date | str | None,
    note: str | None,
    related: int | str | None,
    visibility: str | None,
) -> LedgerEntryView:
    ledger_kind = parse_ledger_kind(kind)
    amount = parse_weight(weight)
    text = clean_text(note, "note", max_len=SUMMARY_MAX, multiline=True)
    today = local_date_of(utcnow(), actor.tz)
    day = common.as_date(on, "on", actor) or today
    if day > today:
        raise ValidationFailed(
            "on", f"{day.isoformat()} is in the future; record it once it happens"
        )
    with uow.write() as session:
        person = common.resolve_contact(session, actor, counterpart)
        other = common.resolve_contact(session, actor, related) if related is not None else None
        if other is not None and other.id == person.id:
            raise ValidationFailed("related", "must be someone other than the counterpart")
        entry = new_entry(
            session,
            actor,
            direction=direction,
            kind=ledger_kind.value,
            counterpart=person,
            related_id=other.id if other else None,
            weight=amount,
            day=day,
            note=text,
            visibility=visibility,
        )
        return entry_view(session, actor, entry)


def new_entry(
    session: Session,
    actor: Actor,
    *,
    direction: Direction,
    kind: str,
    counterpart: Contact,
    related_id: int | None,
    weight: int,
    day: date,
    note: str | None,
    visibility: str | None,
    ask_id: int | None = None,
) -> LedgerEntry:
    """Add an entry in the caller's transaction; private when the counterpart is."""
    default = Visibility.PRIVATE.value if counterpart.visibility == Visibility.PRIVATE else None
    now = utcnow()
    entry = LedgerEntry(
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        visibility=common.choose_visibility(session, actor, visibility or default),
        direction=direction.value,
        kind=kind,
        counterpart_id=counterpart.id,
        related_contact_id=related_id,
        weight=weight,
        occurred_on=day,
        note=note,
        ask_id=ask_id,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def entry_view(session: Session, actor: Actor, entry: LedgerEntry) -> LedgerEntryView:
    return entry_views(session, actor, [entry])[0]


def entry_views(
    session: Session, actor: Actor, entries: Sequence[LedgerEntry]
) -> list[LedgerEntryView]:
    """Views of entries, their contacts loaded in one statement (and held: the identity
    map alone would let each go and load it again for the next entry)."""
    ids = {e.counterpart_id for e in entries} | {
        e.related_contact_id for e in entries if e.related_contact_id is not None
    }
    people = common.contacts_by_id(session, ids)
    return [
        LedgerEntryView(
            id=entry.id,
            direction=entry.direction,
            kind=entry.kind,
            counterpart=common.contact_ref(people[entry.counterpart_id], actor),
            related=None
            if entry.related_contact_id is None
            else common.contact_ref(people[entry.related_contact_id], actor),
            weight=entry.weight,
            occurred_on=entry.occurred_on,
            note=entry.note,
            ask_id=entry.ask_id,
            visibility=entry.visibility,
            owner_id=entry.owner_id,
        )
        for entry in entries
    ]


def _own_live_entries(actor: Actor) -> ColumnElement[bool]:
    """The actor's own entries, out of the trash, about contacts out of the trash
    (an entry about a trashed contact waits there with it)."""
    # An alias, so a query that also joins Contact does not correlate with this one.
    counterpart = aliased(Contact)
    return and_(
        LedgerEntry.workspace_id == actor.workspace_id,
        LedgerEntry.owner_id == actor.user_id,
        LedgerEntry.deleted_at.is_(None),
        ~exists().where(
            counterpart.id == LedgerEntry.counterpart_id, counterpart.deleted_at.is_not(None)
        ),
    )


SORTS = paging.Sorts(
    paging.one_key("-occurred_on", LedgerEntry.id, LedgerEntry.occurred_on, "date"),
    paging.one_key("occurred_on", LedgerEntry.id, LedgerEntry.occurred_on, "date"),
)


def list_ledger(
    actor: Actor, uow: UnitOfWork, *, contact: int | str | None = None, limit: int = 100
) -> list[LedgerEntryView]:
    """The actor's own entries (with one counterpart, if given), newest first."""
    return ledger_page(actor, uow, contact=contact, limit=limit).items


def ledger_page(
    actor: Actor,
    uow: UnitOfWork,
    *,
    contact: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 100,
) -> paging.Page[LedgerEntryView]:
    """The actor's own entries (with one counterpart; between two dates inclusive),
    newest first by default."""
    order = SORTS.choose(sort)
    start = common.as_date(since, "since", actor)
    end = common.as_date(until, "until", actor)
    with uow.read() as session:
        stmt = select(LedgerEntry).where(_own_live_entries(actor))
        if contact is not None:
            person = common.resolve_contact(session, actor, contact)
            stmt = stmt.where(LedgerEntry.counterpart_id == person.id)
        if start is not None:
            stmt = stmt.where(LedgerEntry.occurred_on >= start)
        if end is not None:
            stmt = stmt.where(LedgerEntry.occurred_on <= end)
        rows = session.scalars(paging.seek(stmt, order, after, limit)).all()
        found, next_key = paging.cut(rows, order, limit)
        return paging.page_of(entry_views(session, actor, found), order, next_key)


def balance_with(session: Session, actor: Actor, contact_id: int | None) -> BalanceView:
    """The actor's whole-ledger balance with one contact, inside a caller's transaction."""
    return _balance(session, actor, contact_id, None, None, None)


def _balance(
    session: Session,
    actor: Actor,
    contact_id: int | None,
    ref: Ref | None,
    since: date | None,
    until: date | None,
) -> BalanceView:
    stmt = select(LedgerEntry.direction, func.sum(LedgerEntry.weight), func.count()).where(
        _own_live_entries(actor)
    )
    if contact_id is not None:
        stmt = stmt.where(LedgerEntry.counterpart_id == contact_id)
    if since is not None:
        stmt = stmt.where(LedgerEntry.occurred_on >= since)
    if until is not None:
        stmt = stmt.where(LedgerEntry.occurred_on <= until)
    rows = {
        d: (int(w), int(n)) for d, w, n in session.execute(stmt.group_by(LedgerEntry.direction))
    }
    given = rows.get(Direction.GAVE.value, (0, 0))
    received = rows.get(Direction.RECEIVED.value, (0, 0))
    totals = Balance(given[0], received[0], given[1], received[1])
    return BalanceView(
        contact=ref,
        since=since,
        until=until,
        given_weight=totals.given_weight,
        received_weight=totals.received_weight,
        given_count=totals.given_count,
        received_count=totals.received_count,
        balance=totals.balance,
    )


def ledger_balance(
    actor: Actor,
    uow: UnitOfWork,
    contact: int | str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> BalanceView:
    """The balance with one contact, or over the whole ledger, between two dates inclusive."""
    start = common.as_date(since, "since", actor)
    end = common.as_date(until, "until", actor)
    if start is not None and end is not None and start > end:
        raise ValidationFailed("since", f"{start.isoformat()} is after until {end.isoformat()}")
    with uow.read() as session:
        person = common.resolve_contact(session, actor, contact) if contact is not None else None
        ref = common.contact_ref(person, actor) if person is not None else None
        return _balance(session, actor, person.id if person else None, ref, start, end)


@memoized()  # served again while no ledger entry or contact was written
def ledger_takers(actor: Actor, uow: UnitOfWork, limit: int = 20) -> list[TakerView]:
    """People the user has received more from than given to, most negative first.

    From the per-counterpart totals the database keeps, in balance order (an index), so
    the list costs the same on a ledger of any length; contacts in the trash are left
    out with all their entries."""
    totals = LedgerCounterpartTotal
    with uow.read() as session:
        rows = session.execute(
            select(totals.counterpart_id, totals.given, totals.received, totals.balance)
            .join(Contact, Contact.id == totals.counterpart_id)
            .where(
                totals.workspace_id == actor.workspace_id,
                totals.owner_id == actor.user_id,
                totals.balance < 0,
                Contact.deleted_at.is_(None),
            )
            .order_by(totals.balance, Contact.sort_key, totals.counterpart_id)
            .limit(max(1, limit))
        ).all()
        people = {
            c.id: c
            for c in session.scalars(select(Contact).where(Contact.id.in_([r[0] for r in rows])))
        }
        return [
            TakerView(common.contact_ref(people[cid], actor), int(g), int(r), int(b))
            for cid, g, r, b in rows
        ]


def delete_ledger_entry(actor: Actor, uow: UnitOfWork, entry_id: int) -> Ref:
    """Move an entry to the trash (restorable for 30 days)."""
    with uow.write() as session:
        entry = get_visible(session, LedgerEntry, entry_id, actor, "ledger entry")
        require_owner(entry, actor, "delete")
        entry.deleted_at = utcnow()
        return Ref(entry.id, f"{entry.direction} {entry.kind} on {entry.occurred_on.isoformat()}")
