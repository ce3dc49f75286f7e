"""Reading rows for the backup: what the actor may see, as plain JSON values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.orm import Session

from goodwill.services._visibility import visible
from goodwill.services.actor import Actor


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def pick(row: Any, fields: Iterable[str], **overrides: Any) -> dict[str, Any]:
    picked = {name: json_value(row[name]) for name in fields}
    picked.update(overrides)
    return picked


def visible_rows(session: Session, model: Any, actor: Actor, *where: Any) -> list[Any]:
    table = model.__table__
    query = select(table).where(visible(model, actor, include_deleted=True), *where)
    return list(session.execute(query.order_by(table.c.id)).mappings())


def grouped(session: Session, query: Executable) -> dict[int, list[Any]]:
    """Rows of (owner id, value…) as lists per owner id, in the query's order."""
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(query):
        groups[row[0]].append(row[1] if len(row) == 2 else row[1:])
    return groups
