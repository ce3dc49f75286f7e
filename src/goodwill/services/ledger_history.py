"""The ledger over time: gives and receives per month, and the running balance.

Counted in SQL (GROUP BY year, month, direction) over the actor's own entries, so a
ledger of any length costs one indexed aggregate, never a load of every entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, cast, extract, func, select

from goodwill.domain.dates import local_date_of
from goodwill.domain.ledger import Direction
from goodwill.errors import ValidationFailed
from goodwill.services import ledger
from goodwill.services._paging import Page
from goodwill.services.actor import Actor, utcnow
from goodwill.services.ledger import (
    BalanceView,
    LedgerEntryView,
    TakerView,
    _balance,
    _own_live_entries,
)
from goodwill.storage.schema import LedgerEntry
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


def ledger_history(actor: Actor, uow: UnitOfWork, months: int = 12) -> LedgerHistory:
    """The last `months` months up to this one (the actor's time zone), oldest first."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed("months", f"must be between 1 and {MAX_MONTHS}")
    starts = _month_starts(local_date_of(utcnow(), actor.tz), months)
    year = cast(extract("year", LedgerEntry.occurred_on), Integer)
    month = cast(extract("month", LedgerEntry.occurred_on), Integer)
    with uow.read() as session:
        opening = _balance(session, actor, None, None, None, starts[0] - timedelta(days=1))
        rows = session.execute(
            select(year, month, LedgerEntry.direction, func.sum(LedgerEntry.weight), func.count())
            .where(_own_live_entries(actor), LedgerEntry.occurred_on >= starts[0])
            .group_by(year, month, LedgerEntry.direction)
        ).all()
    sums: dict[tuple[int, int, str], tuple[int, int]] = {
        (int(y), int(m), str(d)): (int(w or 0), int(n)) for y, m, d, w, n in rows
    }
    running = opening.balance
    found = []
    for start in starts:
        gave = sums.get((start.year, start.month, Direction.GAVE.value), (0, 0))
        got = sums.get((start.year, start.month, Direction.RECEIVED.value), (0, 0))
        running += gave[0] - got[0]
        found.append(LedgerMonth(start, gave[0], got[0], gave[1], got[1], running))
    return LedgerHistory(found, opening.balance)


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
    """The actor's whole ledger at a glance (each part its own indexed query)."""
    return LedgerOverview(
        ledger.ledger_balance(actor, uow),
        ledger_history(actor, uow, months),
        ledger.ledger_takers(actor, uow, limit=takers),
        ledger.ledger_page(actor, uow, sort=sort, after=after, limit=limit),
    )
