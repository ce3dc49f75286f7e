"""Proposed fixes for the targets bench_core.py misses, written to be copied into src/.

Each function mirrors the one it replaces (same signature, same result); the
experiments script monkeypatches them in, checks the results are identical and
measures the difference. Nothing here is imported by goodwill itself.
"""

from __future__ import annotations

import heapq
import json
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ColumnElement, Table, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, lazyload, load_only
from sqlalchemy.schema import CreateIndex, DropIndex

from goodwill.domain.agenda import cadence_overdue_days, lapse_rank
from goodwill.domain.dates import local_date_of, local_midnight_utc
from goodwill.domain.people import Visibility, normalize_phone, phone_query_digits
from goodwill.domain.text import clean_text, like_escape, search_tokens
from goodwill.errors import ValidationFailed
from goodwill.services import _common as common
from goodwill.services._visibility import visible
from goodwill.services.actor import Actor, utcnow
from goodwill.services.interactions import _views
from goodwill.services.views import (
    Agenda,
    ContactSummary,
    InteractionView,
    LapsedContact,
    Ref,
    TaskView,
)
from goodwill.storage.schema import (
    Base,
    Contact,
    ContactPhone,
    ContactTouch,
    Interaction,
    InteractionParticipant,
    Task,
    UTCDateTime,
)
from goodwill.storage.unit_of_work import UnitOfWork

# --- today_agenda -------------------------------------------------------------------------

# The copy below mirrors services/agenda.py at commit d6f9ce2, whose Agenda had these
# fields; experiments.py leaves it out when src's Agenda has grown since (port FIX 1-3).
AGENDA_FIELDS = frozenset(
    {"today", "timezone", "overdue_tasks", "due_today", "lapsed", "lapsed_total"}
)


def today_agenda(actor: Actor, uow: UnitOfWork, *, lapsed_limit: int = 20) -> Agenda:
    """services/agenda.py today_agenda with three changes, marked FIX 1-3."""
    now = utcnow()
    tz = actor.tz
    today = local_date_of(now, tz)
    start, end = local_midnight_utc(today, tz), local_midnight_utc(today + timedelta(days=1), tz)
    with uow.read() as session:
        tasks = session.scalars(
            select(Task)
            .where(
                Task.owner_id == actor.user_id,
                Task.workspace_id == actor.workspace_id,
                Task.deleted_at.is_(None),
                Task.done_at.is_(None),
                Task.due_at < end,
                or_(Task.snoozed_until.is_(None), Task.snoozed_until <= now),
                # A task about a contact in the trash waits there with it (back on restore).
                ~exists().where(Contact.id == Task.contact_id, Contact.deleted_at.is_not(None)),
            )
            .order_by(Task.due_at, Task.id)
        ).all()
        # FIX 2: a task only needs its contact's name and visibility, not the contact's
        # emails, phones and tags (three selectin queries over thousands of ids).
        contacts = {
            c.id: c
            for c in session.scalars(
                select(Contact)
                .options(
                    load_only(
                        Contact.display_name,
                        Contact.workspace_id,
                        Contact.owner_id,
                        Contact.visibility,
                        Contact.deleted_at,
                    ),
                    lazyload("*"),
                )
                .where(Contact.id.in_({t.contact_id for t in tasks if t.contact_id}))
            )
        }
        # FIX 1: one pass. `[v for v in views if v not in overdue]` compared every view
        # with every overdue one (dataclass __eq__): quadratic in the number of tasks.
        overdue: list[TaskView] = []
        due_today: list[TaskView] = []
        for task in tasks:
            view = common.task_view(task, actor, contacts.get(task.contact_id or 0))
            late = task.due_at is not None and (
                task.due_at < start if task.all_day else task.due_at < now
            )
            (overdue if late else due_today).append(view)
        lapsed, total = _lapsed(session, actor, today, max(0, lapsed_limit))
        fields: dict[str, Any] = {  # exactly AGENDA_FIELDS, the fields Agenda had at d6f9ce2
            "today": today,
            "timezone": actor.timezone,
            "overdue_tasks": overdue,
            "due_today": due_today,
            "lapsed": lapsed,
            "lapsed_total": total,
        }
        return Agenda(**fields)


