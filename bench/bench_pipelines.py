"""Pipeline reports benchmark: 100k opportunities with 500k stage events, every report.

Run on demand, never in CI:

    python bench/bench_pipelines.py                     # fresh SQLite file in a temp dir
    python bench/bench_pipelines.py --opportunities 10000 --events 50000
    python bench/bench_pipelines.py --db postgresql+psycopg://user:pw@host/empty_db
    python bench/bench_pipelines.py --pg-scratch postgresql+psycopg://user:pw@host/any_db

`--pg-scratch` creates a database of its own on that server, runs there and drops it.
A small network (contacts, organizations, positions, interactions, ledger) is loaded
first as `goodwill demo` does, so attribution has relationships to look at; then the
opportunities and events are bulk-inserted (storage.bulk), 70 % in a sales pipeline and
30 % in a job search, with skipped stages, backward moves, wins and losses. Each report
runs through its service (visibility, SQL, domain math), median of warm runs, against
the target of 1 s per report.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_core import bulk_load, generate, machine, open_empty  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from goodwill.domain.text import fold  # noqa: E402
from goodwill.services import goals, reports  # noqa: E402
from goodwill.services.accounts import local_actor  # noqa: E402
from goodwill.services.actor import Actor  # noqa: E402
from goodwill.storage.bulk import (  # noqa: E402
    analyze,
    deferred_indexes,
    insert_rows,
    reserve_ids,
    sync_sequences,
)
from goodwill.storage.memo import Memo  # noqa: E402
from goodwill.storage.schema import Contact, Organization, Pipeline, PipelineStage  # noqa: E402
from goodwill.storage.unit_of_work import UnitOfWork  # noqa: E402

TARGET_S = 1.0
SALES = [("prospect", 0.1, None), ("discovery", 0.2, None), ("proposal", 0.5, None),
         ("negotiation", 0.75, None), ("won", 1.0, "won"), ("lost", 0.0, "lost"),
         ("qualified-out", 0.0, "lost")]  # fmt: skip
JOBS = [("target", 0.02, None), ("networking", 0.05, None), ("applied", 0.1, None),
        ("screen", 0.2, None), ("interviews", 0.4, None), ("offer", 0.8, None),
        ("accepted", 1.0, "won"), ("rejected", 0.0, "lost"),
        ("withdrawn", 0.0, "lost")]  # fmt: skip
REASONS = ["no budget", "went with a competitor", "treats us as order-takers", "scope creep",
           "late payment history", None]  # fmt: skip


Stages = list[tuple[int, str | None]]


def add_pipeline(
    uow: UnitOfWork, actor: Actor, name: str, kind: str, spec: list[tuple[str, float, str | None]]
) -> tuple[int, Stages]:
    now = datetime.now(UTC)
    job = kind == "job_search"
    with uow.write() as s:
        p = Pipeline(workspace_id=actor.workspace_id, owner_id=actor.user_id, visibility="private",
                     name=name, name_key=fold(name), kind=kind, created_at=now, updated_at=now,
                     target_salary_e4=1_200_000_000 if job else None,
                     currency="EUR" if job else None,
                     started_on=date.today() - timedelta(days=200) if job else None)  # fmt: skip
        s.add(p)
        s.flush()
        stages = [PipelineStage(pipeline_id=p.id, name=n, name_key=fold(n), position=i,
                                probability=prob, outcome=o)
                  for i, (n, prob, o) in enumerate(spec)]  # fmt: skip
        s.add_all(stages)
        s.flush()
        return p.id, [(st.id, st.outcome) for st in stages]


def make_rows(
    rng: random.Random,
    actor: Actor,
    pipeline_id: int,
    stages: list[tuple[int, str | None]],
    count: int,
    events: int,
    people: Sequence[int],
    orgs: Sequence[int],
    ids: tuple[list[int], list[int]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` opportunities with `events` stage events between them."""
    open_ids = [sid for sid, o in stages if o is None]
    won = [sid for sid, o in stages if o == "won"]
    lost = [sid for sid, o in stages if o == "lost"]
    opp_ids, event_ids = ids
    lengths = [1] * count
    for _ in range(events - count):  # spread the remaining events at random
        lengths[rng.randrange(count)] += 1
    now = datetime.now(UTC)
    start = now - timedelta(days=730)
    opps, evs = [], []
    e = 0
    for n, (oid, length) in enumerate(zip(opp_ids, lengths, strict=True)):
        at = start + timedelta(seconds=rng.randrange(700 * 86_400))
        index = rng.randrange(2)
        stage = open_ids[index]
        previous = None
        closed_at = None
        for step in range(length):
            if step:
                at += timedelta(seconds=rng.randrange(600, 20 * 86_400))
                roll = rng.random()
                if step == length - 1 and roll < 0.45:
                    stage = rng.choice(won if roll < 0.15 else lost)
                    closed_at = at
                else:
                    index = (
                        max(0, index - 1)
                        if roll < 0.6 and index
                        else min(len(open_ids) - 1, index + rng.randrange(1, 3))
                    )
                    stage = open_ids[index]
            evs.append({"id": event_ids[e], "opportunity_id": oid, "kind": "stage",
                        "from_stage_id": previous, "to_stage_id": stage,
                        "at": min(at, now)})  # fmt: skip
            e += 1
            previous = stage
        opened = evs[e - length]["at"]
        opps.append({
            "id": oid, "workspace_id": actor.workspace_id, "owner_id": actor.user_id,
            "visibility": "private", "created_at": now, "updated_at": now,
            "pipeline_id": pipeline_id, "stage_id": stage, "title": f"Opportunity {n}",
            "contact_id": rng.choice(people) if rng.random() < 0.8 else None,
            "organization_id": rng.choice(orgs) if rng.random() < 0.5 else None,
            "value_e4": rng.randrange(1_000, 200_000) * 10_000 if rng.random() < 0.9 else None,
            "currency": rng.choice(["EUR", "EUR", "USD", "GBP"]),
            "source": rng.choice(["cold", "cold", "referral", "introduction", "inbound"]),
            "opened_at": opened,
            "closed_at": None if closed_at is None else min(closed_at, now),
            "close_reason": rng.choice(REASONS) if stage in lost else None,
        })  # fmt: skip
    return opps, evs


