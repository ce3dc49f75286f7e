"""Server time of the Ledger, Asks, Introductions and Network pages on a large network.

    python bench/bench_relations.py                                # 100k contacts, 1M touches
    python bench/bench_relations.py --contacts 10000 --interactions 100000 --runs 20
    python bench/bench_relations.py --copy-of /path/to/bench100k.db   # an existing SQLite file

Each page is requested through the app (a session cookie, TestClient: no network) and
timed end to end on the server side: routing, the service calls, the template. Prints
the median and p99 of each beside the target (p99 <= 100 ms).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_core import bulk_load, generate, open_empty
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from goodwill.bootstrap import open_database
from goodwill.services import accounts, auth
from goodwill.storage.schema import Contact, LedgerEntry
from goodwill.web.app import Settings, create_app

TARGET_MS = 100.0


def p99(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--copy-of", type=Path, help="an existing SQLite database (copied)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        if args.copy_of:
            shutil.copy(args.copy_of, Path(tmp) / "bench.db")
            db = open_database(url, upgrade=True)
        else:
            db = open_empty(url)
            owner = accounts.local_actor(db.uow)
            bulk_load(db.uow, owner, generate(db.uow, owner, args.contacts, args.interactions,
                                              args.seed))  # fmt: skip
        actor = accounts.local_actor(db.uow)
        with db.uow.read() as session:
            contacts = session.scalar(select(func.count()).select_from(Contact)) or 0
            entries = session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
            probe = session.scalar(select(Contact.id).order_by(Contact.id).offset(contacts // 2))
        grant = auth.start_session(db.uow, actor)
        client = TestClient(
            create_app(Settings(uow=db.uow)), headers={auth.CSRF_HEADER: grant.csrf_token}
        )
        client.cookies.set("goodwill_session", grant.cookie)
        print(f"{contacts:,} contacts, {entries:,} ledger entries, {args.runs} runs per page")
        for url_path in ("/ledger", "/asks", "/introductions", f"/network?target=%23{probe}",
                         "/network/suggest?target=mar"):  # fmt: skip
            client.get(url_path)
            samples = []
            for _ in range(args.runs):
                start = time.perf_counter()
                response = client.get(url_path)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text[:300]
            worst = p99(samples)
            verdict = "PASS" if worst <= TARGET_MS else "MISS"
            print(f"{url_path:32s} median {statistics.median(samples):7.1f} ms"
                  f"  p99 {worst:7.1f} ms  (target {TARGET_MS:.0f}) {verdict}")  # fmt: skip
        db.close()


if __name__ == "__main__":
    main()
