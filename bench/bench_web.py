"""Web pages benchmark: server time of every main page at 100k contacts / 1M interactions.

Run on demand, never in CI, on a database an earlier `bench_api.py --keep` (SQLite) or
`bench_api.py --db postgresql+psycopg://…` run loaded:

    python bench/bench_web.py --db sqlite:////tmp/goodwill-bench-api-…/bench.db
    python bench/bench_web.py --db postgresql+psycopg://user:pw@127.0.0.1/gw_bench_api

Starts `uvicorn --factory goodwill.web.app:app_from_env` on 127.0.0.1, opens a web
session for the local owner (as the login page would), then per page: warm-up requests,
then `--runs` timed sequential GETs (the whole HTML response, as a browser receives it):
p50 and p99 (nearest rank) against the target, p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).parent))

from bench_api import (  # noqa: E402
    Write,
    free_port,
    percentile,
    pipeline_moves,
    probes,
    start_server,
    stop_server,
    verdict,
)
from bench_core import machine  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from goodwill.bootstrap import open_database  # noqa: E402
from goodwill.services import auth  # noqa: E402
from goodwill.services.accounts import local_actor  # noqa: E402
from goodwill.storage.schema import (  # noqa: E402
    Contact,
    Opportunity,
    Pipeline,
)


def pages(url: str) -> tuple[list[tuple[str, str, list[Write]]], str, str, str]:
    """(label, path, writes) of every main page, a session cookie, an API token, the
    machine. `writes`: API writes to what the page shows, used in turn by --after-write
    (a task where the page caches nothing, or shows tasks)."""
    db = open_database(url, upgrade=url.startswith("sqlite"))
    try:
        before = machine(db)
        actor = local_actor(db.uow)
        with db.uow.read() as session:
            last_name, busy, _ = probes(session)
            sales = session.scalar(select(Pipeline.id).where(Pipeline.kind == "sales"))
            jobs = session.scalar(select(Pipeline.id).where(Pipeline.kind == "job_search"))
            target = session.scalar(
                select(Contact.id).where(Contact.id != busy).order_by(Contact.id.desc()).limit(1)
            )
            opportunities = session.scalar(select(func.count()).select_from(Opportunity))
            move = pipeline_moves(session)
        grant = auth.start_session(db.uow, actor)
        _, token = auth.create_token(actor, db.uow, "bench_web", "api")
    finally:
        db.close()
    task: list[Write] = [("/api/v1/tasks", {"title": "bench"})]
    give: list[Write] = [("/api/v1/ledger", {"direction": "gave", "counterpart_id": busy,
                                             "kind": "favor"})]  # fmt: skip
    touch: list[Write] = [("/api/v1/interactions", {"channel": "call",
                                                    "participants": [busy]})]  # fmt: skip
    found: list[tuple[str, str, list[Write]]] = [
        ("today", "/", task),
        ("contacts", "/contacts", task),
        (f"contacts search q={last_name}", f"/contacts?q={quote(last_name)}", task),
        ("contacts filter tier=inner", "/contacts?tier=inner", task),
        (f"contact page #{busy}", f"/contacts/{busy}", touch),
        ("ledger", "/ledger", give),
        ("asks", "/asks", task),
        ("introductions", "/introductions", task),
        (f"network: paths to #{busy}", f"/network?target=%23{busy}", touch),
        (f"network: paths to #{target}", f"/network?target=%23{target}", touch),
        ("pipelines", "/pipelines", move),
        (f"kanban (sales, {opportunities:,} opportunities in all)", f"/pipelines/{sales}", move),
        ("funnel report", f"/pipelines/{sales}/reports/funnel", move),
        ("aging report", f"/pipelines/{sales}/reports/aging", move),
        ("attribution report", f"/pipelines/{sales}/reports/attribution", move),
        ("job-search report", f"/pipelines/{jobs}/reports/jobsearch", move),
        ("import", "/import", task),
        ("duplicates", "/import/duplicates", task),
        ("settings", "/settings", task),
    ]
    return found, grant.cookie, token, before


def time_pages(
    base: str,
    found: list[tuple[str, str, list[Write]]],
    cookie: str,
    warmups: int,
    runs: int,
    write_token: str | None = None,
) -> list[tuple[str, float, float, int, int]]:
    """With `write_token`, each timed GET follows an untimed write over the API to what
    the page shows (its writes in turn): the page is never served from the memo."""
    figures = []
    cookies = {"goodwill_session": cookie}
    writer = httpx.Client(base_url=base, timeout=60.0,
                          headers={"Authorization": f"Bearer {write_token}"})  # fmt: skip
    with writer, httpx.Client(base_url=base, cookies=cookies, timeout=60.0) as http:
        for label, path, writes in found:
            response = http.get(path)
            if response.status_code != 200:
                figures.append((label, float("nan"), float("nan"), 0, response.status_code))
                continue
            for _ in range(warmups - 1):
                http.get(path)
            samples = []
            for n in range(runs):
                if write_token is not None:
                    write_path, body = writes[n % len(writes)]
                    writer.post(write_path, json=body).raise_for_status()
                started = time.perf_counter()
                response = http.get(path)
                samples.append((time.perf_counter() - started) * 1000)
            figures.append((label, percentile(samples, 0.5), percentile(samples, 0.99),
                            len(response.content), response.status_code))  # fmt: skip
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a database bench_api.py loaded")
    parser.add_argument("--workers", type=int, help="uvicorn workers (1 SQLite, 4 PostgreSQL)")
    parser.add_argument("--warmups", type=int, default=5)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--only", help="time only the pages whose label contains this")
    parser.add_argument(
        "--after-write",
        action="store_true",
        help="each timed read right after a write to what the page shows (never memoized)",
    )
    args = parser.parse_args(argv)
    url = args.db
    workers = args.workers or (1 if url.startswith("sqlite") else 4)
    found, cookie, token, before = pages(url)
    if args.only:
        found = [page for page in found if args.only in page[0]]
    tmp = Path(tempfile.mkdtemp(prefix="goodwill-bench-web-"))
    port = free_port()
    server = start_server(url, port, workers, tmp / "uvicorn.log")
    try:
        figures = time_pages(f"http://127.0.0.1:{port}", found, cookie, args.warmups, args.runs,
                             token if args.after_write else None)  # fmt: skip
    finally:
        stop_server(server)
    print(f"\ngoodwill web pages benchmark — {make_url(url).render_as_string(hide_password=True)}")
    print(f"at start: {before}")
    print(f"server: uvicorn on 127.0.0.1:{port}, {workers} worker(s)\n")
    how = "after a write" if args.after_write else "warm"
    print(f"{'page (sequential, ' + how + ', ' + str(args.runs) + ' runs)':<52}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'bytes':>9}{'target':>9}  result")  # fmt: skip
    for label, p50, p99, size, status in figures:
        result = verdict(p99) if status == 200 else f"HTTP {status}"
        print(f"{label:<52}{p50:>8.1f}{p99:>8.1f}{size:>9,}{'<= 100':>9}  {result}")
    print(f"at end:   load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
