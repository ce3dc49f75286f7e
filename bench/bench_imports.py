"""Import benchmark: LinkedIn CSV, vCard and mbox files of N records, each import timed
end to end against its floor, measured in the same run.

Run on demand, never in CI:

    python bench/bench_imports.py                                # 100k records, every format
    python bench/bench_imports.py --records 5000 --formats linkedin,vcard
    python bench/bench_imports.py --records 5000 --profile /tmp/gw-prof  # cProfile each import
    python bench/bench_imports.py --floor-only                   # floors and parsers, no import
    python bench/bench_imports.py --formats mbox --db postgresql+psycopg://postgres@127.0.0.1:5432/gw_bench

Floor = the parse-only cost of the same kind of library (csv.reader over every row,
vobject.readComponents over every card, the stdlib mailbox.mbox reading every message's
headers) + a raw sqlite3 executemany of N rows of the same width into a fresh table.
Each import runs in a child process (a fresh interpreter) that reports the wall time of
run_import and its own peak RSS (VmHWM). For mbox the child first imports a contacts
file of the correspondents (untimed), so every message has people to link to.
Targets: import <= 1.5 x floor, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import email.utils
import json
import mailbox
import os
import pstats
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import vobject

RATIO_TARGET = 1.5
PEAK_TARGET_MB = 300.0
FORMATS = ("linkedin", "vcard", "mbox")
ME = ("Robin Mercer", "me@example.org")
FIRST = ("Anna", "José", "Zoë", "Łukasz", "Mei", "Oluwaseun", "Priya", "Sam", "Chloé",
         "Mohammed", "Ingrid", "Kenji", "Fatima", "Liam", "Olivia", "Lucas", "Hannah", "Diego",
         "Aisha", "Björn", "Siobhán", "Tomás", "Grace", "Wei", "Amara", "Mateo", "Noor", "Ravi",
         "Elena", "Jonas", "Sofia", "Kwame", "Yuki", "Marta", "Ahmed", "Claire")  # fmt: skip
LAST = ("Smith", "García", "Müller", "Nguyen", "O'Brien", "Kowalski", "Okafor", "Rossi",
        "Johansson", "Tanaka", "Dubois", "Patel", "Kim", "da Silva", "van der Berg", "Cohen",
        "Novák", "Hernández", "Schmidt", "Andersson", "Lefèvre", "Ivanova", "Mensah", "Brown",
        "Fernández", "Haddad", "Larsen", "Moreau", "Singh", "Walsh", "Yilmaz", "Zhang")  # fmt: skip
WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
         "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Aperture", "Pied Piper", "Blue Sun",
         "Oscorp", "Nakatomi", "Massive Dynamic", "Prestige", "Gekko")  # fmt: skip
SUFFIXES = ("", " Inc.", ", Inc.", " GmbH", " Labs", " & Co.", " Ltd", ", S.A.")
TITLES = ("Software Engineer", "Senior Product Manager", "Head of Sales, EMEA", "CTO",
          "Founder & CEO", "Data Scientist", "Recruiter", "VP Engineering", "Designer",
          "Account Executive", "Staff Engineer", "Marketing Lead")  # fmt: skip
SUBJECTS = ("Quick question", "Intro: {0} <> {1}", "Coffee next week?", "Slides from today",
            "Following up", "Re: the proposal", "Thanks, {0}!", "Your talk, and a favour",
            "Re: Re: dates for the offsite", "Hiring update")  # fmt: skip
AREAS = ("415", "212", "503", "617", "312", "206", "512", "303")
LINKEDIN_NOTES = (
    "When exporting your connection data, you may notice that some of the email addresses are "
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    "https://www.linkedin.com/help/linkedin/answer/261"
)
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                   "Connected On")  # fmt: skip


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    company: str
    title: str


@dataclass
class Figures:
    fmt: str
    records: int
    parse_s: float = 0.0
    insert_s: float = 0.0
    own_parse_s: float = 0.0
    writes_s: float = 0.0
    floor_cpu_s: float = 0.0
    import_cpu_s: float = 0.0  # importer + parser worker
    import_s: float = 0.0
    peak_mb: float = 0.0
    base_mb: float = 0.0
    worker_mb: float = 0.0
    counts: dict[str, int] | None = None

    @property
    def floor_s(self) -> float:
        return self.parse_s + self.insert_s


# -- generation -------------------------------------------------------------------------


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def make_people(rng: random.Random, count: int, tag: str) -> list[Person]:
    """Distinct people (a tag and a number in every email); about 20 per company."""
    size = max(5, count // 20)
    companies = [f"{' '.join(rng.sample(WORDS, 2))}{rng.choice(SUFFIXES)}" for _ in range(size)]
    people = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(companies)
        domain = f"{ascii_slug(company.split(',')[0])[:20]}.example.com"
        address = f"{ascii_slug(first)}.{ascii_slug(last)}.{tag}{n}@{domain}"
        people.append(Person(first, last, address, company, rng.choice(TITLES)))
    return people


def write_linkedin(path: Path, rng: random.Random, people: list[Person], emails: float) -> None:
    """Connections.csv: Notes preamble, then one row per person; a share with emails."""
    start = datetime(2014, 1, 1, tzinfo=UTC)
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f'Notes:\n"{LINKEDIN_NOTES}"\n\n')
        writer = csv.writer(handle)
        writer.writerow(LINKEDIN_HEADER)
        for n, p in enumerate(people):
            first = f" {p.first}\t" if rng.random() < 0.03 else p.first  # stray blanks
            last = f"{p.last} 🚀" if rng.random() < 0.01 else p.last
            slug = quote(f"{p.first}-{p.last}".lower().replace(" ", "-"))  # %C3%A9 and co
            connected = start + timedelta(days=rng.randrange(3650))
            writer.writerow([
                first, last, f"https://www.linkedin.com/in/{slug}-{n:x}{rng.randrange(4096):03x}",
                p.email if rng.random() < emails else "", p.company, p.title,
                connected.strftime("%d %b %Y"),
            ])  # fmt: skip


def vcard_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def write_vcard(path: Path, rng: random.Random, people: list[Person]) -> None:
    """vCard 3.0 as phones export it: N, FN, ORG, TITLE, 1-2 EMAIL, TEL, NOTE, UID, CRLF."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        for n, p in enumerate(people):
            lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
                     f"N:{vcard_escape(p.last)};{vcard_escape(p.first)};;;",
                     f"FN:{vcard_escape(p.first)} {vcard_escape(p.last)}",
                     f"ORG:{vcard_escape(p.company)};", f"TITLE:{vcard_escape(p.title)}",
                     f"EMAIL;type=INTERNET;type=WORK;type=pref:{p.email}"]  # fmt: skip
            if rng.random() < 0.5:
                lines.append(
                    f"EMAIL;type=INTERNET;type=HOME:{ascii_slug(p.first)}{n}@mail.example.net"
                )
            area, exchange = rng.choice(AREAS), rng.randrange(200, 1000)
            lines.append(f"TEL;type=CELL;type=VOICE;type=pref:({area}) {exchange}-{n % 10000:04d}")
            note = f"Met at PyCon, {2015 + n % 9}; knows {rng.choice(FIRST)} from {p.company}"
            lines += [f"NOTE:{vcard_escape(note)}", f"UID:{rng.getrandbits(128):032x}", "END:VCARD"]
            handle.write("\r\n".join(lines) + "\r\n")


