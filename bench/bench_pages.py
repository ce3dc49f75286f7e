"""Keyset pages of the API lists on a large network: the first page and a page from the
middle of the list, per sort, and (SQLite) the query plan of the deep page.

    python bench/bench_pages.py                                    # 100k contacts, 1M touches
    python bench/bench_pages.py --contacts 10000 --interactions 100000 --runs 5

A keyset page costs what the first page costs when an index serves the order; a deep
page far slower than the first one means the plan sorts or scans (see its plan).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench_core import bulk_load, generate, open_empty, pick_probes
from sqlalchemy import event, func, select

from goodwill.services import _paging as paging
from goodwill.services import asks, contacts, interactions, ledger, notes, organizations, tasks
from goodwill.services.accounts import local_actor
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork

Page = Callable[..., paging.Page[Any]]


def middle_key(uow: UnitOfWork, sort: paging.Sort, where: Any) -> list[Any] | None:
    """The key of the row halfway down the list (by OFFSET: the benchmark's only one)."""
    columns = [k.column for k in sort.keys] + [sort.id_column]
    with uow.read() as session:
        total = session.scalar(select(func.count()).select_from(sort.id_column.table).where(where))
        stmt = paging.seek(select(*columns).where(where), sort, None, None)
        row = session.execute(stmt.offset((total or 0) // 2).limit(1)).first()
    if row is None:
        return None
    return [v.isoformat() if isinstance(v, datetime | date) else v for v in row]


def timed(fn: Callable[[], Any], runs: int) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def plan_of(uow: UnitOfWork, call: Callable[[], Any]) -> list[str]:
    """EXPLAIN QUERY PLAN of the first statement `call` runs (SQLite only)."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    with uow.read() as session:
        engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return []
    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, params = next((s, p) for s, p in seen if "ORDER BY" in s and "LIMIT" in s)
    with uow.read() as session:
        raw = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        return [str(r[-1]) for r in raw]


def cases(
    actor: Actor, busy: int, quiet: int
) -> list[tuple[str, Page, dict[str, Any], paging.Sorts, Any]]:
    from goodwill.services._visibility import visible
    from goodwill.storage.schema import (
        Ask,
        Contact,
        Interaction,
        InteractionParticipant,
        LedgerEntry,
        Note,
        Organization,
        Task,
    )

    def of(contact: int) -> Any:
        return Interaction.id.in_(
            select(InteractionParticipant.interaction_id).where(
                InteractionParticipant.contact_id == contact
            )
        )

    return [
        ("contacts", contacts.contacts_page, {}, contacts.SORTS, visible(Contact, actor)),
        (
            "organizations",
            organizations.organizations_page,
            {},
            organizations.SORTS,
            visible(Organization, actor),
        ),
        (
            "interactions",
            interactions.interactions_page,
            {},
            interactions.SORTS,
            visible(Interaction, actor),
        ),
        *(
            (
                f"timeline #{who}",
                interactions.interactions_page,
                {"contact": who},
                interactions.SORTS,
                of(who),
            )
            for who in (busy, quiet)
        ),  # fmt: skip
        ("notes", notes.notes_page, {}, notes.SORTS, visible(Note, actor)),
        ("tasks", tasks.tasks_page, {}, tasks.SORTS, Task.owner_id == actor.user_id),
        ("ledger", ledger.ledger_page, {}, ledger.SORTS, LedgerEntry.owner_id == actor.user_id),
        ("asks", asks.asks_page, {}, asks.SORTS, Ask.owner_id == actor.user_id),
    ]


def run(url: str, args: argparse.Namespace) -> None:
    db = open_empty(url)
    try:
        print(f"load average at start: {os.getloadavg()}")
        actor = local_actor(db.uow)
        rows = generate(db.uow, actor, args.contacts, args.interactions, args.seed)
        busy = pick_probes(rows).busy_contact
        touches = Counter(p["contact_id"] for p in rows.participants)
        quiet = min(touches, key=lambda c: (touches[c], c))  # the fewest touches, yet some
        print(f"timelines: #{busy} with {touches[busy]} touches, #{quiet} with {touches[quiet]}")
        sizes = {n: len(getattr(rows, n, [])) for n in ("notes", "tasks", "asks", "ledger")}
        print(f"generated: {sizes}")
        load = bulk_load(db.uow, actor, rows)
        print(f"loaded {args.contacts} contacts, {args.interactions} touches: {load.total:.1f} s")
        del rows
        uow = db.uow
        print(f"{'list':<22}{'sort':<14}{'first page':>12}{'middle page':>13}  plan (middle page)")
        for name, fn, extra, sorts, where in cases(actor, busy, quiet):
            for sort in sorts.names:
                key = middle_key(uow, sorts.choose(sort), where)

                def first(fn: Page = fn, extra: dict[str, Any] = extra, sort: str = sort) -> Any:
                    return fn(actor, uow, sort=sort, limit=50, **extra)

                def deep(
                    fn: Page = fn, extra: dict[str, Any] = extra, sort: str = sort, key: Any = key
                ) -> Any:
                    return fn(actor, uow, sort=sort, after=key, limit=50, **extra)

                first_ms = timed(first, args.runs)
                deep_ms = timed(deep, args.runs) if key else float("nan")
                plan = " | ".join(plan_of(uow, deep)) if key else ""
                print(f"{name:<22}{sort:<14}{first_ms:>10.1f}ms{deep_ms:>11.1f}ms  {plan}")
        print(f"load average at end: {os.getloadavg()}")
    finally:
        db.close()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir)")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per page")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.db:
        run(args.db, args)
        return
    with tempfile.TemporaryDirectory(prefix="goodwill-pages-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'pages.db'}", args)


if __name__ == "__main__":
    main()
