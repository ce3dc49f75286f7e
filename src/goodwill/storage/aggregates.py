"""Set-based maintenance of per-contact aggregates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from goodwill.domain.agenda import cadence_anchor, day_number
from goodwill.domain.dates import local_date_of, zone
from goodwill.domain.strength import (
    CHANNEL_CLASS,
    CLASSES,
    Touches,
    add_touch,
    combine,
    parse_settings,
)
from goodwill.storage.bulk import insert_rows
from goodwill.storage.schema import (
    Base,
    Contact,
    ContactTouch,
    Import,
    Interaction,
    InteractionParticipant,
    User,
    Workspace,
)

CHUNK = 5_000  # ids per IN list: under every database's bound-parameter limit


def _chunks(ids: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


FLOATS = ("d_meeting", "d_call", "d_message", "d_email", "d_social")
INSERT_CHUNK = 20_000
FOLD_SPAN = 250_000  # interaction ids folded at once when an import ends (each span rewrites
# the aggregates of every contact it touches: one span for most imports)


def counted() -> Any:
    """The interactions the aggregates count: all but those of an import still running.

    An import commits its interactions batch by batch and folds them into the
    aggregates once, when it ends (`fold_import`): one pass per contact instead of
    one per batch. Until then a recompute leaves them out too, so they are never
    counted twice; an interrupted import counts once it is resumed to its end."""
    running = select(Import.id).where(Import.status == "running")
    return or_(Interaction.import_id.is_(None), Interaction.import_id.not_in(running))


def half_lives(bind: Session | Connection) -> dict[int, float]:
    """Each workspace's decay half-life (days) for the strength aggregates."""
    return {
        ws: parse_settings(settings).half_life_days
        for ws, settings in bind.execute(select(Workspace.id, Workspace.strength_settings))
    }


def _row(key: tuple[int, int, str], touches: Touches) -> dict[str, Any]:
    contact_id, owner_id, visibility = key
    row: dict[str, Any] = {
        "contact_id": contact_id, "owner_id": owner_id, "visibility": visibility,
        "first_at": touches.first_at, "last_at": touches.last_at, "touches": touches.touches,
        "by_me": touches.by_me, "by_them": touches.by_them, "d_them": touches.decayed_them,
    }  # fmt: skip
    for cls in CLASSES:
        row[f"d_{cls}"] = touches.decayed[cls]
    return row


def as_touches(row: Any) -> Touches:
    """A contact_touches row (or a dict of one) as the domain's aggregate."""
    get: Callable[[str], Any] = row.__getitem__ if isinstance(row, dict) else row.__getattribute__
    return Touches(
        get("first_at"), get("last_at"), get("touches"), get("by_me"), get("by_them"),
        {cls: get(f"d_{cls}") for cls in CLASSES}, get("d_them"),
    )  # fmt: skip


