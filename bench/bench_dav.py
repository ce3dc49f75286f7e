"""CardDAV benchmark: a real vdirsyncer against a real server, with 10k visible contacts.

Run on demand, never in CI:

    python bench/bench_dav.py                          # fresh SQLite file, 10,000 contacts
    python bench/bench_dav.py --contacts 2000          # quick look
    python bench/bench_dav.py --db postgresql+psycopg://user:pw@127.0.0.1/empty_db

Bulk-loads a generated network (bench_core: contacts with emails, phones, organizations,
tags, notes) owned by the local owner, creates a dav token, starts uvicorn on a free port
of 127.0.0.1, then times:

1. the first `vdirsyncer sync` (discover first, untimed): every card downloaded — target
   <= 30 s;
2. a second `vdirsyncer sync` with nothing changed: nothing copied — target <= 5 s;
3. a sync-collection REPORT with the latest token, nothing changed (median and p95 of
   warm runs over one kept-alive connection) — target <= 50 ms;
4. one sync-collection REPORT after a contact was edited in goodwill: the request that
   renders and compares every card (no target; what a change costs the next sync).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_api import free_port, start_server, stop_server  # noqa: E402
from bench_core import bulk_load, generate, machine, open_empty  # noqa: E402

from goodwill.bootstrap import open_database  # noqa: E402
from goodwill.services import accounts, auth, contacts  # noqa: E402
from goodwill.services.contacts import ContactChanges  # noqa: E402

VDIRSYNCER = str(Path(sys.executable).parent / "vdirsyncer")
TARGETS = {
    "first sync": 30.0,
    "no-change sync": 5.0,
    "sync-collection, nothing changed": 0.050,
    "sync-collection after an edit": None,
}
SYNC = ('<sync-collection xmlns="DAV:"><sync-token>{}</sync-token><sync-level>1</sync-level>'
        "<prop><getetag/></prop></sync-collection>")  # fmt: skip


def vdirsyncer(config: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [VDIRSYNCER, "-c", str(config), *args], input="y\n" * 10, capture_output=True,
        text=True, env={"HOME": str(config.parent), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"vdirsyncer {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def write_config(folder: Path, base: str, token: str) -> Path:
    config = folder / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{folder}/status/"\n\n[pair contacts]\na = "local"\n'
        f'b = "remote"\ncollections = ["from b"]\nconflict_resolution = "b wins"\n\n'
        f'[storage local]\ntype = "filesystem"\npath = "{folder}/cards/"\nfileext = ".vcf"\n\n'
        f'[storage remote]\ntype = "carddav"\nurl = "{base}/"\nusername = "me"\n'
        f'password = "{token}"\n'
    )
    return config


def sync_collection_times(base: str, token: str, user_id: int, runs: int) -> list[float]:
    url = f"{base}/dav/addressbooks/{user_id}/contacts/"
    with httpx.Client(auth=("me", token), timeout=60) as client:
        first = client.request("REPORT", url, content=SYNC.format("").encode())
        assert first.status_code == 207, first.text[:300]
        latest = first.text.rsplit("<d:sync-token>", 1)[1].split("<", 1)[0]
        times = []
        for n in range(runs + 3):
            start = time.perf_counter()
            reply = client.request("REPORT", url, content=SYNC.format(latest).encode())
            elapsed = time.perf_counter() - start
            assert reply.status_code == 207 and "<d:response>" not in reply.text, reply.text[:300]
            if n >= 3:  # warm-ups first
                times.append(elapsed)
        return times


def time_after_an_edit(url: str, base: str, token: str, user_id: int) -> float:
    """One contact edited through the services, then one sync-collection REPORT timed."""
    report = f"{base}/dav/addressbooks/{user_id}/contacts/"
    with httpx.Client(auth=("me", token), timeout=120) as client:
        first = client.request("REPORT", report, content=SYNC.format("").encode())
        latest = first.text.rsplit("<d:sync-token>", 1)[1].split("<", 1)[0]
        db = open_database(url)
        try:
            actor = accounts.local_actor(db.uow)
            some = contacts.list_contacts(actor, db.uow, limit=1)[0]
            contacts.edit_contact(actor, db.uow, some.id, ContactChanges(nickname="Edited"))
        finally:
            db.close()
        start = time.perf_counter()
        reply = client.request("REPORT", report, content=SYNC.format(latest).encode())
        elapsed = time.perf_counter() - start
        assert reply.status_code == 207 and reply.text.count("<d:response>") == 1, reply.text
        return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="goodwill-dav-") as tmp:
        folder = Path(tmp)
        url = args.db or f"sqlite:///{folder / 'bench.db'}"
        db = open_empty(url)
        try:
            actor = accounts.local_actor(db.uow)
            rows = generate(db.uow, actor, args.contacts, args.interactions, args.seed)
            load = bulk_load(db.uow, actor, rows)
            _, token = auth.create_token(actor, db.uow, "bench", "dav")
            about = machine(db)
        finally:
            db.close()
        print(f"{args.contacts:,} contacts loaded in {load.total:.1f} s; {about}")
        server = start_server(url, free_port_value := free_port(), 1, folder / "server.log")
        base = f"http://127.0.0.1:{free_port_value}"
        try:
            config = write_config(folder, base, token)
            vdirsyncer(config, "discover", "contacts")
            first, _ = vdirsyncer(config, "sync")
            cards = len(list((folder / "cards" / "contacts").glob("*.vcf")))
            again, output = vdirsyncer(config, "sync")
            copied = sum(line.startswith(("Copying", "Deleting")) for line in output.splitlines())
            times = sync_collection_times(base, token, actor.user_id, args.runs)
            after_edit = time_after_an_edit(url, base, token, actor.user_id)
        finally:
            stop_server(server)
    median = statistics.median(times)
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    figures = [("first sync", first, f"{cards:,} cards downloaded"),
               ("no-change sync", again, f"{copied} items copied"),
               ("sync-collection, nothing changed", median,
                f"median of {len(times)}, p95 {p95 * 1000:.1f} ms"),
               ("sync-collection after an edit", after_edit,
                "one contact edited in goodwill: every card compared")]  # fmt: skip
    print(f"{'figure':36} {'time':>10} {'target':>8}  result  note")
    for name, value, note in figures:
        target = TARGETS[name]
        shown = f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
        if target is None:
            limit, verdict = "-", "-"
        else:
            limit = f"{target * 1000:.0f} ms" if target < 1 else f"{target:.0f} s"
            verdict = "PASS" if value <= target else "MISS"
        print(f"{name:36} {shown:>10} {limit:>8}  {verdict:6}  {note}")
    if cards != args.contacts or copied:
        sys.exit(f"unexpected: {cards} cards for {args.contacts} contacts, {copied} copied")


if __name__ == "__main__":
    main()
