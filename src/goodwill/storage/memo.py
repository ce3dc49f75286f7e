"""Results kept while the tables they were read from have not changed.

Every committed write transaction bumps, in `table_versions`, the version of each table
it wrote (UnitOfWork.write), in the same transaction as its data, whichever process
writes (the server's workers, the CLI). A statement is seen on its way to the database
(`track_statement`, a `before_cursor_execute` hook): `INSERT INTO t`, `UPDATE t`,
`DELETE FROM t`… bump `t` and the tables whose foreign keys cascade from it; a statement
of any other kind that may write (DDL, say) bumps `*`, which every result depends on.

A memoized computation records the tables its statements name (its dependencies) and
the versions they had when it started. It is served again while those versions are
unchanged, so adding a task does not expire the ledger's history, and recording a give
does. Dependencies are found, not declared: a computation cannot forget one. A memoized
result used inside another adds its dependencies to the outer one.

The versions are read before the data: under PostgreSQL's READ COMMITTED a result may
then come from newer data than its versions say, which only wastes the entry (the next
reader sees the newer versions), never serves stale data.

A memo belongs to one UnitOfWork (one database; a test's rolled-back transaction takes
its memo with it). Cached values are shared between requests: callers must not mutate
them.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

T = TypeVar("T")
MEMO_SIZE = 256
ALL = "*"  # bumped by a statement that may write anything: every result depends on it
VERSIONS_TABLE = "table_versions"
READ_VERSIONS = text(f"SELECT name, version FROM {VERSIONS_TABLE}")
BUMP_VERSION = text(
    f"INSERT INTO {VERSIONS_TABLE} (name, version) VALUES (:name, 1) "
    f"ON CONFLICT (name) DO UPDATE SET version = {VERSIONS_TABLE}.version + 1"
)

# Tables that database triggers keep (migrations 0016, 0018): a write to the key writes
# them too.
TRIGGERED = {
    "ledger_entries": frozenset({"ledger_month_totals", "ledger_counterpart_totals"}),
    "opportunities": frozenset({"opportunity_changes"}),
    "opportunity_events": frozenset({"opportunity_changes"}),
}
# Change logs the triggers append to with no version (migration 0018): a write
# transaction stamps its rows with the version it bumped the log's table to, while it
# holds that row's lock, so versions follow commit order (stamp_changes). Rows this many
# versions old are pruned; a reader further behind reads everything afresh.
CHANGE_LOGS = ("opportunity_changes",)
CHANGE_RETENTION = 1000
PRUNE_EVERY = 100
# What runs and changes nothing a result could have read.
_QUIET = frozenset(
    {"select", "pragma", "savepoint", "release", "rollback", "begin", "commit", "end",
     "set", "show", "explain", "analyze", "vacuum", "reset", "lock", "values"}
)  # fmt: skip
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*\n|/\*.*?\*/)*", re.S)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TARGET = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?(?!\s+SET\b)|DELETE\s+FROM"
    r"|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?(?:\"?\w+\"?\.)?\"?(\w+)\"?",
    re.I,
)

# The tables each running computation has read so far (innermost last), and the tables
# the current write transaction has written.
_reading: ContextVar[tuple[set[str], ...]] = ContextVar("goodwill_memo_reading", default=())
_writing: ContextVar[set[str] | None] = ContextVar("goodwill_memo_writing", default=None)


@functools.cache
def _known() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Every table of the schema, and for each the tables a change to it reaches through
    foreign keys that cascade or set null (transitively)."""
    from goodwill.storage.schema import Base  # the schema imports nothing of this module

    direct: dict[str, set[str]] = {}
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.ondelete or fk.onupdate:
                direct.setdefault(fk.column.table.name, set()).add(table.name)
    reach: dict[str, frozenset[str]] = {}
    for name in Base.metadata.tables:
        seen, todo = {name}, [name]
        while todo:
            for child in direct.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        reach[name] = frozenset(seen)
    return frozenset(Base.metadata.tables), reach