def write_mbox(path: Path, rng: random.Random, people: list[Person], count: int) -> None:
    """count messages between ME and the people, a fifth with a Cc, oldest first."""
    start = datetime(2022, 1, 3, 8, tzinfo=UTC)
    step = timedelta(days=3 * 365) / max(count, 1)
    me = email.utils.formataddr(ME)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for n in range(count):
            p = rng.choice(people)
            them = email.utils.formataddr((f"{p.first} {p.last}", p.email))
            sender, to = (me, them) if rng.random() < 0.5 else (them, me)
            when = start + step * n
            postmark = time.asctime(when.timetuple())
            envelope = ME[1] if sender == me else p.email
            stamp = email.utils.format_datetime(when)
            headers = [f"From {envelope} {postmark}", f"Return-Path: <{envelope}>",
                       f"Received: from mail.example.org by mx.example.org; {stamp}",
                       f"Date: {stamp}", f"From: {sender}", f"To: {to}"]  # fmt: skip
            if rng.random() < 0.2:
                other = rng.choice(people)
                headers.append(
                    f"Cc: {email.utils.formataddr((f'{other.first} {other.last}', other.email))}"
                )
            subject = rng.choice(SUBJECTS).format(p.first, rng.choice(FIRST))
            headers += [f"Subject: {subject}", f"Message-ID: <{n}.{rng.getrandbits(48):012x}@"
                        "mail.example.org>", "MIME-Version: 1.0",
                        "Content-Type: text/plain; charset=utf-8",
                        "Content-Transfer-Encoding: 8bit"]  # fmt: skip
            body = [f"Hi {p.first},", "", "Good to hear from you. Here is what I promised.",
                    ">From the notes: next steps by Friday.", "", "-- ", ME[0]]  # fmt: skip
            handle.write("\n".join(headers) + "\n\n" + "\n".join(body) + "\n\n")


