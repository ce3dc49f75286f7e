"""The ledger over time: gives and receives per month, and the running balance.

Counted in SQL (GROUP BY month bucket and direction) over the actor's own entries: a
ledger of any length costs one aggregate pass, never a load of every entry.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from goodwill.domain.dates import local_date_of
from goodwill.domain.ledger import Balance, Direction
from goodwill.errors import ValidationFailed
from goodwill.services import ledger
from goodwill.services._memo import memoized
from goodwill.services._paging import Page
from goodwill.services.actor import Actor, utcnow
from goodwill.services.ledger import (
    BalanceView,
    LedgerEntryView,
    TakerView,
)
from goodwill.storage.schema import Contact, LedgerEntry, LedgerMonthTotal
from goodwill.storage.unit_of_work import UnitOfWork

MAX_MONTHS = 60


@dataclass(frozen=True)
class LedgerMonth:
    """One month: weight given and received in it, and the balance at its end."""

    month: date  # the first day of the month
    given_weight: int
    received_weight: int
    given_count: int
    received_count: int
    balance: int  # the whole ledger's balance at the end of this month


@dataclass(frozen=True)
class LedgerHistory:
    months: list[LedgerMonth]
    opening_balance: int  # the balance before the first month shown
    totals: Balance  # the whole ledger, every month and before

    @property
    def balance(self) -> int:
        return self.months[-1].balance if self.months else self.opening_balance


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def _local_day(actor: Actor) -> Hashable:
    """The months end with the actor's today."""
    return local_date_of(utcnow(), actor.tz)


@memoized(_local_day)  # served again while no ledger entry or contact was written
def ledger_history(actor: Actor, uow: UnitOfWork, months: int = 12) -> LedgerHistory:
    """The last `months` months up to this one (the actor's time zone), oldest first.

    From the per-month totals the database keeps (a few rows a month, whatever the
    ledger's length), less the entries about contacts in the trash, which wait there
    with them (a short list, from the trashed-contacts index)."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed("months", f"must be between 1 and {MAX_MONTHS}")
    starts = _month_starts(local_date_of(utcnow(), actor.tz), months)
    own_totals = and_(
        LedgerMonthTotal.workspace_id == actor.workspace_id,
        LedgerMonthTotal.owner_id == actor.user_id,
    )
    with uow.read() as session:
        rows = session.execute(
            select(
                LedgerMonthTotal.month,
                LedgerMonthTotal.direction,
                LedgerMonthTotal.weight,
                LedgerMonthTotal.entries,
            ).where(own_totals)
        ).all()
        # The trash is small: its contacts first (SQLite is told to use the partial
        # index; without statistics it would walk the workspace's contacts), then their
        # entries, by the (owner, counterpart) index.
        in_trash = list(
            session.scalars(
                select(Contact.id)
                .with_hint(Contact, "INDEXED BY ix_contacts_trashed", "sqlite")
                .where(Contact.workspace_id == actor.workspace_id, Contact.deleted_at.is_not(None))
            )
        )
        trashed: list[Any] = []
        for offset in range(0, len(in_trash), 500):
            chunk = in_trash[offset : offset + 500]
            trashed += session.execute(
                select(
                    LedgerEntry.occurred_on,
                    LedgerEntry.direction,
                    func.sum(LedgerEntry.weight),
                    func.count(),
                )
                .where(
                    LedgerEntry.owner_id == actor.user_id,
                    LedgerEntry.counterpart_id.in_(chunk),
                    LedgerEntry.workspace_id == actor.workspace_id,
                    LedgerEntry.deleted_at.is_(None),
                )
                .group_by(LedgerEntry.occurred_on, LedgerEntry.direction)
            ).all()
    sums: dict[tuple[int, str], list[int]] = {}

    def bucket(day: date) -> int:
        return next((i for i in range(len(starts) - 1, -1, -1) if day >= starts[i]), -1)

    for day, direction, weight, entries, sign in [
        *((d, r, w, n, 1) for d, r, w, n in rows),
        *((d, r, w, n, -1) for d, r, w, n in trashed),
    ]:
        slot = sums.setdefault((bucket(day), str(direction)), [0, 0])
        slot[0] += sign * int(weight or 0)
        slot[1] += sign * int(entries)

    def of(index: int, direction: Direction) -> tuple[int, int]:
        weight, entries = sums.get((index, direction.value), (0, 0))
        return weight, entries

    gave_before, got_before = of(-1, Direction.GAVE), of(-1, Direction.RECEIVED)
    opening = gave_before[0] - got_before[0]
    running = opening
    found = []
    for i, start in enumerate(starts):
        gave, got = of(i, Direction.GAVE), of(i, Direction.RECEIVED)
        running += gave[0] - got[0]
        found.append(LedgerMonth(start, gave[0], got[0], gave[1], got[1], running))
    totals = Balance(
        gave_before[0] + sum(m.given_weight for m in found),
        got_before[0] + sum(m.received_weight for m in found),
        gave_before[1] + sum(m.given_count for m in found),
        got_before[1] + sum(m.received_count for m in found),
    )
    return LedgerHistory(found, opening, totals)


@dataclass(frozen=True)
class LedgerOverview:
    """The Ledger screen: the balance, its history, the takers and a page of entries."""

    balance: BalanceView
    history: LedgerHistory
    takers: list[TakerView]
    entries: Page[LedgerEntryView]


def ledger_overview(
    actor: Actor,
    uow: UnitOfWork,
    *,
    sort: str | None = None,
    after: Sequence[Any] | None = None,
    limit: int = 25,
    months: int = 12,
    takers: int = 10,
) -> LedgerOverview:
    """The actor's whole ledger at a glance: the balance comes with its history (one
    pass), then the takers and a keyset page of entries."""
    history = ledger_history(actor, uow, months)
    t = history.totals
    balance = BalanceView(None, None, None, t.given_weight, t.received_weight, t.given_count,
                          t.received_count, t.balance)  # fmt: skip
    return LedgerOverview(
        balance,
        history,
        ledger.ledger_takers(actor, uow, limit=takers),
        ledger.ledger_page(actor, uow, sort=sort, after=after, limit=limit),
    )
