"""Measure the fixes in proposed.py against the code in src/, on the same data.

    python bench/experiments.py                          # SQLite, full size
    python bench/experiments.py --contacts 10000 --interactions 100000
    python bench/experiments.py --db postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL the script creates two scratch databases on that server
(goodwill_bench_exp_a and _b) and drops them at the end.

1. Bulk load: src (insert_rows) into database A, proposed (deferred indexes +
   fast_insert_rows) into database B; then every table is compared row by row.
2. Read paths on A: src code and proposed code (results checked equal), then
   both again after ANALYZE (do fresh planner statistics alone fix it?).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import bench_core
import proposed
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from goodwill.bootstrap import Database
from goodwill.demo.generator import NetworkRows
from goodwill.services.accounts import local_actor
from goodwill.services.actor import Actor
from goodwill.services.views import Agenda
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.bulk import sync_sequences
from goodwill.storage.schema import Base
from goodwill.storage.unit_of_work import UnitOfWork


def patched() -> tuple[str, ...]:
    """The src functions proposed.py replaces; its today_agenda only if Agenda is unchanged."""
    names = ("contact_timeline", "search_contacts")
    if {f.name for f in dataclasses.fields(Agenda)} == proposed.AGENDA_FIELDS:
        return ("today_agenda", *names)
    print("services/agenda.py has changed since proposed.today_agenda was copied: not compared")
    return names


@contextmanager
def scratch_database(url: str | None, suffix: str) -> Iterator[str]:
    """A fresh empty database: a temp SQLite file, or a new database on the given server."""
    if url is None or make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="goodwill-exp-") as tmp:
            yield f"sqlite:///{Path(tmp) / f'{suffix}.db'}"
        return
    name = f"goodwill_bench_exp_{suffix}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def fast_bulk_load(uow: UnitOfWork, rows: NetworkRows) -> bench_core.LoadReport:
    """bench_core.bulk_load with the proposed bulk path (fresh database: no tag remap)."""
    report = bench_core.LoadReport()
    plan = bench_core.load_plan(rows)
    with bench_core.stopwatch() as total:
        with uow.write() as session:
            with proposed.deferred_indexes(session, [name for name, _ in plan]):
                for name, table_rows in plan:
                    with bench_core.stopwatch() as took:
                        proposed.fast_insert_rows(session, name, table_rows)
                    report.tables.append((name, len(table_rows), took[0]))
                build_started = time.perf_counter()
            report.steps.append(("build indexes", time.perf_counter() - build_started))
            with bench_core.stopwatch() as took:
                sync_sequences(session, bench_core.sequenced())
            report.steps.append(("sync_sequences", took[0]))
            with bench_core.stopwatch() as took:
                rebuild_touches(session)
            report.steps.append(("rebuild_touches", took[0]))
            commit_started = time.perf_counter()
        report.steps.append(("commit", time.perf_counter() - commit_started))
    report.total = total[0]
    return report


LOADED = [name for name, _ in bench_core.load_plan(NetworkRows())] + ["contact_touches"]


def table_digests(db: Database) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row (in primary-key order) per loaded table."""
    digests = {}
    with db.engine.connect() as conn:
        for table in (Base.metadata.tables[name] for name in LOADED):
            order = ", ".join(c.name for c in table.primary_key.columns)
            digest = hashlib.sha256()
            count = 0
            result = conn.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY {order}")  # noqa: S608
            for row in result:
                digest.update(repr(tuple(row)).encode())
                count += 1
            digests[table.name] = (count, digest.hexdigest()[:16])
    return digests


def load_experiment(
    args: argparse.Namespace, stack: ExitStack
) -> tuple[Database, bench_core.Probes]:
    """Load A the src way and B the proposed way; return A for the read experiments."""
    url_a = stack.enter_context(scratch_database(args.db, "a"))
    db_a = bench_core.open_empty(url_a)
    stack.callback(db_a.close)
    actor = local_actor(db_a.uow)
    rows = bench_core.generate(db_a.uow, actor, args.contacts, args.interactions, args.seed)
    probes = bench_core.pick_probes(rows)
    src = bench_core.bulk_load(db_a.uow, actor, rows)
    if not args.skip_load:
        url_b = stack.enter_context(scratch_database(args.db, "b"))
        db_b = bench_core.open_empty(url_b)
        try:
            local_actor(db_b.uow)
            fast = fast_bulk_load(db_b.uow, rows)
            print_load(src, fast)
            same = table_digests(db_a) == table_digests(db_b)
            print(f"every table identical in A (src) and B (proposed): {same}")
        finally:
            db_b.close()
    del rows  # 2.5M dicts: the read paths should not pay for their garbage collection
    return db_a, probes


def print_load(src: bench_core.LoadReport, fast: bench_core.LoadReport) -> None:
    print(f"\n{'bulk load':<28}{'rows':>11}{'src s':>9}{'proposed s':>12}")
    for (name, count, before), (_, _, after) in zip(src.tables, fast.tables, strict=True):
        print(f"{name:<28}{count:>11,}{before:>9.2f}{after:>12.2f}")
    steps = dict(fast.steps)
    for name, before in src.steps:
        print(f"{name:<28}{'':>11}{before:>9.2f}{steps.pop(name, 0.0):>12.2f}")
    for name, after in steps.items():
        print(f"{name:<28}{'':>11}{'':>9}{after:>12.2f}")
    print(f"{'total':<28}{'':>11}{src.total:>9.2f}{fast.total:>12.2f}")


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    samples, _ = bench_core.measure(fn, runs)
    return statistics.median(samples), bench_core.p95(samples), fn()


def time_paths(
    actor: Actor,
    uow: UnitOfWork,
    probes: bench_core.Probes,
    runs: int,
    names: tuple[str, ...] = (),
) -> dict[str, tuple[float, float, Any]]:
    """Every read path, with src's functions except `names`, taken from proposed.py."""
    originals = {name: getattr(bench_core, name) for name in names}
    for name in originals:
        setattr(bench_core, name, getattr(proposed, name))
    try:
        return {name: timed(fn, runs) for name, fn, _ in bench_core.read_paths(actor, uow, probes)}
    finally:
        for name, fn in originals.items():
            setattr(bench_core, name, fn)


def read_experiment(db: Database, probes: bench_core.Probes, runs: int) -> None:
    actor = local_actor(db.uow)
    names = patched()
    columns = {
        "src": time_paths(actor, db.uow, probes, runs),
        "proposed": time_paths(actor, db.uow, probes, runs, names),
    }
    with bench_core.stopwatch() as took:
        analyze(db)
    print(f"\nANALYZE took {took[0]:.2f} s")
    columns["src+ANALYZE"] = time_paths(actor, db.uow, probes, runs)
    columns["proposed+ANALYZE"] = time_paths(actor, db.uow, probes, runs, names)
    print(f"{'read path: median / p95 ms':<48}", end="")
    print("".join(f"{name:>18}" for name in columns), "  same result")
    for name, (_, _, result) in columns["src"].items():
        cells = "".join(
            f"{med:>10.1f} /{p95:>6.0f}" for med, p95, _ in (c[name] for c in columns.values())
        )
        same = all(result == c[name][2] for c in columns.values())
        print(f"{name[:48]:<48}{cells}  {same}")


def analyze(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description="measure proposed.py against src/")
    parser.add_argument("--db", help="PostgreSQL server URL (default: SQLite temp files)")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-load", action="store_true", help="only the read experiments")
    args = parser.parse_args()
    with ExitStack() as stack:
        db, probes = load_experiment(args, stack)
        read_experiment(db, probes, args.runs)


if __name__ == "__main__":
    main()