@functools.lru_cache(maxsize=8192)
def classify(statement: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the schema's tables the statement names, the tables it may write: with `*`
    when it may write and its target is unknown)."""
    tables, reach = _known()
    named = frozenset(w.lower() for w in _WORD.findall(statement)) & tables
    body = _LEADING_COMMENTS.sub("", statement, count=1)
    first = body[:12].split(None, 1)[0].lower() if body.strip() else ""
    if first in _QUIET:
        return named, frozenset()
    found = [
        (m.group(0).split(None, 1)[0].lower(), m.group(1).lower()) for m in _TARGET.finditer(body)
    ]
    if first == "with" and not found:
        return named, frozenset()  # a query with common table expressions
    if first != "with" and not found and first not in ("insert", "update", "delete"):
        return named, frozenset({ALL})  # DDL and the like: may change anything
    written: set[str] = set()
    for verb, target in found:
        if target == VERSIONS_TABLE:
            continue
        if target not in tables:
            written.add(ALL)
        elif verb in ("delete", "truncate"):  # rows that point at the removed ones change
            written |= reach[target]
        else:  # an insert or update (keys never change): its own table
            written.add(target)
    for table in list(written):  # what the database's triggers write along with it
        written |= TRIGGERED.get(table, frozenset())
    return named, frozenset(written)


def track_statement(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """The engine hook: note what the statement reads and writes for whoever listens."""
    reading, writing = _reading.get(), _writing.get()
    if not reading and writing is None:
        return
    named, written = classify(statement)
    if reading:
        reading[-1].update(named)
    if writing is not None:
        writing.update(written)


@contextmanager
def writes() -> Iterator[set[str]]:
    """Collect the tables written inside (UnitOfWork.write's transaction)."""
    written: set[str] = set()
    token = _writing.set(written)
    try:
        yield written
    finally:
        _writing.reset(token)


def read_versions(session: Session) -> dict[str, int]:
    """Every table's version (a table never written has none: 0)."""
    rows = session.execute(READ_VERSIONS).all()
    return {str(name): int(version) for name, version in rows}


def bump_versions(session: Session, tables: Iterable[str]) -> None:
    """One row a table, in name order (two writers never wait on each other in a cycle);
    then the change logs written get their version (stamp_changes)."""
    names = sorted(set(tables))
    if names:
        session.execute(BUMP_VERSION, [{"name": name} for name in names])
    for log in CHANGE_LOGS:
        if log in names:
            stamp_changes(session, log)


def stamp_changes(session: Session, log: str) -> None:
    """The log's rows this transaction appended (the only unstamped ones it can see:
    another writer's are uncommitted, hence invisible) take the log table's version,
    just bumped and locked until commit. Every PRUNE_EVERY versions, rows older than
    CHANGE_RETENTION versions go."""
    version = session.execute(
        text(f"SELECT version FROM {VERSIONS_TABLE} WHERE name = :name"), {"name": log}
    ).scalar_one()
    session.execute(
        text(f"UPDATE {log} SET version = :version WHERE version IS NULL"), {"version": version}
    )
    if version % PRUNE_EVERY == 0:
        session.execute(
            text(f"DELETE FROM {log} WHERE version <= :floor"),
            {"floor": version - CHANGE_RETENTION},
        )


OPPORTUNITIES_CHANGED = text(
    "SELECT DISTINCT opportunity_id FROM opportunity_changes "
    "WHERE version > :since AND version <= :upto"
)


def opportunities_changed(session: Session, since: int, upto: int) -> set[int] | None:
    """The opportunities written between two versions of opportunity_changes (since
    excluded, upto included), or None when rows that old may have been pruned (read
    everything afresh)."""
    if upto - since > CHANGE_RETENTION:
        return None
    rows = session.execute(OPPORTUNITIES_CHANGED, {"since": since, "upto": upto})
    return {int(row[0]) for row in rows}


@dataclass(frozen=True)
class _Entry:
    seen: tuple[tuple[str, int], ...]  # each dependency (and `*`) with its version then
    value: object

    def current(self, versions: dict[str, int]) -> bool:
        return all(versions.get(name, 0) == version for name, version in self.seen)


class Memo:
    """A bounded map of key to result and the table versions it was read at, least
    recently used out first."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(
        self, versions: dict[str, int] | None, key: Hashable, compute: Callable[[], T]
    ) -> T:
        if versions is None:
            return compute()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.current(versions):
                self._entries.move_to_end(key)
                self.hits += 1
                depend_on(name for name, _ in entry.seen)
                return entry.value  # type: ignore[return-value]
        read: set[str] = set()
        outer = _reading.get()
        token = _reading.set((*outer, read))
        try:
            value = compute()
        finally:
            _reading.reset(token)
        read.add(ALL)
        depend_on(read)
        fresh = _Entry(tuple(sorted((name, versions.get(name, 0)) for name in read)), value)
        with self._lock:
            self.misses += 1
            self._entries[key] = fresh
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value


def depend_on(tables: Iterable[str]) -> None:
    """The running computation depends on these tables (a result used inside another:
    the outer one depends on its tables; data kept outside the memo: what it reflects)."""
    reading = _reading.get()
    if reading:
        reading[-1].update(tables)
