"""Core benchmark: bulk load of a large network, then the hot read paths.

Run on demand, never in CI:

    python bench/bench_core.py                       # fresh SQLite file in a temp dir
    python bench/bench_core.py --contacts 10000 --interactions 100000
    python bench/bench_core.py --db postgresql+psycopg://postgres@127.0.0.1:5432/goodwill_bench

The database must be empty (a PostgreSQL one is migrated by the script). Prints
each figure beside its target (2 cores, SQLite) with PASS or MISS.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import select

from goodwill.bootstrap import Database, open_database
from goodwill.demo.generator import NetworkRows, Owner, StartIds, generate_network
from goodwill.services.accounts import local_actor
from goodwill.services.actor import Actor, utcnow
from goodwill.services.agenda import today_agenda
from goodwill.services.contacts import search_contacts, show_contact
from goodwill.services.interactions import contact_timeline
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.bulk import (
    analyze,
    deferred_indexes,
    insert_rows,
    next_id,
    sync_sequences,
)
from goodwill.storage.schema import Base, Tag, Workspace
from goodwill.storage.unit_of_work import UnitOfWork

LOAD_TARGET_S = 20.0
TODAY_TARGET_MS = 200.0
SEARCH_TARGET_MS = 50.0
RAW_ROWS = 1_000_000


@dataclass
class LoadReport:
    tables: list[tuple[str, int, float]] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)
    total: float = 0.0


@dataclass(frozen=True)
class Probes:
    """Search terms and a contact taken from the generated data, so every search hits."""

    last_name: str
    phone: str
    email_prefix: str
    busy_contact: int
    busy_interactions: int


@dataclass(frozen=True)
class ReadFigure:
    name: str
    median_ms: float
    p95_ms: float
    rows: int
    target_ms: float | None


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Yields a one-element list that holds the elapsed seconds once the block ends."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def open_empty(url: str) -> Database:
    db = open_database(url, upgrade=True)
    with db.uow.read() as session:
        if next_id(session, "contacts") != 1:
            db.close()
            sys.exit(f"{url} already holds contacts: give the benchmark an empty database")
    return db


def generate(
    uow: UnitOfWork, actor: Actor, contacts: int, interactions: int, seed: int
) -> NetworkRows:
    with uow.read() as session:
        workspace = session.get_one(Workspace, actor.workspace_id)
        owner = Owner(
            actor.workspace_id, actor.user_id, workspace.default_visibility, actor.timezone
        )
        start = StartIds(
            organization=next_id(session, "organizations"),
            contact=next_id(session, "contacts"),
            interaction=next_id(session, "interactions"),
            tag=next_id(session, "tags"),
        )
    return generate_network(contacts, seed, utcnow(), owner, start, interactions=interactions)


def load_plan(rows: NetworkRows) -> list[tuple[str, list[dict[str, Any]]]]:
    """Tables in the order services/demo.py build_demo inserts them (parents first).

    Asks and ledger entries are skipped on a checkout whose schema predates them.
    """
    plan = [
        ("organizations", rows.organizations),
        ("tags", rows.tags),
        ("contacts", rows.contacts),
        ("contact_emails", rows.emails),
        ("contact_phones", rows.phones),
        ("positions", rows.positions),
        ("contact_tags", rows.contact_tags),
        ("interactions", rows.interactions),
        ("interaction_participants", rows.participants),
        ("notes", rows.notes),
        ("asks", getattr(rows, "asks", [])),
        ("tasks", rows.tasks),
        ("ledger_entries", getattr(rows, "ledger", [])),
    ]
    return [(name, table_rows) for name, table_rows in plan if name in Base.metadata.tables]


def sequenced() -> list[str]:
    """Tables whose generated rows carry explicit ids (PostgreSQL sequences move past them)."""
    names = ["organizations", "tags", "contacts", "interactions", "asks"]
    return [name for name in names if name in Base.metadata.tables]


def bulk_load(uow: UnitOfWork, actor: Actor, rows: NetworkRows) -> LoadReport:
    """One write transaction, as build_demo does it; each step timed on its own."""
    report = LoadReport()
    with stopwatch() as total:
        with uow.write() as session:
            known: dict[str, int] = {
                row.key: row.id
                for row in session.execute(
                    select(Tag.key, Tag.id).where(Tag.workspace_id == actor.workspace_id)
                )
            }
            remap = {t["id"]: known[t["key"]] for t in rows.tags if t["key"] in known}
            rows.tags = [t for t in rows.tags if t["key"] not in known]
            for link in rows.contact_tags:
                link["tag_id"] = remap.get(link["tag_id"], link["tag_id"])
            plan = load_plan(rows)
            tables = [name for name, _ in plan]
            # As build_demo does into an empty database: indexes built once, after.
            with deferred_indexes(session, tables):
                for name, table_rows in plan:
                    with stopwatch() as took:
                        insert_rows(session, name, table_rows)
                    report.tables.append((name, len(table_rows), took[0]))
                index_started = time.perf_counter()
            report.steps.append(("build indexes", time.perf_counter() - index_started))
            with stopwatch() as took:
                sync_sequences(session, sequenced())
            report.steps.append(("sync_sequences", took[0]))
            with stopwatch() as took:
                rebuild_touches(session)
            report.steps.append(("rebuild_touches (+ anchors)", took[0]))
            with stopwatch() as took:
                analyze(session, [*tables, "contact_touches"])
            report.steps.append(("analyze (PostgreSQL only)", took[0]))
            commit_started = time.perf_counter()
        report.steps.append(("commit", time.perf_counter() - commit_started))
    report.total = total[0]
    return report


def raw_sqlite_baseline(count: int = RAW_ROWS) -> float:
    """The product owner's comparison: executemany of 4-column rows into a fresh table."""
    with tempfile.TemporaryDirectory(prefix="goodwill-raw-") as tmp:
        conn = sqlite3.connect(Path(tmp) / "raw.db")
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, contact_id INTEGER, "
                "occurred_at TEXT, summary TEXT)"
            )
            data = [
                (i, i % 100_000, f"2024-01-{1 + i % 28:02d} 10:00:00", f"summary {i}")
                for i in range(1, count + 1)
            ]
            with stopwatch() as took, conn:
                conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", data)
            return took[0]
        finally:
            conn.close()