def _lapsed(
    session: Session, actor: Actor, today: date, limit: int
) -> tuple[list[LapsedContact], int]:
    """FIX 3: let SQL drop the contacts that are not lapsed.

    Every cadence in use gets its own cut-off (few distinct values: the tier
    defaults and the odd custom one), so the test is plain column-vs-parameter
    comparisons on both databases. The cut-off has a day of slack so SQL only
    narrows; cadence_overdue_days still decides, on the candidates alone.
    """
    tz = actor.tz
    owned = and_(
        Contact.owner_id == actor.user_id,
        Contact.workspace_id == actor.workspace_id,
        Contact.deleted_at.is_(None),
        Contact.archived_at.is_(None),
        Contact.cadence_days.is_not(None),
    )
    cadences = session.scalars(select(Contact.cadence_days).where(owned).distinct()).all()
    if not cadences:
        return [], 0
    # One pass over the contacts with their visible touches (contact_touches is keyed by
    # contact first), instead of a GROUP BY over every touch row, materialized and joined.
    last_at = func.max(ContactTouch.last_at)
    tests: list[ColumnElement[bool]] = []
    for cadence in cadences:
        if cadence is None:
            continue
        day = today - timedelta(days=cadence - 1)  # lapsed needs anchor < today - cadence
        cut = local_midnight_utc(day, tz)
        tests.append(
            and_(
                Contact.cadence_days == cadence,
                or_(
                    last_at < cut,
                    and_(
                        last_at.is_(None),
                        or_(
                            Contact.met_on < day,
                            and_(Contact.met_on.is_(None), Contact.created_at < cut),
                        ),
                    ),
                ),
            )
        )
    rows = session.execute(
        select(
            Contact.id,
            Contact.display_name,
            Contact.tier,
            Contact.cadence_days,
            Contact.met_on,
            Contact.created_at,
            last_at.label("last_at"),
        )
        .outerjoin(
            ContactTouch,
            and_(
                ContactTouch.contact_id == Contact.id,
                or_(
                    ContactTouch.owner_id == actor.user_id,
                    ContactTouch.visibility == Visibility.WORKSPACE.value,
                ),
            ),
        )
        .where(owned)
        # PostgreSQL accepts the other contact columns: they depend on the primary key.
        .group_by(Contact.id)
        .having(or_(*tests))
    ).all()
    scored = []
    for row in rows:
        _, name, _, cadence, met_on, created, last = row
        if cadence is None:  # excluded in SQL; for the type checker
            continue
        since = met_on or local_date_of(created, tz)
        last_day = local_date_of(last, tz) if last is not None else None
        days = cadence_overdue_days(last_day, since, cadence, today)
        if days > 0:
            scored.append(((-lapse_rank(days, cadence), -days, name), days, row))
    # nsmallest == sorted(...)[:limit]; views are built for the ones shown only.
    top = heapq.nsmallest(limit, scored, key=operator.itemgetter(0))
    return [
        LapsedContact(Ref(row.id, row.display_name), row.tier, row.cadence_days, row.last_at, days)
        for _, days, row in top
    ], len(scored)


# --- contact_timeline ---------------------------------------------------------------------


def contact_timeline(
    actor: Actor,
    uow: UnitOfWork,
    ref: int | str,
    *,
    limit: int = 50,
    before: datetime | None = None,
) -> list[InteractionView]:
    """services/interactions.py contact_timeline, FIX: the contact's interactions as an IN.

    With a JOIN and no statistics, SQLite drives the query from ix_interactions_workspace_id
    (every row has the same workspace) and probes the participants for each of the 1M
    interactions. The IN subquery starts from ix_participants_contact_interaction.
    """
    with uow.read() as session:
        contact = common.resolve_contact(session, actor, ref)
        stmt = select(Interaction).where(
            Interaction.id.in_(
                select(InteractionParticipant.interaction_id).where(
                    InteractionParticipant.contact_id == contact.id
                )
            ),
            visible(Interaction, actor),
        )
        if before is not None:
            stmt = stmt.where(Interaction.occurred_at < before)
        interactions = session.scalars(
            stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(
                max(1, limit)
            )
        ).all()
        return _views(session, actor, interactions)


