"""Visibility rules applied to every query: the one place they live."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from goodwill.domain.people import Visibility
from goodwill.errors import NotFound, PermissionDenied
from goodwill.services.actor import Actor
from goodwill.storage.expressions import not_indexed
from goodwill.storage.schema import Contact, Organization

T = TypeVar("T")

REDACTED_CONTACT = "a private contact"
REDACTED_ORGANIZATION = "a private organization"
DELETED_CONTACT = "a deleted contact"


def visible(
    model: Any, actor: Actor, *, include_deleted: bool = False, workspace_index: bool = True
) -> ColumnElement[bool]:
    """Rows of `model` the actor may see: theirs, or shared with their workspace.

    A narrowed actor (a removed member in their export window, or a personal export)
    sees their own private rows only; a removed member's trash is what the removal put
    there (their private rows were trashed at the removal time).

    `workspace_index=False` words the workspace test so SQLite cannot drive the query
    from a workspace index (`workspace_id + 0`, storage.expressions.not_indexed): for a
    query that starts better from a narrower set (one contact's interactions), which
    SQLite, without statistics, would otherwise read by walking the whole workspace's
    index in order. PostgreSQL plans from statistics and gets the plain column."""
    workspace = model.workspace_id if workspace_index else not_indexed(model.workspace_id)
    if actor.narrowed:
        clause = and_(
            workspace == actor.workspace_id,
            model.owner_id == actor.user_id,
            model.visibility == Visibility.PRIVATE.value,
        )
        if include_deleted and not hasattr(model, "deleted_at"):  # no trash (relations)
            return clause
        if include_deleted and actor.removed_at is not None:
            return and_(
                clause, or_(model.deleted_at.is_(None), model.deleted_at >= actor.removed_at)
            )
    else:
        clause = and_(
            workspace == actor.workspace_id,
            or_(model.owner_id == actor.user_id, model.visibility == Visibility.WORKSPACE.value),
        )
    if not include_deleted:
        clause = and_(clause, model.deleted_at.is_(None))
    return clause


def _may_see(record: Any, actor: Actor) -> bool:
    """`visible`'s rule for one loaded record, its trash state aside."""
    if record.workspace_id != actor.workspace_id:
        return False
    if actor.narrowed:
        return bool(
            record.owner_id == actor.user_id and record.visibility == Visibility.PRIVATE.value
        )
    return bool(record.owner_id == actor.user_id or record.visibility == Visibility.WORKSPACE.value)


def can_see(record: Any, actor: Actor) -> bool:
    return record.deleted_at is None and _may_see(record, actor)


def get_visible(
    session: Session,
    model: type[T],
    record_id: int,
    actor: Actor,
    what: str,
    *,
    include_deleted: bool = False,
) -> T:
    """Load a record or raise NotFound — the same message whether it is missing or hidden."""
    row = session.scalars(
        select(model).where(
            model.id == record_id,  # type: ignore[attr-defined]
            visible(model, actor, include_deleted=include_deleted),
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"no {what} #{record_id}")
    return row


def require_owner(record: Any, actor: Actor, action: str) -> None:
    """Visibility changes and deletion belong to the record's owner or a workspace admin."""
    if record.owner_id != actor.user_id and not actor.is_admin:
        raise PermissionDenied(f"only the owner of this record may {action} it")


def contact_label(contact: Contact | None, actor: Actor) -> str:
    if contact is not None and contact.deleted_at is not None and can_see_deleted(contact, actor):
        return DELETED_CONTACT
    if contact is None or not can_see(contact, actor):
        return REDACTED_CONTACT
    return contact.display_name


def can_see_deleted(record: Any, actor: Actor) -> bool:
    """Visible but for being in the trash."""
    return _may_see(record, actor)


def organization_label(org: Organization | None, actor: Actor) -> str:
    if org is None or not can_see(org, actor):
        return REDACTED_ORGANIZATION
    return org.name
