"""A member's own export, the export window of a removed member, and the purge.

Removal (members.remove_member) keeps the membership row with `removed_at` set. For
30 days the removed member may log in, but only to take their private records with
them: `export_my_records` is the one thing such an actor may do (every other route
refuses them; their visibility is narrowed to their own private rows anyway). The
export is recorded (`exported_at`) for the admins' list of removed members; it does
not extend the window: `goodwill member purge` deletes the records 30 days after the
removal either way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, delete, exists, or_, select, update

from goodwill.domain import auth as rules
from goodwill.errors import PermissionDenied
from goodwill.services import backup
from goodwill.services.actor import Actor, utcnow
from goodwill.services.members import CURRENT, HANDLING, RETENTION_DAYS, owned_tables
from goodwill.storage.aggregates import rebuild_touches
from goodwill.storage.schema import Membership, User
from goodwill.storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RemovedMemberView:
    user_id: int
    email: str
    name: str
    role: str  # the role they had
    removed_at: datetime
    purge_after: datetime  # `goodwill member purge` deletes their private records then
    exported_at: datetime | None  # when they took their private records with them


def export_my_records(actor: Actor, uow: UnitOfWork) -> bytes:
    """The actor's own PRIVATE records in this workspace (their trash included) as a
    backup document, restorable into a database of their own; nobody else's records,
    not even workspace-visible ones, and no teammate's name or email."""
    document = backup.export_backup(dataclasses.replace(actor, own_private_only=True), uow)
    if actor.removed_at is not None:
        with uow.write() as session:
            session.execute(
                update(Membership)
                .where(
                    Membership.user_id == actor.user_id,
                    Membership.workspace_id == actor.workspace_id,
                    Membership.removed_at.is_not(None),
                )
                .values(exported_at=utcnow())
            )
    return document


def list_removed_members(actor: Actor, uow: UnitOfWork) -> list[RemovedMemberView]:
    """Members removed in the last 30 days (admins): when their private records are
    purged, and whether they exported them first. Most recently removed first."""
    if not actor.is_admin:
        raise PermissionDenied("only a workspace owner or admin may list removed members")
    with uow.read() as session:
        rows = session.execute(
            select(User, Membership)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.workspace_id == actor.workspace_id,
                Membership.removed_at.is_not(None),
            )
            .order_by(Membership.removed_at.desc(), User.id)
        ).all()
        return [
            RemovedMemberView(
                user_id=user.id,
                email=user.email,
                name=user.name,
                role=membership.role,
                removed_at=membership.removed_at,
                purge_after=membership.removed_at + rules.EXPORT_WINDOW,
                exported_at=membership.exported_at,
            )
            for user, membership in rows
            if membership.removed_at is not None
        ]


def purge_removed_members(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Delete for good the private records of members removed over 30 days ago, and
    their membership rows (their export window is over)."""
    cutoff = (now or utcnow()) - timedelta(days=RETENTION_DAYS)
    removed = 0
    tables = [t for t in reversed(owned_tables()) if HANDLING.get(t.name) == "transfer"]
    with uow.write() as session:
        # Trashed records first (their deleted_at is the removal time), then the rows
        # without a deleted_at of their own, once their owner has nothing left there.
        for table in sorted(tables, key=lambda t: "deleted_at" not in t.c):
            gone = ~exists().where(
                Membership.user_id == table.c.owner_id,
                Membership.workspace_id == table.c.workspace_id,
                CURRENT,
            )
            where = and_(table.c.visibility == "private", gone)
            if "deleted_at" in table.c:
                where = and_(where, table.c.deleted_at.is_not(None), table.c.deleted_at <= cutoff)
            else:
                where = and_(where, ~_has_pending(table))
            ids = list(session.scalars(select(table.c.id).where(where)))
            if ids:
                session.execute(delete(table).where(table.c.id.in_(ids)))
                removed += len(ids)
        if removed:
            rebuild_touches(session)
        session.execute(
            delete(Membership).where(
                Membership.removed_at.is_not(None), Membership.removed_at <= cutoff
            )
        )
    return removed


def _has_pending(table: Table) -> ColumnElement[bool]:
    """Whether the row's owner still has private records waiting in the workspace."""
    clauses = [
        exists().where(
            other.c.owner_id == table.c.owner_id,
            other.c.workspace_id == table.c.workspace_id,
            other.c.visibility == "private",
        )
        for other in owned_tables()
        if "deleted_at" in other.c and other.name != table.name
    ]
    return or_(*clauses)
