"""The shipped Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.schema import CreateIndex

from goodwill.bootstrap import open_database
from goodwill.errors import Conflict
from goodwill.storage import migrate
from goodwill.storage.engine import make_engine
from goodwill.storage.schema import Base


# SQLAlchemy cannot reflect SQLite's expression indexes and says so; the one we have is
# checked from sqlite_master below instead.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index ix_contacts_lapse_day"
)
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index 'ix_contacts_lapse_day'"
)
def test_migrations_match_models_on_a_fresh_database(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            diffs = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diffs == []
        assert _lapse_index_sql(engine) == _lapse_index_sql_of_models(engine)
        assert migrate.is_current(engine)
    finally:
        engine.dispose()


def _lapse_index_sql(engine):
    """The lapse-day index as the database holds it, blanks folded and lower-cased."""
    if engine.dialect.name == "sqlite":
        query = "SELECT sql FROM sqlite_master WHERE name = 'ix_contacts_lapse_day'"
    else:
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_contacts_lapse_day'"
    with engine.connect() as conn:
        found = conn.execute(text(query)).scalar()
    assert found, "the migrations did not build ix_contacts_lapse_day"
    return _folded(found)


def _lapse_index_sql_of_models(engine):
    """The same index as the models would build it on this database."""
    index = next(
        ix for ix in Base.metadata.tables["contacts"].indexes if ix.name == "ix_contacts_lapse_day"
    )
    return _folded(str(CreateIndex(index).compile(dialect=engine.dialect)))


def _folded(sql):
    import re

    sql = re.sub(r"\bpublic\.", "", sql.lower())
    sql = re.sub(r"create index \S+ on \S+", "", sql)
    for noise in ("using btree", "(", ")", '"', "contacts."):
        sql = sql.replace(noise, "")
    return " ".join(sql.split())


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


def test_upgrading_to_0003_fills_the_strength_aggregates_of_existing_touches(empty_database_url):
    from datetime import timedelta

    from sqlalchemy import select

    from goodwill.services.accounts import local_actor
    from goodwill.services.actor import utcnow
    from goodwill.storage.schema import ContactTouch
    from tests.factories import make_contact, make_interaction

    db = open_database(empty_database_url, upgrade=True)
    try:
        actor = local_actor(db.uow)
        ana = make_contact(actor, db.uow, name="Ana Diaz").id
        for days, by in ((40, "them"), (10, "me")):
            when = (utcnow() - timedelta(days=days)).isoformat()
            make_interaction(actor, db.uow, ana, channel="call", initiated_by=by, when=when)
        columns = ("by_me", "by_them", "d_call", "d_them")
        with db.uow.read() as session:
            want = session.execute(select(*(getattr(ContactTouch, c) for c in columns))).one()
        command.downgrade(migrate.alembic_config(db.engine), "0002")
        migrate.upgrade(db.engine)
        with db.uow.read() as session:
            got = session.execute(select(*(getattr(ContactTouch, c) for c in columns))).one()
        assert got[:2] == want[:2] == (1, 1)
        assert abs(got[2] - want[2]) < 1e-9 and abs(got[3] - want[3]) < 1e-9 and got[3] > 0
    finally:
        db.close()
