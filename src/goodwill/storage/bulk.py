"""Bulk paths: values converted column by column, then the driver's executemany
(SQLite) or COPY (PostgreSQL) — never one ORM object, or one SQLAlchemy bind
processing pass, per row."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Table, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex, DropIndex

from goodwill.storage.memo import TRIGGERED
from goodwill.storage.schema import Base, UTCDateTime

BATCH = 20_000
Converter = Callable[[Any], Any]


def next_id(session: Session, table_name: str) -> int:
    table = Base.metadata.tables[table_name]
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def reserve_ids(session: Session, table_name: str, count: int) -> list[int]:
    """Ids for `count` rows about to be inserted with `insert_rows`, in order.

    PostgreSQL hands them out from the table's sequence, so concurrent writers never
    collide. SQLite continues after the largest id, as it would itself: goodwill's
    writes hold the database's write lock (BEGIN IMMEDIATE) from their start. One
    query either way, where INSERT … RETURNING in parameter order falls back to one
    statement per row on SQLite.
    """
    if count <= 0:
        return []
    if table_name not in Base.metadata.tables:
        raise ValueError(f"unknown table {table_name}")
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                f"SELECT nextval(pg_get_serial_sequence('{table_name}', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return sorted(int(r[0]) for r in rows)
    start = next_id(session, table_name)
    return list(range(start, start + count))


def _sqlite_utc(value: datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime stores (six fractional digits), without a
    # TypeDecorator and a dialect processor call per value.
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:-6]


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None)


def _converters(session: Session, table: Table, keys: Sequence[str]) -> list[Converter | None]:
    dialect = session.get_bind().dialect
    sqlite = dialect.name == "sqlite"
    missing = [c.name for c in table.columns if c.name not in keys and c.default is not None]
    if missing:
        raise ValueError(f"{table.name}: rows lack {missing}, which have Python defaults")
    converters: list[Converter | None] = []
    for key in keys:
        column_type = table.c[key].type
        if isinstance(column_type, UTCDateTime):
            converters.append(_sqlite_utc if sqlite else _naive_utc)
        elif not sqlite and isinstance(column_type, JSON):
            converters.append(json.dumps)  # COPY takes JSON as text
        else:
            converters.append(column_type.dialect_impl(dialect).bind_processor(dialect))
    return converters


def _tuples(
    rows: Sequence[dict[str, Any]], keys: Sequence[str], converters: Sequence[Converter | None]
) -> list[tuple[Any, ...]]:
    """Column by column: one comprehension per converted column, zipped back into rows."""
    columns: list[Any] = []
    for key, convert in zip(keys, converters, strict=True):
        values = list(map(operator.itemgetter(key), rows))
        first = values[0] if values else None
        if convert is None:
            columns.append(values)
        elif first is not None and all(v is first for v in values):
            columns.append([convert(first)] * len(values))  # e.g. one created_at for all
        else:
            columns.append([None if v is None else convert(v) for v in values])
    return list(zip(*columns, strict=True))


def insert_rows(
    session: Session,
    table_name: str,
    rows: Sequence[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert plain rows (every row with the same keys) inside the session's transaction."""
    if not rows:
        return
    table = Base.metadata.tables[table_name]
    keys = [c.name for c in table.columns if c.name in rows[0]]
    unknown = set(rows[0]) - set(keys)
    if unknown:
        raise ValueError(f"{table_name}: no columns {sorted(unknown)}")
    converters = _converters(session, table, keys)
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    columns = ", ".join(f'"{k}"' for k in keys)  # names from the schema, never from input
    try:
        if session.get_bind().dialect.name == "postgresql":
            with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(rows), BATCH):
                    batch = rows[start : start + BATCH]
                    for values in _tuples(batch, keys, converters):
                        copy.write_row(values)
                    if progress:
                        progress(len(batch))
            return
        marks = ", ".join("?" for _ in keys)
        sql = f"INSERT INTO {table_name} ({columns}) VALUES ({marks})"
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.executemany(sql, _tuples(batch, keys, converters))
            if progress:
                progress(len(batch))
    finally:
        cursor.close()


