"""Storage behaviour that the CLI and a server sharing one SQLite file rely on."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from goodwill.bootstrap import open_database
from goodwill.storage.engine import make_engine
from goodwill.storage.schema import User


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        engine.dispose()


def test_sqlite_writer_takes_the_write_lock_at_begin(tmp_path):
    path = tmp_path / "lock.db"
    db = open_database(f"sqlite:///{path}")
    try:
        with db.uow.write() as session:
            session.execute(text("SELECT 1"))  # no write yet: the lock must already be held
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        with db.uow.read() as session:
            session.execute(text("SELECT 1"))
            reader = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            reader.execute("BEGIN IMMEDIATE")  # a reader does not block a writer
            reader.execute("ROLLBACK")
            reader.close()
    finally:
        db.close()


def test_failed_use_case_rolls_back_everything(uow):
    with pytest.raises(RuntimeError), uow.write() as session:
        session.add(User(email="x@example.com", name="x", created_at=datetime.now(UTC)))
        session.flush()
        raise RuntimeError("boom")
    with uow.read() as session:
        assert session.scalars(select(User).where(User.email == "x@example.com")).all() == []


def test_times_round_trip_as_aware_utc(uow):
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    with uow.write() as session:
        session.add(User(email="t@example.com", name="t", created_at=moment))
    with uow.read() as session:
        stored = session.scalars(select(User).where(User.email == "t@example.com")).one()
        assert stored.created_at == moment and stored.created_at.tzinfo is UTC


def test_naive_datetimes_are_refused(uow):
    with pytest.raises(Exception, match="naive datetime"), uow.write() as session:
        session.add(User(email="n@example.com", name="n", created_at=datetime(2026, 1, 1)))
        session.flush()