# -- floor ------------------------------------------------------------------------------


def floor_linkedin(path: Path) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [tuple(row) for row in csv.reader(handle) if len(row) == len(LINKEDIN_HEADER)]
    return rows[1:]  # the header


def floor_vcard(path: Path) -> list[tuple[str, ...]]:
    names = ("fn", "n", "email", "email", "tel", "org", "title", "note", "uid")
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for card in vobject.readComponents(handle):
            seen: dict[str, int] = {}
            row = []
            for name in names:
                index = seen[name] = seen.get(name, -1) + 1
                values = card.contents.get(name, [])
                row.append(str(values[index].value) if index < len(values) else "")
            rows.append(tuple(row))
    return rows


def floor_mbox(path: Path) -> list[tuple[str, ...]]:
    names = ("From", "To", "Cc", "Subject", "Date", "Message-ID")
    box = mailbox.mbox(path, create=False)
    try:
        return [tuple(str(message.get(h, "")) for h in names) for message in box]
    finally:
        box.close()


FLOORS: dict[str, Callable[[Path], list[tuple[str, ...]]]] = {
    "linkedin": floor_linkedin,
    "vcard": floor_vcard,
    "mbox": floor_mbox,
}


def floor_insert(rows: list[tuple[str, ...]], directory: Path) -> float:
    """Raw sqlite3 executemany of the rows into a fresh table of their width, committed."""
    width = len(rows[0])
    path = directory / f"floor-{width}-{time.monotonic_ns()}.db"
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"CREATE TABLE t ({', '.join(f'c{i} TEXT' for i in range(width))})")
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * width)})", rows)
        conn.commit()
    finally:
        conn.close()
    elapsed = time.perf_counter() - start
    path.unlink()
    return elapsed


# The tables each timed import writes (for mbox: into a database that holds the
# correspondents already).
WRITTEN = {
    "linkedin": ("contacts", "contact_emails", "contact_links", "organizations", "positions",
                 "field_provenance", "import_keys", "import_changes"),
    "vcard": ("contacts", "contact_emails", "contact_phones", "contact_links", "organizations",
              "positions", "notes", "field_provenance", "import_keys", "import_changes"),
    "mbox": ("interactions", "interaction_participants", "contact_touches"),
}  # fmt: skip


