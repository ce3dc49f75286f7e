"""Open a database: make the engine, bring SQLite up to date, hand out units of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from goodwill.errors import Conflict, DatabaseUnavailable, ValidationFailed
from goodwill.storage import migrate
from goodwill.storage.engine import is_sqlite, make_engine
from goodwill.storage.unit_of_work import UnitOfWork, first_line


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
    try:
        engine = make_engine(url)
    except ArgumentError:
        raise ValidationFailed(
            "--db",
            f"'{url[:200]}' is not a database URL "
            "(e.g. sqlite:///path/goodwill.db or postgresql+psycopg://user@host/db)",
        ) from None
    except (ImportError, NoSuchModuleError):
        raise DatabaseUnavailable(
            "PostgreSQL support is not installed: pip install 'goodwill[postgres]'"
        ) from None
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot create the database file: {exc}") from None
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
        raise DatabaseUnavailable(f"cannot open the database: {first_line(exc.orig)}") from None
    except Conflict:
        engine.dispose()
        raise
    return Database(engine=engine, uow=UnitOfWork.for_engine(engine))
