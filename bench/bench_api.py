"""API benchmark: the HTTP read paths through uvicorn, sequential latency and throughput.

Run on demand, never in CI:

    python bench/bench_api.py                                   # fresh SQLite file, full size
    python bench/bench_api.py --contacts 5000 --interactions 50000   # quick look
    python bench/bench_api.py --db postgresql+psycopg://user:pw@127.0.0.1/empty_db
    python bench/bench_api.py --keep, then --db sqlite:////tmp/…/bench.db --reuse   # again

Loads a generated network (bench_core: 100k contacts, 1M interactions by default) and a
sales and a job-search pipeline (bench_pipelines) into an empty database, creates an API
token for the local owner, starts `uvicorn --factory goodwill.web.app:app_from_env` on a
free port of 127.0.0.1 with $GOODWILL_DB set, then:

1. sequential warm requests per route (warm-ups, then timed runs): p50 and p99 (nearest
   rank) against the read target, p99 <= 100 ms, PASS or MISS;
2. throughput: `--clients` threads, each with its own connection, cycling through the same
   routes for `--duration` seconds: requests/s, errors, p50/p99 under load.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).parent))

from bench_core import bulk_load, generate, machine, open_empty  # noqa: E402
from bench_pipelines import load_pipelines  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from goodwill.bootstrap import open_database  # noqa: E402
from goodwill.services.accounts import local_actor  # noqa: E402
from goodwill.services.auth import create_token  # noqa: E402
from goodwill.storage.schema import (  # noqa: E402
    Contact,
    InteractionParticipant,
    Opportunity,
    Pipeline,
    PipelineStage,
)

P99_TARGET_MS = 100.0
# `today` and the funnel again, each timed read right after an untimed write to what it
# shows (a task added; an opportunity moved between two stages), which bumps the version
# of a table it reads: computed afresh, never from the memo.
AFTER_WRITE = ("today, first read after a write", "report funnel, first read after a write")
STARTUP_TIMEOUT_S = 60.0


Write = tuple[str, dict[str, object]]  # an API path to POST and its body


@dataclass
class Load:
    """What the clients hammer: (label, path) pairs, and how the data was built."""

    routes: list[tuple[str, str]]
    token: str
    summary: str
    machine: str
    moves: list[Write] = field(default_factory=list)  # an opportunity there and back


def pipeline_moves(session: Session) -> list[Write]:
    """Moves of one open opportunity of the sales pipeline between its first two open
    stages, there and back: writes that every pipeline page and report reads."""
    sales = session.scalar(select(Pipeline.id).where(Pipeline.kind == "sales"))
    stages = session.scalars(
        select(PipelineStage.name)
        .where(PipelineStage.pipeline_id == sales, PipelineStage.outcome.is_(None))
        .order_by(PipelineStage.position)
        .limit(2)
    ).all()
    moving = session.scalar(
        select(Opportunity.id)
        .join(PipelineStage, PipelineStage.id == Opportunity.stage_id)
        .where(Opportunity.pipeline_id == sales, PipelineStage.outcome.is_(None))
        .limit(1)
    )
    return [(f"/api/v1/opportunities/{moving}/move", {"stage": s}) for s in reversed(stages)]


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest rank."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def build(url: str, args: argparse.Namespace) -> Load:
    db = open_empty(url)
    try:
        before = machine(db)
        actor = local_actor(db.uow)
        started = time.perf_counter()
        rows = generate(db.uow, actor, args.contacts, args.interactions, args.seed)
        last_name = Counter(c["last_name"] for c in rows.contacts).most_common(1)[0][0]
        busy, touches = Counter(p["contact_id"] for p in rows.participants).most_common(1)[0]
        network = bulk_load(db.uow, actor, rows)
        del rows
        load_pipelines(db.uow, actor, args.opportunities, args.events, args.seed)
        _, token = create_token(actor, db.uow, "bench_api", "api")
        took = time.perf_counter() - started
        with db.uow.read() as session:
            moves = pipeline_moves(session)
    finally:
        db.close()
    summary = (
        f"data: {args.contacts:,} contacts, {args.interactions:,} interactions, "
        f"{args.opportunities:,} opportunities ({args.events:,} stage events); busiest "
        f"contact #{busy} has {touches:,} interactions; built in {took:.1f} s "
        f"(network bulk load {network.total:.1f} s)"
    )
    return Load(routes(last_name, busy), token, summary, before, moves)


def probes(session: Session) -> tuple[str, int, int]:
    """The most common last name (a search) and the busiest contact and its touch count."""
    last_name = session.execute(
        select(Contact.last_name, func.count())
        .group_by(Contact.last_name)
        .order_by(func.count().desc())
        .limit(1)
    ).one()[0]
    busy, touches = session.execute(
        select(InteractionParticipant.contact_id, func.count())
        .group_by(InteractionParticipant.contact_id)
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    return str(last_name), int(busy), int(touches)


def reuse(url: str, args: argparse.Namespace) -> Load:
    """The routes over a database an earlier run loaded (`--keep`), with a new token."""
    db = open_database(url, upgrade=url.startswith("sqlite"))
    try:
        before = machine(db)
        actor = local_actor(db.uow)
        with db.uow.read() as session:
            last_name, busy, touches = probes(session)
            contacts = session.scalar(select(func.count()).select_from(Contact))
            moves = pipeline_moves(session)
        _, token = create_token(actor, db.uow, "bench_api", "api")
    finally:
        db.close()
    summary = (
        f"data: reused {make_url(url).render_as_string(hide_password=True)}, {contacts:,} "
        f"contacts; busiest contact #{busy} has {touches:,} interactions"
    )
    return Load(routes(last_name, busy), token, summary, before, moves)


def routes(last_name: str, busy: int) -> list[tuple[str, str]]:
    return [
        ("list contacts (limit 50)", "/api/v1/contacts?limit=50"),
        (f"search q={last_name}", f"/api/v1/contacts?q={quote(last_name)}"),
        (f"contact detail #{busy}", f"/api/v1/contacts/{busy}"),
        ("today", "/api/v1/today"),
        ("report funnel", "/api/v1/reports/funnel"),
        (AFTER_WRITE[0], "/api/v1/today"),
        (AFTER_WRITE[1], "/api/v1/reports/funnel"),
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GOODWILL_DB": url}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "goodwill.web.app:app_from_env",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--no-access-log", "--log-level", "warning"]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"uvicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/openapi.json", timeout=2.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    sys.exit(f"uvicorn did not answer in {STARTUP_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def client(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def sequential(
    base: str, load: Load, warmups: int, runs: int
) -> list[tuple[str, float, float, int]]:
    figures = []
    with client(base, load.token) as http:
        for label, path in load.routes:
            response = http.get(path)
            if response.status_code != 200:
                sys.exit(f"GET {path}: {response.status_code} {response.text[:300]}")
            for _ in range(warmups - 1):
                http.get(path)
            samples = []
            for n in range(runs):
                if label == AFTER_WRITE[0]:
                    http.post(
                        "/api/v1/tasks", json={"title": f"bench write {n}"}
                    ).raise_for_status()
                elif label == AFTER_WRITE[1]:
                    write_path, body = load.moves[n % len(load.moves)]
                    http.post(write_path, json=body).raise_for_status()
                started = time.perf_counter()
                response = http.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            size = len(response.content)
            figures.append((label, percentile(samples, 0.5), percentile(samples, 0.99), size))
    return figures


def hammer(base: str, load: Load, offset: int, deadline: float, tally: Tally) -> None:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    paths = [path for label, path in load.routes if label not in AFTER_WRITE]
    i = offset
    with client(base, load.token) as http:
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                response = http.get(path)
                if response.status_code != 200:
                    errors[f"HTTP {response.status_code}"] += 1
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] += 1
            latencies.append((time.perf_counter() - started) * 1000)
    with tally.lock:
        tally.latencies_ms.extend(latencies)
        tally.errors.update(errors)


def throughput(base: str, load: Load, clients: int, duration: float) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=hammer, args=(base, load, n, deadline, tally), daemon=True)
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 60)
    return tally, time.monotonic() - started


def verdict(p99: float) -> str:
    return "PASS" if p99 <= P99_TARGET_MS else "MISS"


def run(url: str, args: argparse.Namespace, workdir: Path) -> None:
    workers = args.workers or (1 if url.startswith("sqlite") else 4)
    load = reuse(url, args) if args.reuse else build(url, args)
    port = free_port()
    server = start_server(url, port, workers, workdir / "uvicorn.log")
    base = f"http://127.0.0.1:{port}"
    try:
        seq = sequential(base, load, args.warmups, args.runs)
        tally, elapsed = throughput(base, load, args.clients, args.duration)
    finally:
        stop_server(server)
    print(f"\ngoodwill API benchmark — {make_url(url).render_as_string(hide_password=True)}")
    print(f"at start: {load.machine}")
    print(load.summary)
    print(f"server: uvicorn on 127.0.0.1:{port}, {workers} worker(s)\n")
    print(f"{'route (sequential, warm, ' + str(args.runs) + ' runs)':<44}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'bytes':>9}{'target':>9}  result")  # fmt: skip
    for label, p50, p99, size in seq:
        print(f"{label:<44}{p50:>8.1f}{p99:>8.1f}{size:>9,}{'<= 100':>9}  {verdict(p99)}")
    done = len(tally.latencies_ms)
    errors = sum(tally.errors.values())
    detail = f" ({', '.join(f'{k}: {v}' for k, v in tally.errors.items())})" if errors else ""
    print(f"\nthroughput: {args.clients} clients, mixed reads, {elapsed:.1f} s")
    print(f"  requests {done:,}, {done / elapsed:,.1f} req/s, errors {errors}{detail}")
    if done:
        p50, p99 = percentile(tally.latencies_ms, 0.5), percentile(tally.latencies_ms, 0.99)
        print(f"  latency under load: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"at end:   load average {os.getloadavg()[0]:.2f}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="empty database URL (default: a fresh SQLite file)")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000, help="opportunity stage events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, help="uvicorn workers (1 SQLite, 4 PostgreSQL)")
    parser.add_argument("--warmups", type=int, default=10, help="untimed requests per route")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per route")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--duration", type=float, default=10.0, help="throughput seconds")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and log")
    parser.add_argument(
        "--reuse", action="store_true", help="--db holds data of an earlier run: time it again"
    )
    args = parser.parse_args(argv)
    if args.reuse and not args.db:
        parser.error("--reuse needs --db")
    if args.events < args.opportunities:
        parser.error("--events must be at least --opportunities")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="goodwill-bench-api-"))
    try:
        run(args.db or f"sqlite:///{tmp / 'bench.db'}", args, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp} (database file if SQLite, uvicorn.log)")
        else:
            for child in tmp.iterdir():
                child.unlink()
            tmp.rmdir()


if __name__ == "__main__":
    main()
