"""Each opportunity's stage events and current stage, for the funnel, aging and job-search
reports, kept between requests and brought up to date by re-reading only the
opportunities written since (storage.memo: the opportunity_changes log).

A report right after a move used to read the pipeline's every stage event (35,000 at
10k opportunities) and every opportunity's stage; now it reads the log's few new rows
and the changed opportunities' events. What is kept per scope (actor, pipeline, window)
is exactly what `_report_sql.stage_event_rows` and `opportunity_facts` return for it, read
with the same clauses, so the reports' figures cannot differ (tests/integration/
test_stage_tracks.py compares them after every kind of write).

Correctness rests on the log: triggers append an opportunity's id whenever its row or
one of its events is inserted, updated or deleted (migration 0018), and the writing
transaction stamps those rows with the log table's version while it holds that
version's lock (storage.memo.stamp_changes), so every row at or below a version a
reader sees is committed. The tracks record the log's version they are current at, and
the version of `*` (a change of unknown reach, say DDL): when that moves, or the log was
pruned past them, they are read afresh.

Kept tracks are never mutated: a refresh builds new maps and swaps them in, so a report
running in another thread keeps a consistent picture.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from goodwill.services import _report_sql as sql
from goodwill.storage.memo import ALL, depend_on, opportunities_changed
from goodwill.storage.unit_of_work import UnitOfWork

LOG = "opportunity_changes"
KEPT = 8  # scopes kept per process and database (about 7 MB each at 7,000 opportunities)
REFRESH_LIMIT = 2000  # more changed opportunities than this: read everything afresh
CHUNK = 500
_VERSIONS = text("SELECT name, version FROM table_versions WHERE name IN (:log, :all)")

Row = tuple[int, int, int]  # (opportunity id, stage id, whole seconds)


@dataclass(frozen=True)
class Tracks:
    everything: int  # the version of `*` they were read at
    version: int  # the version of the change log they are current at
    facts: dict[int, sql.Facts]  # opportunity id -> (stage now, opened, contact, org)
    events: dict[int, tuple[Row, ...]]  # opportunity id -> its stage event rows, in order

    @functools.cached_property
    def current(self) -> dict[int, int]:
        """Opportunity id -> the stage it stands in now."""
        return {i: facts[0] for i, facts in self.facts.items()}

    def rows(self) -> Iterable[Row]:
        """The stage event rows, each opportunity's together and in (time, id) order: what
        domain.funnel's passes read."""
        return itertools.chain.from_iterable(self.events.values())

    def current_stays(self, stages: Container[int]) -> Iterator[Row]:
        """(opportunity id, stage id, whole seconds it entered it) of those standing in
        one of `stages` now: their latest move."""
        for opportunity_id, stage_id in self.current.items():
            if stage_id in stages:
                moves = self.events.get(opportunity_id)
                if moves:
                    yield opportunity_id, stage_id, moves[-1][2]


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tracks: dict[tuple[object, ...], Tracks] = {}


_kept_lock = threading.Lock()


def _kept(uow: UnitOfWork) -> _Kept:
    with _kept_lock:
        kept = getattr(uow, "_stage_tracks", None)
        if kept is None:
            kept = _Kept()
            uow._stage_tracks = kept  # type: ignore[attr-defined]
        return kept


def stage_tracks(session: Session, uow: UnitOfWork, scope: sql.Scope) -> Tracks:
    """The scope's stage event rows and current stages, as of this read."""
    versions = {str(n): int(v) for n, v in session.execute(_VERSIONS, {"log": LOG, "all": ALL})}
    everything, version = versions.get(ALL, 0), versions.get(LOG, 0)
    key = (scope.actor, scope.pipeline.id, scope.since, scope.until)
    # What the tracks reflect, whichever of these statements ran: a memoized report
    # built on them expires with any write to an opportunity or its events.
    depend_on(("opportunities", "opportunity_events", LOG))
    kept = _kept(uow)
    with kept.lock:
        before = kept.tracks.get(key)
    tracks = _brought_up(session, scope, before, everything, version)
    with kept.lock:
        there = kept.tracks.pop(key, None)
        if there is not None and there.version > tracks.version:
            tracks = there  # another thread got further meanwhile
        kept.tracks[key] = tracks  # the most recently used last
        while len(kept.tracks) > KEPT:
            del kept.tracks[next(iter(kept.tracks))]
    return tracks


def _brought_up(
    session: Session, scope: sql.Scope, before: Tracks | None, everything: int, version: int
) -> Tracks:
    if before is not None and before.everything == everything:
        if before.version >= version:
            # Newer than this read's versions (another thread read after it) is as
            # good: under READ COMMITTED the rows this read fetches may be newer too.
            return before
        changed = opportunities_changed(session, before.version, version)
        if changed is not None and len(changed) <= REFRESH_LIMIT:
            return _refreshed(session, scope, before, changed, everything, version)
    return Tracks(
        everything,
        version,
        sql.opportunity_facts(session, scope),
        _grouped(sql.stage_event_rows(session, scope)),
    )


def _refreshed(
    session: Session,
    scope: sql.Scope,
    before: Tracks,
    changed: set[int],
    everything: int,
    version: int,
) -> Tracks:
    facts = dict(before.facts)
    events = dict(before.events)
    for opportunity_id in changed:
        facts.pop(opportunity_id, None)
        events.pop(opportunity_id, None)
    ids = sorted(changed)
    for start in range(0, len(ids), CHUNK):  # bounded parameter lists
        found = sql.opportunity_facts(session, scope, ids[start : start + CHUNK])
        facts.update(found)
        if found:
            events.update(_grouped(sql.stage_event_rows_of(session, sorted(found))))
    return Tracks(everything, version, facts, events)


def _grouped(rows: Iterable[Row]) -> dict[int, tuple[Row, ...]]:
    """Ordered rows by opportunity, each opportunity's order kept."""
    return {
        opportunity_id: tuple(group)
        for opportunity_id, group in itertools.groupby(rows, key=lambda row: row[0])
    }
