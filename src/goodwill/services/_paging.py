"""Keyset (seek) pages shared by every list that can grow long.

A sort is a few columns and then the row's id as the tie-breaker, so the order is
total. A page asks for `limit + 1` rows after a key — the last row's sort values and
id, as plain JSON values — and the extra row only says there is more. Never OFFSET:
page 10,000 costs what page 1 costs when an index serves the order, and a row added
or removed between two fetches neither repeats nor hides another.

The key comes back from a client (inside an opaque cursor), so every value is checked
against its column's kind before it reaches SQL; a tampered key is a ValidationFailed
on "cursor", never a database error. Visibility stays in each service's WHERE: a key
only says where to resume, so it shows nothing to someone who may not see that row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_

from goodwill.errors import ValidationFailed

T = TypeVar("T")
R = TypeVar("R")
Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")
Kind = Literal["text", "int", "datetime", "date"]
MAX_ID = 2_147_483_647
MAX_INT = 2**63 - 1
MAX_TEXT = 2000
BAD_CURSOR = "is not a cursor this API handed out"


@dataclass(frozen=True)
class Key:
    """One sort column: its kind (to check a client's value), its direction, and whether
    it may be NULL (NULLs then come after every value, in either direction)."""

    column: Any
    kind: Kind
    descending: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class Sort:
    name: str  # the public name: "name", "-occurred_at"…
    keys: tuple[Key, ...]  # then the id
    id_column: Any
    id_descending: bool = False


class Sorts:
    """The sorts one list allows; the first is its default."""

    def __init__(self, *sorts: Sort) -> None:
        self._by_name = {s.name: s for s in sorts}
        self.default = sorts[0]

    @property
    def names(self) -> list[str]:
        return list(self._by_name)

    def choose(self, name: str | None) -> Sort:
        if name is None or name == "":
            return self.default
        found = self._by_name.get(name)
        if found is None:
            raise ValidationFailed("sort", f"must be one of: {', '.join(self._by_name)}")
        return found


def by_id(id_column: Any, *, descending: bool = False) -> Sort:
    return Sort("-id" if descending else "id", (), id_column, descending)


def one_key(name: str, id_column: Any, column: Any, kind: Kind, *, nullable: bool = False) -> Sort:
    """A sort on one column then the id, both the same way ('-' in front: descending)."""
    descending = name.startswith("-")
    return Sort(name, (Key(column, kind, descending, nullable),), id_column, descending)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    sort: str
    after: list[Any] | None  # the key to resume after; None: this was the last page


def seek(stmt: Q, sort: Sort, after: Sequence[Any] | None, limit: int | None) -> Q:
    """`stmt` ordered by the sort, resuming after `after`, for one page plus one row
    (`limit` None: every row)."""
    if after is not None:
        values, last_id = _parse(sort, after)
        stmt = stmt.where(_after(sort, values, last_id))
    order: list[Any] = []
    for key in sort.keys:
        if key.nullable:
            order.append(key.column.is_(None))
        order.append(key.column.desc() if key.descending else key.column)
    order.append(sort.id_column.desc() if sort.id_descending else sort.id_column)
    stmt = stmt.order_by(*order)
    return stmt if limit is None else stmt.limit(max(1, limit) + 1)


def cut(
    rows: Sequence[R], sort: Sort, limit: int | None, entity: Callable[[R], Any] = lambda r: r
) -> tuple[list[R], list[Any] | None]:
    """The page's rows and, when a row was left over, the key of its last one."""
    if limit is None:
        return list(rows), None
    limit = max(1, limit)
    page = list(rows[:limit])
    if len(rows) <= limit:
        return page, None
    last = entity(page[-1])
    key = [_plain(getattr(last, k.column.key)) for k in sort.keys]
    return page, [*key, int(getattr(last, sort.id_column.key))]


def page_of(items: list[T], sort: Sort, after: list[Any] | None) -> Page[T]:
    return Page(items, sort.name, after)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _parse(sort: Sort, after: Sequence[Any]) -> tuple[list[Any], int]:
    if not isinstance(after, list | tuple) or len(after) != len(sort.keys) + 1:
        raise ValidationFailed("cursor", BAD_CURSOR)
    last_id = after[-1]
    if isinstance(last_id, bool) or not isinstance(last_id, int) or not 0 <= last_id <= MAX_ID:
        raise ValidationFailed("cursor", BAD_CURSOR)
    return [_value(k, v) for k, v in zip(sort.keys, after, strict=False)], last_id


def _value(key: Key, raw: Any) -> Any:
    if raw is None:
        if key.nullable:
            return None
        raise ValidationFailed("cursor", BAD_CURSOR)
    try:
        if key.kind == "int" and isinstance(raw, int) and not isinstance(raw, bool):
            if -MAX_INT <= raw <= MAX_INT:
                return raw
        elif key.kind == "text" and isinstance(raw, str):
            if len(raw) <= MAX_TEXT and "\x00" not in raw:
                return raw
        elif key.kind == "datetime" and isinstance(raw, str) and len(raw) <= 40:
            moment = datetime.fromisoformat(raw)
            if moment.tzinfo is not None:
                return moment
        elif key.kind == "date" and isinstance(raw, str) and len(raw) <= 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValidationFailed("cursor", BAD_CURSOR)


def _after(sort: Sort, values: list[Any], last_id: int) -> ColumnElement[bool]:
    """Rows strictly after (values…, last_id) in the sort's order."""
    id_after = sort.id_column < last_id if sort.id_descending else sort.id_column > last_id
    branches: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for key, value in zip(sort.keys, values, strict=True):
        branches.append(and_(*equal, _beyond(key, value)))
        equal.append(key.column.is_(None) if value is None else key.column == value)
    branches.append(and_(*equal, id_after))
    condition = or_(*branches)
    if sort.keys:
        # A plain range on the first column as well, so the planner can seek the index
        # to it rather than scan from the start and filter.
        head, value = sort.keys[0], values[0]
        if value is None:
            condition = and_(head.column.is_(None), condition)
        elif not head.nullable:
            bound = head.column <= value if head.descending else head.column >= value
            condition = and_(bound, condition)
    return condition


def _beyond(key: Key, value: Any) -> ColumnElement[bool]:
    """Rows whose `key` comes strictly after `value` (NULLs last)."""
    if value is None:
        return false()
    beyond = key.column < value if key.descending else key.column > value
    return or_(beyond, key.column.is_(None)) if key.nullable else beyond
