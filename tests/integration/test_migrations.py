"""The shipped Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from goodwill.bootstrap import open_database
from goodwill.errors import Conflict
from goodwill.storage import migrate
from goodwill.storage.engine import make_engine
from goodwill.storage.schema import Base


def test_migrations_match_models_on_a_fresh_database(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            diffs = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diffs == []
        assert migrate.is_current(engine)
    finally:
        engine.dispose()


def test_migrations_downgrade_to_base_and_up_again(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        command.downgrade(migrate.alembic_config(engine), "base")
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        migrate.upgrade(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_open_database_upgrades_sqlite_but_not_postgresql(empty_database_url):
    if empty_database_url.startswith("sqlite"):
        db = open_database(empty_database_url)
        try:
            assert migrate.is_current(db.engine)
        finally:
            db.close()
    else:
        try:
            open_database(empty_database_url)
        except Conflict as exc:
            assert "goodwill db upgrade" in exc.message
        else:
            raise AssertionError("an empty PostgreSQL database must ask for 'goodwill db upgrade'")
        db = open_database(empty_database_url, upgrade=True)
        try:
            assert migrate.is_current(db.engine)
        finally:
            db.close()