def writes_floor(db: Path, tables: Sequence[str], work: Path) -> tuple[float, dict[str, float]]:
    """The rows the import left in these tables, inserted again with raw sqlite3
    executemany into a fresh database of goodwill's schema (every index live, foreign
    keys off), one transaction, committed: the cost of the writes alone. Per table too."""
    source = sqlite3.connect(db)
    path = work / f"writes-{time.monotonic_ns()}.db"
    target = sqlite3.connect(path)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA synchronous=NORMAL")  # as goodwill's engine sets it
        ddl = source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'index'"
        ).fetchall()
        for (statement,) in ddl:
            target.execute(statement)
        target.commit()
        data = {t: source.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
        per_table: dict[str, float] = {}
        start = time.perf_counter()
        for table, rows in data.items():
            if not rows:
                continue
            began = time.perf_counter()
            marks = ", ".join("?" * len(rows[0]))
            target.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            per_table[table] = time.perf_counter() - began
        began = time.perf_counter()
        target.commit()
        per_table["commit"] = time.perf_counter() - began
        return time.perf_counter() - start, per_table
    finally:
        source.close()
        target.close()
        path.unlink()


def own_parse(fmt: str, path: Path) -> int:
    """goodwill's own parser alone (no database): records read."""
    from goodwill.importers.registry import parser_for

    return sum(1 for _ in parser_for(fmt, now=datetime.now(UTC))(path))


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


# -- the import, in a child process ---------------------------------------------------------


def rss_mb() -> float:
    """This process's peak RSS. Linux's ru_maxrss survives exec: a child started by
    subprocess (vfork + exec) would report the parent's peak, so read VmHWM, which
    belongs to the child's own address space."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) / 1024


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child(spec: dict[str, Any]) -> None:
    """Import one file into spec['url'] and print a JSON line with the figures."""
    from goodwill.bootstrap import open_database
    from goodwill.services.accounts import local_actor, set_my_emails
    from goodwill.services.importing import ImportOptions, run_import

    db = open_database(spec["url"], upgrade=True)
    actor = local_actor(db.uow)
    set_my_emails(actor, db.uow, [ME[1]])
    base = rss_mb()
    profiler = cProfile.Profile() if spec.get("profile") else None
    cpu_start = cpu_seconds(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    options = ImportOptions(format=spec["format"], workers=spec.get("workers"))
    summary = run_import(actor, db.uow, Path(spec["path"]), options)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_start
    if profiler:
        profiler.dump_stats(spec["profile"])
    db.close()
    # The parser worker (a child, when the import used one): ru_maxrss of waited-for
    # children, an upper bound (it includes what this process held when it started it).
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {"seconds": elapsed, "peak_mb": rss_mb(), "base_mb": base, "worker_mb": worker_mb,
               "counts": summary.counts, "cpu_s": cpu,
               "worker_cpu_s": cpu_seconds(resource.RUSAGE_CHILDREN)}  # fmt: skip
    print(json.dumps(figures))


def run_child(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"import of {spec['path']} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- driver -----------------------------------------------------------------------------


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_format(fmt: str, args: argparse.Namespace, work: Path) -> Figures:
    rng = random.Random(f"{args.seed}-{fmt}")
    url = args.db or f"sqlite:///{work / f'{fmt}.db'}"
    path = work / {"linkedin": "Connections.csv", "vcard": "contacts.vcf", "mbox": "mail.mbox"}[fmt]
    figures = Figures(fmt, args.records)
    started = time.perf_counter()
    if fmt == "linkedin":
        write_linkedin(path, rng, make_people(rng, args.records, "l"), emails=0.1)
    elif fmt == "vcard":
        write_vcard(path, rng, make_people(rng, args.records, "v"))
    else:
        people = make_people(rng, max(1, args.records // 10), "m")
        contacts = work / "correspondents.csv"
        write_linkedin(contacts, rng, people, emails=1.0)
        write_mbox(path, rng, people, args.records)
    size = path.stat().st_size / 2**20
    print(f"{fmt}: generated {path.name} ({size:.1f} MiB) in {time.perf_counter() - started:.1f} s")
    cpu_start = time.process_time()
    rows, figures.parse_s = timed(lambda: FLOORS[fmt](path))
    if len(rows) != args.records:
        sys.exit(f"{fmt}: the floor parser read {len(rows)} records, not {args.records}")
    figures.insert_s = floor_insert(rows, work)
    figures.floor_cpu_s = time.process_time() - cpu_start
    del rows
    print(f"{fmt}: floor parse {figures.parse_s:.2f} s + insert {figures.insert_s:.2f} s "
          f"(CPU {figures.floor_cpu_s:.2f} s)")  # fmt: skip
    _, figures.own_parse_s = timed(lambda: own_parse(fmt, path))
    print(f"{fmt}: goodwill's parser alone {figures.own_parse_s:.2f} s (not part of the floor)")
    if args.floor_only:
        return figures
    if fmt == "mbox":
        known = run_child({"url": url, "path": str(contacts), "format": "linkedin"})
        print(f"mbox: {known['counts']['created']} correspondents imported first "
              f"in {known['seconds']:.1f} s (not timed)")  # fmt: skip
    profile = str(args.profile / f"{fmt}.prof") if args.profile else None
    result = run_child({"url": url, "path": str(path), "format": fmt, "profile": profile,
                        "workers": args.workers})  # fmt: skip
    figures.import_s, figures.peak_mb = result["seconds"], result["peak_mb"]
    figures.worker_mb = result["worker_mb"]
    figures.import_cpu_s = result["cpu_s"] + result["worker_cpu_s"]
    figures.base_mb, figures.counts = result["base_mb"], result["counts"]
    if not args.db:
        figures.writes_s, per_table = writes_floor(work / f"{fmt}.db", WRITTEN[fmt], work)
        rows = {t: f"{s:.2f}" for t, s in per_table.items()}
        print(f"{fmt}: the import's rows written again with raw executemany: "
              f"{figures.writes_s:.2f} s {rows}")  # fmt: skip
    print(f"{fmt}: import {figures.import_s:.1f} s, peak RSS {figures.peak_mb:.0f} MB "
          f"(+ parser worker ≤ {figures.worker_mb:.0f} MB), CPU {result['cpu_s']:.1f} s "
          f"(+ worker {result['worker_cpu_s']:.1f} s), "
          f"counts {figures.counts}  [load {load()}]")  # fmt: skip
    if profile:
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(30)
    return figures


def report(results: list[Figures]) -> None:
    head = ("format", "records", "parse s", "insert s", "floor s", "import s", "ratio",
            "peak MB", "worker MB", "rec/s", "ratio≤1.5", "peak<300", "gw parse s",
            "writes s", "import/writes", "floor CPU s", "import CPU s")  # fmt: skip
    print("\n" + " | ".join(head))
    print(" | ".join("---" for _ in head))
    for f in results:
        if not f.import_s:  # --floor-only
            print(f"{f.fmt} | {f.records:,} | {f.parse_s:.2f} | {f.insert_s:.2f} | "
                  f"{f.floor_s:.2f} | - | - | - | - | - | - | - | {f.own_parse_s:.2f} "
                  f"| - | - | {f.floor_cpu_s:.2f} | -")  # fmt: skip
            continue
        ratio = f.import_s / f.floor_s
        verdicts = ("PASS" if ratio <= RATIO_TARGET else "MISS",
                    "PASS" if f.peak_mb + f.worker_mb < PEAK_TARGET_MB else "MISS")  # fmt: skip
        cells = (f.fmt, f"{f.records:,}", f"{f.parse_s:.2f}", f"{f.insert_s:.2f}",
                 f"{f.floor_s:.2f}", f"{f.import_s:.1f}", f"{ratio:.1f}", f"{f.peak_mb:.0f}",
                 f"{f.worker_mb:.0f}",
                 f"{f.records / f.import_s:,.0f}", *verdicts, f"{f.own_parse_s:.2f}",
                 f"{f.writes_s:.2f}" if f.writes_s else "-",
                 f"{f.import_s / f.writes_s:.1f}" if f.writes_s else "-",
                 f"{f.floor_cpu_s:.2f}", f"{f.import_cpu_s:.1f}")  # fmt: skip
        print(" | ".join(cells))
    if imported := [f for f in results if f.import_s]:
        print("\n(peak MB: the import child's peak RSS, VmHWM; worker MB: its parser worker's,"
              " an upper bound (RUSAGE_CHILDREN); peak<300 judges their sum. Before"
              " run_import the child held "
              + ", ".join(f"{f.fmt} {f.base_mb:.0f} MB" for f in imported) + ")")  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--db", help="one empty database for every format (default: a fresh "
                        "SQLite file per format in a temp dir)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="folder for a cProfile of each import")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (files, dbs)")
    parser.add_argument("--floor-only", action="store_true", help="skip the imports")
    parser.add_argument("--workers", type=int, help="1: parse inline; 2: parse in a worker "
                        "process (default: goodwill decides by file size)")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if unknown := set(args.formats) - set(FORMATS):
        parser.error(f"unknown formats {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        child(json.loads(args.child))
        return
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {load()} ({os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}, SQLite {sqlite3.sqlite_version})")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="goodwill-bench-imports-"))
    try:
        results = [bench_format(fmt, args, work) for fmt in args.formats]
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work)
    report(results)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
