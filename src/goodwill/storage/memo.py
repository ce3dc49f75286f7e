"""Results kept while the data they came from has not changed.

Every committed write transaction bumps the one-row `data_versions` counter
(UnitOfWork.write), in the same transaction as its data, whichever process writes (the
server's workers, the CLI). A result computed after reading version N is served again
while the counter still reads N; the first read after any write computes afresh.

The version is read before the data: under PostgreSQL's READ COMMITTED a result may
then come from newer data than its version says, which only wastes the entry (the next
reader sees the newer version), never serves stale data.

A memo belongs to one UnitOfWork (one database; a test's rolled-back transaction takes
its memo with it). Cached values are shared between requests: callers must not mutate
them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

T = TypeVar("T")
MEMO_SIZE = 256
READ_VERSION = text("SELECT version FROM data_versions WHERE id = 1")
BUMP_VERSION = text("UPDATE data_versions SET version = version + 1 WHERE id = 1")


def read_version(session: Session) -> int | None:
    """The data version; None where the counter is missing (caching is then off)."""
    value = session.execute(READ_VERSION).scalar()
    return None if value is None else int(value)


def bump_version(session: Session) -> None:
    session.execute(BUMP_VERSION)


class Memo:
    """A bounded map of (data version, key) to result, least recently used out first."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[int, Hashable], object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, version: int | None, key: Hashable, compute: Callable[[], T]) -> T:
        if version is None:
            return compute()
        slot = (version, key)
        with self._lock:
            if slot in self._entries:
                self._entries.move_to_end(slot)
                self.hits += 1
                return self._entries[slot]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self.misses += 1
            self._entries[slot] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value
