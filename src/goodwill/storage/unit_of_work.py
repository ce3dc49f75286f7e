"""The unit of work: services own the transaction, one per use case."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from goodwill.errors import Conflict, DatabaseUnavailable
from goodwill.storage.engine import WRITE_OPTION
from goodwill.storage.memo import Memo, bump_versions, read_versions, track_statement, writes

SessionFactory = Callable[[bool], Session]
T = TypeVar("T")


class UnitOfWork:
    """Hands out sessions: `read()` never commits; `write()` commits only on success.

    A use case that raises leaves nothing behind: the whole transaction rolls back.
    """

    def __init__(self, session_factory: SessionFactory, engine: Engine | None = None) -> None:
        self._factory = session_factory
        self._engine = engine
        self.memo = Memo()

    def memoized(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, or what it returned before for `key` if none of the tables it
        read was written since (storage.memo). For read-only results that are costly
        to build."""
        with self.read() as session:
            versions = read_versions(session)
        return self.memo.get_or_compute(versions, key, compute)

    @classmethod
    def for_engine(cls, engine: Engine) -> UnitOfWork:
        writer = engine.execution_options(**{WRITE_OPTION: True})

        def factory(write: bool) -> Session:
            return Session(bind=writer if write else engine, expire_on_commit=False)

        return cls(factory, engine)

    def checkpoint(self) -> None:
        """On SQLite, fold the WAL into the database file and truncate it.

        After erasing data (with secure_delete on) this leaves no copy of the old
        pages in the -wal file. A no-op on PostgreSQL and inside test transactions.
        """
        if self._engine is None or self._engine.dialect.name != "sqlite":
            return
        with self._engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._factory(False)
        try:
            with _translated():
                yield session
        finally:
            # Detach first: a rollback would expire every loaded object one by one
            # (42 ms for the 5,000 tasks and contacts `today` loads at 100k contacts).
            session.expunge_all()
            session.rollback()
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        session = self._factory(True)
        try:
            with _translated(), writes() as written:
                yield session
                session.flush()
                # Committed with the data: results read from these tables expire.
                bump_versions(session, written)
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


@contextmanager
def _translated() -> Iterator[None]:
    """Database failures the services did not foresee, as errors of the one tree.

    A constraint that a concurrent writer won the race for is a conflict; a database
    that is gone or stays locked past the busy timeout is unavailable.
    """
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(f"the change clashes with existing data ({first_line(exc.orig)})") from exc
    except OperationalError as exc:
        raise DatabaseUnavailable(f"database error: {first_line(exc.orig)}") from exc


# Every statement of every engine passes the memo's watch (storage.memo): what a
# memoized computation reads, what a write transaction writes.
if not event.contains(Engine, "before_cursor_execute", track_statement):
    event.listen(Engine, "before_cursor_execute", track_statement)