def pick_probes(rows: NetworkRows) -> Probes:
    last_name = Counter(c["last_name"] for c in rows.contacts).most_common(1)[0][0]
    digits = rows.phones[len(rows.phones) // 2]["e164"][2:]  # +1 4155550123 -> 4155550123
    phone = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    email = rows.emails[len(rows.emails) // 3]["email"]
    local = email.split("@")[0]
    email_prefix = local[: local.index(".") + 4] if "." in local else local[:6]
    busy, touches = Counter(p["contact_id"] for p in rows.participants).most_common(1)[0]
    return Probes(last_name, phone, email_prefix, busy, touches)


def measure(fn: Callable[[], Any], runs: int) -> tuple[list[float], int]:
    """One warm-up call, then `runs` timed calls; returns milliseconds and the result size."""
    result = fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, _size(result)


def _size(result: Any) -> int:
    if isinstance(result, list):
        return len(result)
    lapsed_total = getattr(result, "lapsed_total", None)
    if lapsed_total is not None:
        return len(result.overdue_tasks) + len(result.due_today) + int(lapsed_total)
    return 1


def p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def read_paths(
    actor: Actor, uow: UnitOfWork, probes: Probes
) -> list[tuple[str, Callable[[], Any], float | None]]:
    return [
        ("today_agenda", lambda: today_agenda(actor, uow), TODAY_TARGET_MS),
        (
            f"search name '{probes.last_name}'",
            lambda: search_contacts(actor, uow, probes.last_name),
            SEARCH_TARGET_MS,
        ),
        (
            f"search phone '{probes.phone}'",
            lambda: search_contacts(actor, uow, probes.phone),
            SEARCH_TARGET_MS,
        ),
        (
            f"search email '{probes.email_prefix}'",
            lambda: search_contacts(actor, uow, probes.email_prefix),
            SEARCH_TARGET_MS,
        ),
        (
            f"contact_timeline #{probes.busy_contact} ({probes.busy_interactions} touches)",
            lambda: contact_timeline(actor, uow, probes.busy_contact, limit=50),
            None,
        ),
        (
            f"show_contact #{probes.busy_contact}",
            lambda: show_contact(actor, uow, probes.busy_contact),
            None,
        ),
    ]


def time_reads(actor: Actor, uow: UnitOfWork, probes: Probes, runs: int) -> list[ReadFigure]:
    figures = []
    for name, fn, target in read_paths(actor, uow, probes):
        samples, size = measure(fn, runs)
        figures.append(ReadFigure(name, statistics.median(samples), p95(samples), size, target))
    return figures


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return "-"
    return "PASS" if value <= target else "MISS"


def machine(db: Database) -> str:
    """What the figures were measured on; a busy machine (load average) skews them."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            server = f"SQLite {sqlite3.sqlite_version}"
        else:
            server = str(conn.exec_driver_sql("SHOW server_version").scalar())
            server = f"PostgreSQL {server.split()[0]}"
    return (
        f"{os.cpu_count()} CPUs, {memory:.0f} GiB RAM, Python {platform.python_version()}, "
        f"{server}, SQLAlchemy {sqlalchemy.__version__}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def print_report(
    url: str,
    machine_before: str,
    generation_s: float,
    load: LoadReport,
    raw_s: float | None,
    reads: list[ReadFigure],
    runs: int,
) -> None:
    print(f"\ngoodwill core benchmark — {_redact(url)}")
    print(f"at start: {machine_before}")
    print(f"at end:   load average {os.getloadavg()[0]:.2f}")
    print(f"generation (not part of the load target): {generation_s:8.2f} s\n")
    print(f"{'bulk load step':<28}{'rows':>11}{'seconds':>10}{'rows/s':>12}")
    for name, count, seconds in load.tables:
        rate = f"{count / seconds:,.0f}" if seconds > 0 and count else "-"
        print(f"{name:<28}{count:>11,}{seconds:>10.2f}{rate:>12}")
    for name, seconds in load.steps:
        print(f"{name:<28}{'':>11}{seconds:>10.2f}")
    rows_total = sum(count for _, count, _ in load.tables)
    print(f"{'total':<28}{rows_total:>11,}{load.total:>10.2f}{rows_total / load.total:>12,.0f}")
    if raw_s is not None:
        print(
            f"{'raw sqlite3 executemany':<28}{RAW_ROWS:>11,}{raw_s:>10.2f}"
            f"{RAW_ROWS / raw_s:>12,.0f}"
        )
    print(
        f"\n{'read path (warm, ' + str(runs) + ' runs)':<52}{'median ms':>10}{'p95 ms':>9}"
        f"{'rows':>6}{'target':>9}  result"
    )
    for f in reads:
        target = f"<= {f.target_ms:.0f}" if f.target_ms is not None else ""
        print(
            f"{f.name:<52}{f.median_ms:>10.1f}{f.p95_ms:>9.1f}{f.rows:>6}{target:>9}  "
            f"{verdict(f.median_ms, f.target_ms)}"
        )
    print(
        f"\nbulk load (all tables + touches): {load.total:.2f} s, target <= {LOAD_TARGET_S:.0f} s: "
        f"{verdict(load.total, LOAD_TARGET_S)}"
    )


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir)")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per read path")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw sqlite3 comparison")
    return parser.parse_args(argv)


def run(url: str, args: argparse.Namespace) -> None:
    db = open_empty(url)
    try:
        before = machine(db)
        actor = local_actor(db.uow)
        with stopwatch() as gen:
            rows = generate(db.uow, actor, args.contacts, args.interactions, args.seed)
        probes = pick_probes(rows)
        load = bulk_load(db.uow, actor, rows)
        del rows
        raw_s = None if args.no_raw else raw_sqlite_baseline()
        reads = time_reads(actor, db.uow, probes, args.runs)
        print_report(url, before, gen[0], load, raw_s, reads, args.runs)
    finally:
        db.close()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.db:
        run(args.db, args)
        return
    with tempfile.TemporaryDirectory(prefix="goodwill-bench-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)


if __name__ == "__main__":
    main()
