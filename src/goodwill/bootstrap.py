"""Open a database: make the engine, bring SQLite up to date, hand out units of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from goodwill.errors import Conflict
from goodwill.storage import migrate
from goodwill.storage.engine import is_sqlite, make_engine
from goodwill.storage.unit_of_work import UnitOfWork


@dataclass
class Database:
    engine: Engine
    uow: UnitOfWork

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, upgrade: bool | None = None) -> Database:
    """SQLite databases upgrade on first use; PostgreSQL ones need `goodwill db upgrade`.

    `upgrade=False` opens without touching the schema (for `goodwill db` itself).
    """
    engine = make_engine(url)
    try:
        if upgrade is not False and not migrate.is_current(engine):
            if is_sqlite(engine) or upgrade:
                migrate.upgrade(engine)
            else:
                current = migrate.current_revision(engine) or "empty"
                raise Conflict(
                    f"the database schema is at {current}, this goodwill needs "
                    f"{migrate.head_revision()}: run 'goodwill db upgrade'"
                )
    except OperationalError as exc:
        engine.dispose()
        raise Conflict(f"cannot open the database: {exc.orig}") from None
    except Conflict:
        engine.dispose()
        raise
    return Database(engine=engine, uow=UnitOfWork.for_engine(engine))
