"""The reports' stage tracks (services._stage_tracks) kept between reads equal a fresh
read of the stage events and current stages after every kind of write to opportunities
and their events, on both databases; they re-read only what the change log names; and
the log's rows carry the version of the transaction that committed them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import bindparam, func, select, text

from goodwill.services import _report_sql as sql
from goodwill.services import _stage_tracks, opportunities, reports
from goodwill.storage import memo
from goodwill.storage.schema import OpportunityChange, OpportunityEvent, TableVersion
from tests.pipeline_data import SALES, T0, add_opportunity, add_pipeline, random_paths


def _scope(uow, actor, pipeline_id, window=(None, None)):
    with uow.read() as session:
        return reports._scope(session, actor, pipeline_id, None, window)


def _fresh(uow, scope):
    """What the tracks must hold: the rows and stages read afresh, as before them."""
    with uow.read() as session:
        rows = sql.stage_event_rows(session, scope)
        facts = sql.opportunity_facts(session, scope)
    return sorted(rows), facts


def _kept(uow, scope):
    with uow.read() as session:
        tracks = _stage_tracks.stage_tracks(session, uow, scope)
    assert tracks.current == {i: f[0] for i, f in tracks.facts.items()}
    return sorted(tracks.rows()), tracks.facts


@pytest.fixture
def full_reads(monkeypatch):
    """How many times the tracks were read whole."""
    calls = []
    whole = sql.stage_event_rows

    def counted(session, scope):
        calls.append(scope)
        return whole(session, scope)

    monkeypatch.setattr(sql, "stage_event_rows", counted)
    return calls


def _pipeline(uow, owner, teammate, count=30):
    rng = random.Random(7)
    with uow.write() as session:
        ids = add_pipeline(session, owner, "Sales")
        created = [
            add_opportunity(
                session,
                rng.choice([owner, owner, teammate]),
                ids,
                path,
                visibility="private" if rng.random() < 0.3 else "workspace",
            )
            for path in random_paths(rng, SALES, count, T0)
        ]
    return ids, created


def _open_one(uow, owner, ids, created):
    open_stages = {s.id for s in ids.infos if s.outcome is None}
    with uow.read() as session:
        return session.execute(
            text(
                "SELECT id FROM opportunities WHERE id IN :ids AND owner_id = :me "
                "AND stage_id IN :open ORDER BY id LIMIT 1"
            ).bindparams(bindparam("ids", expanding=True), bindparam("open", expanding=True)),
            {"ids": created, "me": owner.user_id, "open": sorted(open_stages)},
        ).scalar_one()


def test_tracks_follow_every_kind_of_write_reading_only_what_changed(
    uow, owner, teammate, full_reads
):
    ids, created = _pipeline(uow, owner, teammate)
    window = (T0.date() - timedelta(days=1), date(2030, 1, 1))
    scopes = [
        _scope(uow, actor, ids.id, w) for actor in (owner, teammate) for w in ((None, None), window)
    ]

    def check():
        for scope in scopes:
            assert _kept(uow, scope) == _fresh(uow, scope)

    check()
    built = len(full_reads)
    assert built == 2 * len(scopes)  # each scope read whole once (kept, then fresh)

    moving = _open_one(uow, owner, ids, created)
    stage = next(s.name for s in ids.infos if s.outcome is None and s.position == 2)
    opportunities.move_opportunity(owner, uow, moving, stage)
    check()
    won = next(s.name for s in ids.infos if s.outcome == "won")
    opportunities.move_opportunity(owner, uow, moving, won, note="signed")
    check()
    # A new opportunity, through the service and in SQL with its own events.
    opportunities.add_opportunity(owner, uow, ids.id, "Fresh deal")
    with uow.write() as session:
        add_opportunity(session, teammate, ids, "prospect discovery@3", title="Another")
    check()
    victim, hidden, pushed, edited = created[1], created[2], created[3], created[4]
    with uow.write() as session:
        # Private to its owner now: the other one's scopes lose it.
        session.execute(
            text("UPDATE opportunities SET visibility = 'private' WHERE id = :id"),
            {"id": hidden},
        )
        # Its contact and organization gone (what gave-first reads of it).
        session.execute(
            text("UPDATE opportunities SET contact_id = NULL, organization_id = NULL "
                 "WHERE id = :id"),
            {"id": created[5]},
        )  # fmt: skip
        # Opened outside the window.
        session.execute(
            text("UPDATE opportunities SET opened_at = :at WHERE id = :id"),
            {"at": datetime(2019, 1, 1, tzinfo=UTC), "id": pushed},
        )
        # An event backdated before the others, and one of its events removed.
        first = session.scalar(
            select(func.min(OpportunityEvent.id)).where(OpportunityEvent.opportunity_id == edited)
        )
        session.execute(
            text("UPDATE opportunity_events SET at = :at WHERE id = :id"),
            {"at": T0 - timedelta(days=30), "id": first},
        )
        last = session.scalar(
            select(func.max(OpportunityEvent.id)).where(OpportunityEvent.opportunity_id == edited)
        )
        if last != first:
            session.execute(text("DELETE FROM opportunity_events WHERE id = :id"), {"id": last})
    check()
    # To the trash, then gone for good with its events (the foreign key's cascade).
    with uow.write() as session:
        session.execute(
            text("UPDATE opportunities SET deleted_at = :at WHERE id = :id"),
            {"at": datetime.now(UTC), "id": created[0]},
        )
    check()
    with uow.write() as session:
        session.execute(text("DELETE FROM opportunities WHERE id = :id"), {"id": victim})
    check()
    # Every write above was followed by a refresh, never a whole read.
    assert len(full_reads) - built == 6 * len(scopes)  # only the fresh reads of check()


def test_the_log_carries_the_version_its_transaction_committed(uow, owner, teammate):
    ids, created = _pipeline(uow, owner, teammate, count=5)
    moving = _open_one(uow, owner, ids, created)
    stage = next(s.name for s in ids.infos if s.outcome is None and s.position == 2)

    def log():
        with uow.read() as session:
            version = session.scalar(
                select(TableVersion.version).where(TableVersion.name == "opportunity_changes")
            )
            rows = session.execute(
                select(OpportunityChange.opportunity_id, OpportunityChange.version)
            ).all()
        return version, rows

    before, rows_before = log()
    assert rows_before and all(v is not None and v <= before for _, v in rows_before)
    opportunities.move_opportunity(owner, uow, moving, stage)
    after, rows_after = log()
    assert after == before + 1
    new = [r for r in rows_after if r not in rows_before]
    assert new and {v for _, v in new} == {after} and {o for o, _ in new} == {moving}
    # A write that fails leaves no row, stamped or not.
    with pytest.raises(RuntimeError), uow.write() as session:
        session.execute(text("UPDATE opportunities SET title = 'x' WHERE id = :id"), {"id": moving})
        raise RuntimeError("boom")
    assert log() == (after, rows_after)


def test_tracks_too_far_behind_or_after_ddl_are_read_whole(
    uow, owner, teammate, full_reads, monkeypatch
):
    monkeypatch.setattr(memo, "CHANGE_RETENTION", 2)
    monkeypatch.setattr(memo, "PRUNE_EVERY", 1)
    ids, created = _pipeline(uow, owner, teammate, count=6)
    scope = _scope(uow, owner, ids.id)
    _kept(uow, scope)
    reads = len(full_reads)
    for n in range(3):  # three commits: past the retention of two
        with uow.write() as session:
            add_opportunity(session, owner, ids, "prospect discovery@2", title=f"n{n}")
    assert _kept(uow, scope) == _fresh(uow, scope)
    assert len(full_reads) - reads == 2  # read whole, then the fresh read
    with uow.read() as session:  # pruned: nothing older than the retention is left
        oldest = session.scalar(select(func.min(OpportunityChange.version)))
        newest = session.scalar(select(func.max(OpportunityChange.version)))
    assert newest - oldest < 2
    # One more commit: within reach, a refresh.
    reads = len(full_reads)
    with uow.write() as session:
        add_opportunity(session, owner, ids, "prospect", title="one more")
    assert _kept(uow, scope) == _fresh(uow, scope)
    assert len(full_reads) - reads == 1
    # A statement of unknown reach (`*`): read whole.
    with uow.write() as session:
        session.execute(text("CREATE INDEX ix_tracks_test ON opportunities (title)"))
    reads = len(full_reads)
    assert _kept(uow, scope) == _fresh(uow, scope)
    assert len(full_reads) - reads == 2


def test_a_report_after_a_move_equals_one_computed_on_a_fresh_handle(
    uow, owner, teammate, monkeypatch
):
    """The memoized, tracked funnel and aging after moves equal the same reports from a
    handle that kept nothing."""
    later = datetime.now(UTC) + timedelta(hours=1)
    monkeypatch.setattr(reports, "utcnow", lambda: later)
    ids, created = _pipeline(uow, owner, teammate)
    reports.funnel_report(owner, uow, pipeline=ids.id)
    reports.aging_report(owner, uow, pipeline=ids.id)
    open_stages = [s for s in ids.infos if s.outcome is None]
    moving = _open_one(uow, owner, ids, created)
    for n in range(3):
        now = opportunities.show_opportunity(owner, uow, moving).stage
        stage = [s for s in open_stages if s.name != now][n]
        opportunities.move_opportunity(owner, uow, moving, stage.name)
        kept_funnel = reports.funnel_report(owner, uow, pipeline=ids.id)
        kept_aging = reports.aging_report(owner, uow, pipeline=ids.id)
        fresh = type(uow)(uow._factory)  # the same database, nothing kept
        assert reports.funnel_report(owner, fresh, pipeline=ids.id) == kept_funnel
        fresh_aging = reports.aging_report(owner, fresh, pipeline=ids.id)
        assert (fresh_aging.stages, fresh_aging.items) == (kept_aging.stages, kept_aging.items)