def insert_columns(session: Session, table_name: str, columns: dict[str, Sequence[Any]]) -> None:
    """`insert_rows` for values held column by column (every column as long), which
    spares building a dict per row."""
    table = Base.metadata.tables[table_name]
    keys = [c.name for c in table.columns if c.name in columns]
    if unknown := set(columns) - set(keys):
        raise ValueError(f"{table_name}: no columns {sorted(unknown)}")
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{table_name}: columns of different lengths {sorted(lengths)}")
    if not lengths or not lengths.pop():
        return
    converters = _converters(session, table, keys)
    converted: list[Sequence[Any]] = []
    for key, convert in zip(keys, converters, strict=True):
        values = columns[key]
        first = values[0]
        if convert is None:
            converted.append(values)
        elif first is not None and all(v is first for v in values):
            converted.append([convert(first)] * len(values))
        else:
            converted.append([None if v is None else convert(v) for v in values])
    _execute(session, table_name, keys, list(zip(*converted, strict=True)))


def _execute(
    session: Session, table_name: str, keys: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """The driver's COPY (PostgreSQL) or executemany (SQLite) of converted rows."""
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    columns = ", ".join(f'"{k}"' for k in keys)  # names from the schema, never from input
    try:
        if session.get_bind().dialect.name == "postgresql":
            with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            return
        marks = ", ".join("?" for _ in keys)
        cursor.executemany(f"INSERT INTO {table_name} ({columns}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def insert_with_ids(session: Session, table_name: str, rows: Sequence[dict[str, Any]]) -> list[int]:
    """`insert_rows` for rows that need their ids back: the ids, in row order."""
    ids = reserve_ids(session, table_name, len(rows))
    insert_rows(session, table_name, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


@contextmanager
def deferred_indexes(session: Session, table_names: Sequence[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes for a large load and build them once after.

    Building an index from all rows beats a million random B-tree insertions. Inside
    the caller's transaction, so a failure rolls the drop back with the rows. For
    loads into empty or small tables only: on PostgreSQL DROP INDEX locks the table.
    """
    indexes = [ix for name in table_names for ix in Base.metadata.tables[name].indexes]
    for ix in indexes:
        session.execute(DropIndex(ix))
    yield
    for ix in indexes:
        session.execute(CreateIndex(ix))


def sync_sequences(session: Session, table_names: Sequence[str]) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in table_names:
        if name not in Base.metadata.tables:
            raise ValueError(f"unknown table {name}")
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )


def analyze(session: Session, table_names: Sequence[str]) -> None:
    """Give PostgreSQL's planner statistics after a bulk load.

    The tables database triggers keep from them (storage.memo.TRIGGERED: the ledger's
    totals, the opportunities' change log) too: without statistics PostgreSQL took the
    takers' 12,000 negative balances for one row and sorted them all (57 ms, 0.5 with).

    Not on SQLite: with statistics it walks the sort-key index for searches and a
    rare match then visits every contact (measured in bench/README.md).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    names = list(dict.fromkeys(table_names))
    for name in list(names):  # and what the database's triggers wrote along with them
        names += sorted(TRIGGERED.get(name, frozenset()) - set(names))
    for name in names:
        if name not in Base.metadata.tables:
            raise ValueError(f"unknown table {name}")
        session.execute(text(f"ANALYZE {name}"))


def in_values(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """`column IN (values)` with the values sent as one bound parameter: a JSON array
    that SQLite's json_each reads, an array for PostgreSQL's = ANY. SQLAlchemy builds
    and renders an IN list one parameter per value (200k of them in a 100k-message
    import, the largest SQLAlchemy cost in its profile); both databases still probe
    the column's index (EXPLAIN QUERY PLAN: SEARCH … USING INDEX, LIST SUBQUERY)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    each = func.json_each(bindparam(None, json.dumps(list(values)))).table_valued("value")
    return column.in_(select(each.c.value))
