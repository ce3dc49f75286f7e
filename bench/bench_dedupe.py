"""Stored duplicate candidates on a large database: the full scan (run in the background
from the page, or `goodwill duplicates --scan`) and the review's pages of stored pairs.

    cp /work/bench100k.db /tmp/dedupe.db && python bench/bench_dedupe.py /tmp/dedupe.db

The database is changed (migrated, the local user's pairs stored): give it a copy. Times
`scan_duplicates` once, then `stored_duplicates(limit=50)` for the first page, a page from
the middle of the stored pairs and the last one (p50/p99 of `--runs` calls each), and the
duplicates page itself over HTTP (TestClient, a signed-in session).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from goodwill.bootstrap import open_database
from goodwill.services import auth, dedupe
from goodwill.services.accounts import local_actor
from goodwill.storage.schema import StoredDuplicate
from goodwill.web.app import Settings, create_app


def percentiles(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm
    gc.collect()  # the setup's garbage is not the page's
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.99 * len(samples)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file (a copy: it is migrated and written)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-scan", action="store_true", help="time the stored pages only")
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    database = open_database(url, upgrade=True)
    uow = database.uow
    actor = local_actor(uow)
    if not args.no_scan:
        start = time.perf_counter()
        seen: list[tuple[str, int, int]] = []
        result = dedupe.scan_duplicates(actor, uow, progress=lambda *p: seen.append(p))
        took = time.perf_counter() - start
        print(
            f"scan_duplicates: {took:.1f} s — {result.contacts:,} contacts, "
            f"{result.compared:,} candidate pairs scored, {result.pairs:,} likely pairs stored, "
            f"{len(result.notes)} notes, {len(seen)} progress calls"
        )
    with uow.read() as session:
        keys = session.execute(
            select(
                StoredDuplicate.score, StoredDuplicate.contact_a_id, StoredDuplicate.contact_b_id
            )
            .where(StoredDuplicate.owner_id == actor.user_id)
            .order_by(
                StoredDuplicate.score.desc(),
                StoredDuplicate.contact_a_id.desc(),
                StoredDuplicate.contact_b_id.desc(),
            )
        ).all()
        total = session.scalar(select(func.count()).select_from(StoredDuplicate))
    print(f"stored pairs: {total:,}")
    starts: dict[str, tuple[int, int, int] | None] = {"first page": None}
    if keys:
        starts["middle page"] = tuple(keys[len(keys) // 2])  # type: ignore[assignment]
        starts["last page"] = tuple(keys[max(0, len(keys) - 51)])  # type: ignore[assignment]
    for name, after in starts.items():
        page = dedupe.stored_duplicates(actor, uow, limit=50, after=after)
        p50, p99 = percentiles(
            lambda after=after: dedupe.stored_duplicates(actor, uow, limit=50, after=after),
            args.runs,
        )
        print(
            f"stored_duplicates {name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
            f"({len(page.candidates)} pairs shown)"
        )
    app = create_app(Settings(uow=uow))
    grant = auth.start_session(uow, actor)
    client = TestClient(app, headers={auth.CSRF_HEADER: grant.csrf_token})
    client.cookies.set("goodwill_session", grant.cookie)
    for name, url_path in (
        ("GET /import/duplicates", "/import/duplicates"),
        ("GET /import/duplicates/scan", "/import/duplicates/scan"),
    ):
        response = client.get(url_path)
        assert response.status_code == 200, response.text[:300]
        p50, p99 = percentiles(lambda url_path=url_path: client.get(url_path), args.runs)
        print(f"{name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms (client time, in-process)")


if __name__ == "__main__":
    main()