def load_pipelines(
    uow: UnitOfWork, actor: Actor, opportunities: int, events: int, seed: int
) -> float:
    rng = random.Random(seed)
    sales = add_pipeline(uow, actor, "Sales", "sales", SALES)
    jobs = add_pipeline(uow, actor, "Job search", "job_search", JOBS)
    with uow.read() as s:
        people = list(s.scalars(select(Contact.id)))
        orgs = list(s.scalars(select(Organization.id)))
    started = time.perf_counter()
    with uow.write() as s:
        # SQLite hands out ids after the largest: reserve them all at once, then split.
        n_sales, ev_sales = int(opportunities * 0.7), int(events * 0.7)
        opp_ids = reserve_ids(s, "opportunities", opportunities)
        event_ids = reserve_ids(s, "opportunity_events", events)
        plan = [
            make_rows(rng, actor, sales[0], sales[1], n_sales, ev_sales, people, orgs,
                      (opp_ids[:n_sales], event_ids[:ev_sales])),
            make_rows(rng, actor, jobs[0], jobs[1], opportunities - n_sales, events - ev_sales,
                      people, orgs, (opp_ids[n_sales:], event_ids[ev_sales:])),
        ]  # fmt: skip
        with deferred_indexes(s, ["opportunities", "opportunity_events"]):
            for opps, evs in plan:
                insert_rows(s, "opportunities", opps)
                insert_rows(s, "opportunity_events", evs)
        sync_sequences(s, ["opportunities", "opportunity_events"])
        analyze(s, ["opportunities", "opportunity_events", "pipeline_stages"])
    for metric, target in (("touches", 10), ("networking", 5), ("applications", 5), ("gives", 3)):
        goals.set_goal(actor, uow, metric, target)
    return time.perf_counter() - started


def report_calls(actor: Actor, uow: UnitOfWork) -> list[tuple[str, Callable[[], Any]]]:
    # The reports' memo (storage.memo) would serve every warm run from memory: time the
    # computation, which the first read after any write pays.
    uow.memo = Memo(size=0)
    return [
        ("funnel (sales)", lambda: reports.funnel_report(actor, uow, pipeline="Sales")),
        ("funnel (job search)", lambda: reports.funnel_report(actor, uow, pipeline="Job search")),
        ("aging (sales)", lambda: reports.aging_report(actor, uow, pipeline="Sales")),
        ("forecast", lambda: reports.forecast_report(actor, uow)),
        ("jobsearch", lambda: reports.jobsearch_report(actor, uow)),
        ("attribution", lambda: reports.attribution_report(actor, uow)),
        ("funnel (sales, last 90 days)",
         lambda: reports.funnel_report(actor, uow, pipeline="Sales", since="-13w")),
        ("goals", lambda: goals.goals_report(actor, uow)),
    ]  # fmt: skip


def run(url: str, args: argparse.Namespace) -> None:
    db = open_empty(url)
    try:
        before = machine(db)
        actor = local_actor(db.uow)
        rows = generate(db.uow, actor, args.contacts, args.interactions, args.seed)
        network = bulk_load(db.uow, actor, rows)
        del rows
        load_s = load_pipelines(db.uow, actor, args.opportunities, args.events, args.seed)
        print(f"\ngoodwill pipeline reports benchmark — {make_url(url).render_as_string()}")
        print(f"at start: {before}")
        print(f"network: {args.contacts:,} contacts, {args.interactions:,} interactions "
              f"(loaded in {network.total:.1f} s)")  # fmt: skip
        print(f"pipelines: {args.opportunities:,} opportunities, {args.events:,} stage events "
              f"bulk-inserted in {load_s:.1f} s\n")  # fmt: skip
        print(f"{'report (warm, ' + str(args.runs) + ' runs)':<34}{'median s':>10}{'max s':>8}"
              f"{'target':>9}  result")  # fmt: skip
        for name, fn in report_calls(actor, db.uow):
            fn()  # warm
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - started)
            med = statistics.median(samples)
            verdict = "PASS" if med <= TARGET_S else "MISS"
            print(f"{name:<34}{med:>10.3f}{max(samples):>8.3f}{'<= 1.0':>9}  {verdict}")
        print(f"at end: load average {os.getloadavg()[0]:.2f}")
    finally:
        db.close()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="an empty database (default: SQLite in a temp dir)")
    parser.add_argument("--pg-scratch", help="a PostgreSQL server URL: create, use, drop a db")
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per report")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.events < args.opportunities:
        sys.exit("--events must be at least --opportunities (each opens with one)")
    if args.pg_scratch:
        base = make_url(args.pg_scratch)
        name = f"goodwill_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(base.set(database=name).render_as_string(hide_password=False), args)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return
    if args.db:
        run(args.db, args)
        return
    with tempfile.TemporaryDirectory(prefix="goodwill-bench-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args)


if __name__ == "__main__":
    main()