def touch_rows(
    bind: Session | Connection,
    contact_ids: Sequence[int] | None,
    *,
    default_half_life: bool = False,
    before: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """contact_touches rows folded from the interactions (of some contacts, or all),
    oldest touch first with `domain.strength.add_touch`; `before` limits them to
    touches before a moment (a score as it was)."""
    lives = {} if default_half_life else half_lives(bind)
    default = parse_settings(None).half_life_days
    query = (
        select(
            InteractionParticipant.contact_id, Interaction.owner_id, Interaction.visibility,
            Interaction.workspace_id, Interaction.occurred_at, Interaction.channel,
            Interaction.initiator, Interaction.recipients,
        )
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .where(Interaction.deleted_at.is_(None), counted())
        .order_by(
            InteractionParticipant.contact_id, Interaction.owner_id, Interaction.visibility,
            Interaction.occurred_at, Interaction.id,
        )
    )  # fmt: skip
    if before is not None:
        query = query.where(Interaction.occurred_at < before)
    for chunk in _chunks(None if contact_ids is None else sorted(set(contact_ids))):
        stmt = query if chunk is None else query.where(InteractionParticipant.contact_id.in_(chunk))
        key: tuple[int, int, str] | None = None
        current: Touches | None = None
        result = bind.execute(stmt.execution_options(yield_per=10_000))
        for contact_id, owner_id, visibility, ws, at, channel, initiator, recipients in result:
            here = (contact_id, owner_id, visibility)
            if here != key:
                if key is not None and current is not None:
                    yield _row(key, current)
                key, current = here, None
            current = add_touch(current, at, channel, initiator, recipients,
                                lives.get(ws, default))  # fmt: skip
        if key is not None and current is not None:
            yield _row(key, current)


def epoch_seconds(bind: Session | Connection, column: Any) -> Any:
    """A stored UTC datetime as seconds, in the database's own arithmetic."""
    if is_postgres(bind):
        return func.extract("epoch", column)
    return func.julianday(column) * 86_400.0


def is_postgres(bind: Session | Connection) -> bool:
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return dialect.name == "postgresql"


def pow2(bind: Session | Connection, exponent: Any) -> Any:
    """2^x in SQL. PostgreSQL raises on float underflow, so there it is 0 below
    2^-1000; SQLite gives 0 itself (and evaluating x twice would cost it a third)."""
    if is_postgres(bind):
        return case((exponent < -1000.0, 0.0), else_=func.power(2.0, exponent))
    return func.power(2.0, exponent)


def exp_neg(bind: Session | Connection, amount: Any) -> Any:
    """e^-x in SQL for x ≥ 0 (clamped at e^-700 on PostgreSQL, as pow2)."""
    if is_postgres(bind):
        return case((amount > 700.0, 0.0), else_=func.exp(-amount))
    return func.exp(-amount)


def _epoch_of(bind: Session | Connection, moment: datetime) -> float:
    """`moment` in the units of `epoch_seconds` (SQLite's julianday counts from 4713 BC)."""
    offset = 0.0 if is_postgres(bind) else 2_440_587.5 * 86_400.0
    return moment.timestamp() + offset


def touch_select(
    bind: Session | Connection,
    workspace_id: int,
    half_life_days: float,
    contact_ids: Sequence[int] | None = None,
    before: datetime | None = None,
    where: Any = None,
) -> Any:
    """contact_touches rows computed set-wise from a workspace's interactions: the same
    aggregates `add_touch` folds one by one (a test holds them equal), each decayed sum
    taken to its group's last touch. `before`: only touches before then. `where`: these
    interactions (new ones to fold in) instead of all that count.

    One GROUP BY, no window: each touch is decayed to a common reference (now, or
    `before`), the sum is then moved to the group's last touch. A touch more than
    1,000 half-lives before its group's last would underflow: it counts 0, as its
    2^-1000 would."""
    seconds = epoch_seconds(bind, Interaction.occurred_at)
    rows = (
        select(
            InteractionParticipant.contact_id,
            Interaction.owner_id,
            Interaction.visibility,
            Interaction.occurred_at,
            Interaction.channel,
            Interaction.initiator,
            Interaction.recipients,
            seconds.label("t"),
        )  # fmt: skip
        .join(Interaction, Interaction.id == InteractionParticipant.interaction_id)
        .where(
            Interaction.deleted_at.is_(None),
            Interaction.workspace_id == workspace_id,
            counted() if where is None else where,
        )
    )
    if contact_ids is not None:
        rows = rows.where(InteractionParticipant.contact_id.in_(contact_ids))
    if before is not None:
        rows = rows.where(Interaction.occurred_at < before)
    r = rows.subquery()
    half = half_life_days * 86_400.0
    reference = _epoch_of(bind, before if before is not None else datetime.now(UTC))
    weight = pow2(bind, (r.c.t - reference) / half) / func.sqrt(
        case((r.c.recipients > 1, r.c.recipients), else_=1) * 1.0
    )
    classes = {c: [ch for ch, k in CHANNEL_CLASS.items() if k == c] for c in CLASSES}

    def when(condition: Any, value: Any) -> Any:
        return func.sum(case((condition, value), else_=0))

    grouped = (
        select(
            r.c.contact_id,
            r.c.owner_id,
            r.c.visibility,
            func.min(r.c.occurred_at).label("first_at"),
            func.max(r.c.occurred_at).label("last_at"),
            func.max(r.c.t).label("last_t"),
            func.count().label("touches"),
            when(r.c.initiator == "me", 1).label("by_me"),
            when(r.c.initiator == "them", 1).label("by_them"),
            *(when(r.c.channel.in_(classes[c]), weight).label(f"s_{c}") for c in CLASSES),
            when(r.c.initiator == "them", weight).label("s_them"),
        )  # fmt: skip
        .group_by(r.c.contact_id, r.c.owner_id, r.c.visibility)
        .subquery()
    )
    back = (reference - grouped.c.last_t) / half  # half-lives from the last touch to now
    lift = case((back > 1000, 0.0), else_=func.power(2.0, back))
    return select(
        grouped.c.contact_id, grouped.c.owner_id, grouped.c.visibility, grouped.c.first_at,
        grouped.c.last_at, grouped.c.touches, grouped.c.by_me, grouped.c.by_them,
        *((grouped.c[f"s_{c}"] * lift).label(f"d_{c}") for c in CLASSES),
        (grouped.c.s_them * lift).label("d_them"),
    )  # fmt: skip


TOUCH_COLUMNS = (
    "contact_id", "owner_id", "visibility", "first_at", "last_at", "touches", "by_me",
    "by_them", *(f"d_{c}" for c in CLASSES), "d_them",
)  # fmt: skip


def rebuild_touches(session: Session, contact_ids: Iterable[int] | None = None) -> None:
    """Recompute contact_touches from the interactions (for some contacts, or all),
    set-wise in the database, then the contacts' cadence anchors."""
    ids = None if contact_ids is None else sorted(set(contact_ids))
    if ids is not None and not ids:
        return
    lives = half_lives(session)
    for chunk in _chunks(ids):
        clear = delete(ContactTouch)
        if chunk is not None:
            clear = clear.where(ContactTouch.contact_id.in_(chunk))
        session.execute(clear)
        for workspace_id, half_life in lives.items():
            source = touch_select(session, workspace_id, half_life, chunk)
            session.execute(insert(ContactTouch).from_select(list(TOUCH_COLUMNS), source))
    refresh_touch_anchors(session, ids)


def add_touches(session: Session, interaction_ids: Sequence[int]) -> None:
    """New interactions into the stored aggregates, in O(new touches): their own
    aggregates, computed set-wise, are combined with each affected (contact, owner,
    visibility) row, whatever the length of its history. Then those contacts'
    cadence anchors."""
    for chunk in _chunks(sorted(set(interaction_ids))):
        assert chunk is not None
        _fold(session, Interaction.id.in_(chunk))


def fold_import(session: Session, import_id: int) -> None:
    """An import's interactions into the aggregates, when it ends (see `counted`):
    by spans of interaction ids, so memory stays flat whatever the size of the import."""
    low, high = session.execute(
        select(func.min(Interaction.id), func.max(Interaction.id)).where(
            Interaction.import_id == import_id
        )
    ).one()
    if low is None:
        return
    for start in range(low, high + 1, FOLD_SPAN):
        span = Interaction.id.between(start, start + FOLD_SPAN - 1)
        _fold(session, and_(Interaction.import_id == import_id, span))


def _fold(session: Session, where: Any) -> None:
    """Combine the aggregates of the interactions `where` selects with the stored rows."""
    new: dict[tuple[int, int, str], tuple[float, Touches]] = {}
    for workspace_id, half_life in half_lives(session).items():
        query = touch_select(session, workspace_id, half_life, where=where)
        for found in session.execute(query).mappings():
            key = (found["contact_id"], found["owner_id"], found["visibility"])
            new[key] = (half_life, as_touches(dict(found)))
    if not new:
        return
    contacts = sorted({key[0] for key in new})
    columns = list(ContactTouch.__table__.columns)
    stored: dict[tuple[int, int, str], Touches] = {}
    for chunk in _chunks(contacts):
        assert chunk is not None
        for row in session.execute(select(*columns).where(ContactTouch.contact_id.in_(chunk))):
            mapping = row._mapping
            key = (mapping["contact_id"], mapping["owner_id"], mapping["visibility"])
            stored[key] = as_touches(dict(mapping))
    for key, (half_life, touches) in new.items():
        before = stored.get(key)
        merged = touches if before is None else combine([before, touches], half_life)
        assert merged is not None
        stored[key] = merged
    # Every row of these contacts is written back (the untouched ones unchanged):
    # one delete by contact id instead of a row-by-row match.
    for chunk in _chunks(contacts):
        assert chunk is not None
        session.execute(delete(ContactTouch).where(ContactTouch.contact_id.in_(chunk)))
    insert_rows(session, "contact_touches", [_row(key, t) for key, t in stored.items()])
    refresh_touch_anchors(session, contacts)


def refresh_touch_anchors(
    session: Session, contact_ids: Iterable[int] | None = None, *, owner_id: int | None = None
) -> None:
    """Recompute Contact.touch_anchor_day (for some contacts, one owner's, or all).

    The owner sees their own touches and the workspace's shared ones; the day is
    taken in the owner's time zone, so a change of time zone calls this too.
    """
    ids = None if contact_ids is None else sorted(set(contact_ids))
    if ids is not None and not ids:
        return
    seen_by_owner = (
        select(ContactTouch.contact_id, func.max(ContactTouch.last_at).label("last_at"))
        .join(Contact, Contact.id == ContactTouch.contact_id)
        .where(
            or_(ContactTouch.owner_id == Contact.owner_id, ContactTouch.visibility == "workspace")
        )
        .group_by(ContactTouch.contact_id)
    )
    zones: dict[str, ZoneInfo] = {}
    table = Base.metadata.tables["contacts"]
    for chunk in _chunks(ids):
        touches = seen_by_owner
        stmt = select(Contact.id, User.timezone, Contact.met_on, Contact.created_at).join(
            User, User.id == Contact.owner_id
        )
        if chunk is not None:
            touches = touches.where(ContactTouch.contact_id.in_(chunk))
            stmt = stmt.where(Contact.id.in_(chunk))
        if owner_id is not None:
            stmt = stmt.where(Contact.owner_id == owner_id)
        last = touches.subquery()
        rows = session.execute(
            stmt.add_columns(last.c.last_at).outerjoin(last, last.c.contact_id == Contact.id)
        ).all()
        values = []
        for cid, tz_name, met_on, created_at, last_at in rows:
            tz = zones.setdefault(tz_name, zone(tz_name))
            last_day = local_date_of(last_at, tz) if last_at is not None else None
            anchor = cadence_anchor(last_day, met_on, local_date_of(created_at, tz))
            values.append({"cid": cid, "day": day_number(anchor)})
        if values:
            session.execute(
                update(table)
                .where(table.c.id == bindparam("cid"))
                .values(touch_anchor_day=bindparam("day")),
                values,
            )
