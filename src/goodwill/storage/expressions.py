"""SQL expressions that read differently on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class not_indexed(FunctionElement[int]):  # noqa: N801 - reads as SQL, like func.*
    """An integer column SQLite's planner may not take an index for (`col + 0`).

    SQLite has no statistics unless ANALYZE ran, and drives a query from any index on an
    equality it finds; for a query that starts better from a narrower set or reads a sort
    index in order, `workspace_id + 0` stops it from walking the whole workspace's index.
    PostgreSQL plans from statistics, and there the plain column lets a small workspace
    in a big database be found by its index: it gets the column as it is."""

    type = Integer()
    inherit_cache = True
    name = "not_indexed"


@compiles(not_indexed)
def _plain(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(not_indexed, "sqlite")
def _sqlite(element: not_indexed, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + 0)"


class unindexed_order(FunctionElement[Any]):  # noqa: N801 - reads as SQL, like func.*
    """A sort column SQLite's planner may not walk an index for (`+col`, a no-op that
    keeps the value, its type and the BINARY collation).

    For a list whose filter matches few rows, walking the sort index in order visits
    nearly every row to find a page (0.46 s for a rare name at 100k contacts); with
    the order written this way SQLite drives the query from the filter (or one scan
    of the table) and sorts the matches (57 ms). PostgreSQL plans from statistics and
    gets the plain column."""

    inherit_cache = True
    name = "unindexed_order"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed_order)
def _plain_order(element: unindexed_order, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed_order, "sqlite")
def _sqlite_order(element: unindexed_order, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"
