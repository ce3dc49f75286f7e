"""Relationship-strength benchmark: recompute and score against DuckDB.

On a generated network (default 100k contacts, 1M interactions, SQLite):

1. full recompute of every contact's touch aggregates (`storage.aggregates.rebuild_touches`);
2. scoring every contact from the stored aggregates: the formula computed by the database
   in one query (`services._strength.ranked_scores`, what `goodwill strength --top` ranks
   with), median of runs; and, for comparison, the domain function contact by contact;
3. DuckDB computing the same aggregates (first/last, count, by initiator, decayed sums per
   channel class) from the same rows, loaded into DuckDB beforehand (untimed), median;
4. for reference, SQLite's GROUP BY with the decay as a Python function;
5. the incremental cost of logging one touch for the contact with the shortest and for
   the contact with the longest history (`services.interactions.log_interaction`).

Target: scoring ≤ 3× DuckDB; the incremental cost independent of history size.
Needs the bench extra: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_core import bulk_load, generate, open_empty  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from goodwill.domain.strength import StrengthSettings  # noqa: E402
from goodwill.services._strength import ranked_scores, score_contacts  # noqa: E402
from goodwill.services.accounts import local_actor  # noqa: E402
from goodwill.services.actor import utcnow  # noqa: E402
from goodwill.services.interactions import log_interaction  # noqa: E402
from goodwill.services.strength import strongest  # noqa: E402
from goodwill.storage.aggregates import rebuild_touches  # noqa: E402
from goodwill.storage.schema import ContactTouch, InteractionParticipant  # noqa: E402

RATIO_TARGET = 3.0
CLASS_OF = {"meeting": "meeting", "coffee": "meeting", "call": "call", "message": "message",
            "email": "email", "social": "social"}  # fmt: skip


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples, result


def duck_query(half_life_seconds: float) -> str:
    decay = f"pow(2.0, -(last - t) / {half_life_seconds})"
    sums = ",\n".join(
        f"sum(CASE WHEN cls = '{c}' THEN w * {decay} ELSE 0 END) AS d_{c}"
        for c in ("meeting", "call", "message", "email", "social")
    )
    return f"""
        WITH g AS (
          SELECT *, max(t) OVER (PARTITION BY contact_id, owner_id, visibility) AS last
          FROM touches
        )
        SELECT contact_id, owner_id, visibility, min(t) AS first_t, max(t) AS last_t,
               count(*) AS touches, sum(CASE WHEN initiator = 'me' THEN 1 ELSE 0 END) AS by_me,
               sum(CASE WHEN initiator = 'them' THEN 1 ELSE 0 END) AS by_them,
               {sums},
               sum(CASE WHEN initiator = 'them' THEN w * {decay} ELSE 0 END) AS d_them
        FROM g GROUP BY contact_id, owner_id, visibility
    """


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    try:
        import duckdb
    except ImportError:
        sys.exit("needs duckdb: pip install -e '.[bench]'")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start: {load} ({os.cpu_count()} CPUs, "
          f"SQLite {sqlite3.sqlite_version}, DuckDB {duckdb.__version__})")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="goodwill-bench-strength-"))
    url = f"sqlite:///{work / 'bench.db'}"
    db = open_empty(url)
    actor = local_actor(db.uow)
    rows = generate(db.uow, actor, args.contacts, args.interactions, args.seed)
    report = bulk_load(db.uow, actor, rows)
    print(f"generated and loaded {args.contacts:,} contacts, {args.interactions:,} "
          f"interactions in {report.total:.1f} s")  # fmt: skip
    del rows

    def recompute() -> None:
        with db.uow.write() as session:
            rebuild_touches(session)

    recompute_s, _, _ = timed(recompute, 1)
    now = utcnow()

    settings = StrengthSettings()

    def score_all() -> int:  # the database computes the formula (strength --top)
        with db.uow.read() as session:
            return len(ranked_scores(session, actor, now, settings))

    def score_all_python() -> int:  # read the aggregates, the domain function per contact
        with db.uow.read() as session:
            return len(score_contacts(session, actor, now, None, settings))

    score_s, score_runs, scored = timed(score_all, args.runs)
    python_s, _, _ = timed(score_all_python, max(1, args.runs // 2))

    def cooling() -> int:  # strength --cooling: every score now and 90 days ago
        return len(strongest(actor, db.uow, limit=20, cooling=True))

    cooling_s, _, _ = timed(cooling, 1)

    # The same rows for DuckDB and for SQLite's GROUP BY with a Python function.
    half_life = StrengthSettings().half_life_days * 86_400
    raw = sqlite3.connect(work / "bench.db")
    query = """
        SELECT p.contact_id, i.owner_id, i.visibility, i.occurred_at, i.channel, i.initiator,
               i.recipients
        FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id
        WHERE i.deleted_at IS NULL
    """
    export = work / "touches.csv"
    with export.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["contact_id", "owner_id", "visibility", "t", "cls", "initiator", "w"])
        from datetime import datetime

        for cid, owner, vis, at, channel, initiator, recipients in raw.execute(query):
            t = datetime.fromisoformat(at).timestamp()
            out.writerow([cid, owner, vis, t, CLASS_OF[channel], initiator,
                          1 / math.sqrt(max(1, recipients))])  # fmt: skip
    duck = duckdb.connect()
    duck.execute(f"CREATE TABLE touches AS SELECT * FROM read_csv_auto('{export}')")
    duck_sql = duck_query(half_life)
    duck_s, duck_runs, duck_rows = timed(lambda: duck.execute(duck_sql).fetchall(), args.runs)

    raw.create_function("decay", 2, lambda age, h: 2.0 ** (-age / h), deterministic=True)
    sqlite_sql = f"""
        WITH r AS ({query}), g AS (
          SELECT r.*, julianday(occurred_at) * 86400 AS t,
                 max(julianday(occurred_at) * 86400) OVER
                   (PARTITION BY contact_id, owner_id, visibility) AS last
          FROM r)
        SELECT contact_id, owner_id, visibility, min(t), max(t), count(*),
               sum(decay(last - t, {half_life}) / sqrt(max(1, recipients)))
        FROM g GROUP BY contact_id, owner_id, visibility
    """
    sqlite_s, _, _ = timed(lambda: raw.execute(sqlite_sql).fetchall(), 1)

    # Same aggregates? Compare DuckDB's decayed sums with the stored ones.
    with db.uow.read() as session:
        columns = [getattr(ContactTouch, c.name) for c in ContactTouch.__table__.columns]
        stored = {
            (r.contact_id, r.owner_id, r.visibility): r for r in session.execute(select(*columns))
        }
        busiest, history = session.execute(
            select(InteractionParticipant.contact_id, func.count())
            .group_by(InteractionParticipant.contact_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    worst = 0.0
    for row in duck_rows:
        mine = stored[(row[0], row[1], row[2])]
        assert mine.touches == row[5] and mine.by_me == row[6], (mine, row)
        for value, theirs in zip(
            (mine.d_meeting, mine.d_call, mine.d_message, mine.d_email, mine.d_social, mine.d_them),
            row[8:], strict=True,
        ):  # fmt: skip
            worst = max(worst, abs(value - theirs) / max(1.0, abs(theirs)))

    # Incremental: one new touch, for a contact with one past touch and the busiest one.
    with db.uow.write() as session:
        quiet, few = session.execute(
            select(InteractionParticipant.contact_id, func.count())
            .group_by(InteractionParticipant.contact_id)
            .order_by(func.count(), InteractionParticipant.contact_id)
            .limit(1)
        ).one()
    when = (now - timedelta(hours=1)).isoformat()

    def log_for(contact_id: int) -> Callable[[], Any]:
        return lambda: log_interaction(actor, db.uow, "call", [contact_id], when=when)

    # A contact with a long history: 10,000 past touches, bulk-inserted, then rebuilt.
    with db.uow.write() as session:
        from goodwill.storage.bulk import insert_rows, reserve_ids
        from goodwill.storage.schema import Contact

        base = session.get_one(Contact, int(busiest))
        long_id = reserve_ids(session, "contacts", 1)[0]
        insert_rows(session, "contacts", [{
            "id": long_id, "workspace_id": base.workspace_id, "owner_id": base.owner_id,
            "visibility": base.visibility, "display_name": "Long History", "search_key":
            "long history", "sort_key": "history long", "custom_fields": {},
            "created_at": now, "updated_at": now}])  # fmt: skip
        ids = reserve_ids(session, "interactions", 10_000)
        insert_rows(session, "interactions", [{
            "id": i, "workspace_id": base.workspace_id, "owner_id": base.owner_id,
            "visibility": base.visibility, "occurred_at": now - timedelta(hours=3 + n),
            "channel": "email", "initiator": "me", "recipients": 1, "created_at": now,
            "updated_at": now} for n, i in enumerate(ids)])  # fmt: skip
        insert_rows(session, "interaction_participants",
                    [{"interaction_id": i, "contact_id": long_id} for i in ids])  # fmt: skip
        rebuild_touches(session, [long_id])
    busiest, history = long_id, 10_000
    quiet_s, _, _ = timed(log_for(int(quiet)), args.runs)
    busy_s, _, _ = timed(log_for(int(busiest)), args.runs)
    db.close()

    ratio = score_s / duck_s
    print()
    print("figure | value | target")
    print("--- | ---: | ---")
    print(f"full recompute of all aggregates ({args.interactions:,} interactions) | "
          f"{recompute_s:.2f} s |")  # fmt: skip
    print(f"score all {scored:,} contacts from stored aggregates (median of {args.runs}) | "
          f"{score_s:.3f} s | ≤ {RATIO_TARGET:g} × DuckDB")  # fmt: skip
    print(f"score all contacts in Python, domain function per contact | {python_s:.3f} s |")
    print(f"DuckDB, same aggregates from raw rows (median of {args.runs}) | {duck_s:.3f} s |")
    print(f"ratio scoring / DuckDB | {ratio:.2f} | {'PASS' if ratio <= RATIO_TARGET else 'MISS'}")
    print(f"strength --cooling (every score now and 90 days ago) | {cooling_s:.2f} s |")
    print(f"SQLite GROUP BY + Python decay function (reference) | {sqlite_s:.2f} s |")
    print(f"log one touch, contact with {few:,} past touches (median) | {quiet_s * 1000:.1f} ms |")
    print(f"log one touch, contact with {history:,} past touches (median) | "
          f"{busy_s * 1000:.1f} ms | independent of history")  # fmt: skip
    print(f"largest relative difference, DuckDB vs stored decayed sums | {worst:.1e} |")
    print(f"\nruns: scoring {[f'{s:.3f}' for s in score_runs]}, "
          f"DuckDB {[f'{s:.3f}' for s in duck_runs]}")  # fmt: skip
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
