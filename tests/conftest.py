"""Fixtures: every storage and service test runs on SQLite and on PostgreSQL.

Each xdist worker gets its own SQLite file and its own PostgreSQL database,
migrated once; each test runs inside a transaction that is rolled back
(services' commits become savepoint releases), so tests stay isolated and cheap.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from goodwill.services import accounts
from goodwill.services.actor import Actor
from goodwill.storage import migrate
from goodwill.storage.engine import make_engine
from goodwill.storage.unit_of_work import UnitOfWork

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

BACKENDS = ["sqlite", "postgresql"]


def _pg_base_url() -> str:
    url = os.environ.get("GOODWILL_TEST_PG_URL")
    if not url:
        pytest.fail(
            "GOODWILL_TEST_PG_URL is not set: PostgreSQL is required (run scripts/test, "
            "which starts one)",
            pytrace=False,
        )
    return url


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgresql_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database of this worker's own, dropped afterwards."""
    base = make_url(_pg_base_url())
    name = f"goodwill_t_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'goodwill.db'}"


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    url = request.getfixturevalue(f"{request.param}_database_url")
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> Iterator[UnitOfWork]:
    connection = engine.connect()
    outer = connection.begin()

    def factory(write: bool) -> Session:
        return Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    try:
        yield UnitOfWork(factory)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def owner(uow: UnitOfWork) -> Actor:
    return accounts.local_actor(uow)


@pytest.fixture
def teammate(uow: UnitOfWork, owner: Actor) -> Actor:
    accounts.add_member(owner, uow, "bea@team.example", "Bea Teammate")
    return accounts.local_actor(uow, "bea@team.example")


@pytest.fixture
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty SQLite file for tests that drive the whole program (CLI)."""
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no schema) on each backend, for migration and CLI tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = make_url(_pg_base_url())
    name = f"goodwill_e_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
