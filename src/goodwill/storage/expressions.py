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