# --- search_contacts ----------------------------------------------------------------------


def search_contacts(
    actor: Actor, uow: UnitOfWork, query: str, *, limit: int = 50, include_archived: bool = False
) -> list[ContactSummary]:
    """services/contacts.py search_contacts, FIX: the phone test as an indexed range.

    `digits_reversed LIKE '8899085%'` inside a correlated EXISTS ran once per contact
    and SQLite's LIKE cannot use the index (it is case-insensitive; the column has no
    NOCASE collation). Digits only: 'starts with p' is p <= x < p || 'a' in any collation.
    """
    text = clean_text(query, "query", max_len=500, required=True) or ""
    matches: list[ColumnElement[bool]] = []
    tokens = search_tokens(text)
    if tokens:
        matches.append(
            and_(*(Contact.search_key.like(f"%{like_escape(t)}%", escape="\\") for t in tokens))
        )
    digits = phone_query_digits(text)
    if digits:
        candidates = {digits[::-1]}
        try:
            candidates.add(normalize_phone(text, actor.default_region).digits_reversed)
        except ValidationFailed:
            pass
        matches.append(
            Contact.id.in_(
                select(ContactPhone.contact_id).where(
                    or_(
                        *(
                            and_(
                                ContactPhone.digits_reversed >= c,
                                ContactPhone.digits_reversed < c + "a",
                            )
                            for c in sorted(candidates)
                        )
                    )
                )
            )
        )
    with uow.read() as session:
        stmt = select(Contact).where(visible(Contact, actor), or_(false(), *matches))
        if not include_archived:
            stmt = stmt.where(Contact.archived_at.is_(None))
        contacts = session.scalars(
            stmt.order_by(Contact.sort_key, Contact.id).limit(max(1, limit))
        ).all()
        return common.contact_summaries(session, actor, contacts)


# --- bulk load ----------------------------------------------------------------------------

Converter = Callable[[Any], Any]
BATCH = 20_000


def _sqlite_utc(value: datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime stores (always 6 fractional digits), without
    # the TypeDecorator and dialect processor calls; slicing '+00:00' off beats replace().
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:-6]


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _column_converters(
    session: Session, table: Table, keys: Sequence[str]
) -> list[Converter | None]:
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
    """Column by column: one comprehension per converted column, then zip back to rows."""
    columns: list[Any] = []
    for key, convert in zip(keys, converters, strict=True):
        values = map(operator.itemgetter(key), rows)
        if convert is not None:
            columns.append([None if v is None else convert(v) for v in values])
        else:
            columns.append(values)
    return list(zip(*columns, strict=True))


def fast_insert_rows(session: Session, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
    """storage/bulk.py insert_rows without per-value SQLAlchemy processing.

    SQLite: the DB-API executemany on ready-made tuples. PostgreSQL: COPY FROM STDIN.
    """
    if not rows:
        return
    table = Base.metadata.tables[table_name]
    keys = [c.name for c in table.columns if c.name in rows[0]]
    converters = _column_converters(session, table, keys)
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        columns = ", ".join(f'"{k}"' for k in keys)
        if session.get_bind().dialect.name == "postgresql":
            with cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(rows), BATCH):
                    for values in _tuples(rows[start : start + BATCH], keys, converters):
                        copy.write_row(values)
            return
        marks = ", ".join("?" for _ in keys)
        sql = f"INSERT INTO {table_name} ({columns}) VALUES ({marks})"  # noqa: S608 - schema names
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, _tuples(rows[start : start + BATCH], keys, converters))
    finally:
        cursor.close()


@contextmanager
def deferred_indexes(session: Session, table_names: Sequence[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes for a bulk load and build them once at the end.

    Inside the caller's transaction: on failure the drop rolls back with the rows. Building
    an index from sorted data beats a million random B-tree insertions (occurred_at,
    contact_id…) through a small page cache. Worth it when the load is large next to
    what the tables already hold.
    """
    indexes = [ix for name in table_names for ix in Base.metadata.tables[name].indexes]
    for ix in indexes:
        session.execute(DropIndex(ix))
    yield
    for ix in indexes:
        session.execute(CreateIndex(ix))
