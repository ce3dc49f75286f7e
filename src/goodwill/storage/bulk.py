"""Bulk paths: Core executemany in batches, never one ORM object per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from goodwill.storage.schema import Base

BATCH = 20_000


def next_id(session: Session, table_name: str) -> int:
    table = Base.metadata.tables[table_name]
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def insert_rows(
    session: Session,
    table_name: str,
    rows: Sequence[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> None:
    table: Table = Base.metadata.tables[table_name]
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        session.execute(insert(table), list(batch))
        if progress:
            progress(len(batch))


def sync_sequences(session: Session, table_names: Sequence[str]) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in table_names:
        if name not in Base.metadata.tables:
            raise ValueError(f"unknown table {name}")
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
