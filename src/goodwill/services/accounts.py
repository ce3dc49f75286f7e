"""Users, the workspace and settings."""

from __future__ import annotations

import getpass
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from goodwill.domain.dates import local_date_of, local_midnight_utc, zone
from goodwill.domain.people import normalize_email, parse_visibility, validate_region
from goodwill.domain.text import NAME_MAX, clean_text
from goodwill.errors import Ambiguous, Conflict, NotFound, PermissionDenied, ValidationFailed
from goodwill.services.actor import Actor, utcnow
from goodwill.services.views import MemberView, SettingsView
from goodwill.storage.aggregates import refresh_touch_anchors
from goodwill.storage.schema import Membership, Task, User, Workspace
from goodwill.storage.unit_of_work import UnitOfWork

LOCAL_OWNER_EMAIL = "me@localhost"
ROLES = ("owner", "admin", "member")
CURRENT = Membership.removed_at.is_(None)  # a removed member's kept row is no membership


def _actor(session: Session, user: User, workspace: str | None = None) -> Actor:
    """The user in `workspace` (an id or an exact name), else in the first they joined."""
    query = select(Membership).where(Membership.user_id == user.id, CURRENT)
    if workspace is not None:
        key = workspace.strip()[:NAME_MAX]
        match = Workspace.name == key
        if key.isdigit() and len(key) < 10:  # an id (kept within the integer column)
            match = or_(match, Workspace.id == int(key))
        found = session.scalars(
            query.join(Workspace, Workspace.id == Membership.workspace_id)
            .where(match)
            .order_by(Membership.id)
        ).all()
        if not found:
            raise NotFound(f"{user.email} is not a member of a workspace '{key}'")
        if len(found) > 1:
            raise Ambiguous(f"several of {user.email}'s workspaces match '{key}'",
                            [f"#{m.workspace_id}" for m in found])  # fmt: skip
        membership: Membership | None = found[0]
    else:
        membership = session.scalars(query.order_by(Membership.id)).first()
    if membership is None:
        raise NotFound(f"{user.email} is not a member of any workspace")
    return Actor(
        user_id=user.id,
        workspace_id=membership.workspace_id,
        role=membership.role,
        email=user.email,
        timezone=user.timezone,
        default_region=user.default_region,
    )


def local_actor(uow: UnitOfWork, email: str | None = None, workspace: str | None = None) -> Actor:
    """The actor the CLI runs as: the local owner (created on first use) or a member by
    email, in `workspace` (an id or name) or else the first workspace they joined."""
    with uow.write() as session:
        if email is not None:
            # The local owner's me@localhost is not a deliverable address: look the
            # user up as typed (lower-cased) before insisting on a valid email.
            key = email.strip().lower()
            user = session.scalars(select(User).where(User.email == key)).one_or_none()
            if user is None:
                raise NotFound(f"no user {normalize_email(email, 'user')}")
            return _actor(session, user, workspace)
        owner = session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == "owner", CURRENT)
            .order_by(User.id)
        ).first()
        if owner is not None:
            return _actor(session, owner, workspace)
        if workspace is not None:
            raise NotFound(f"no workspace '{workspace[:100]}' yet")
        now = utcnow()
        mine = Workspace(name="My network", default_visibility="private", created_at=now)
        user = User(
            email=LOCAL_OWNER_EMAIL,
            name=getpass.getuser(),
            timezone="UTC",
            default_region="US",
            created_at=now,
        )
        session.add_all([mine, user])
        session.flush()
        session.add(Membership(workspace_id=mine.id, user_id=user.id, role="owner"))
        session.flush()
        return _actor(session, user)


def add_member(
    actor: Actor, uow: UnitOfWork, email: str, name: str | None = None, role: str = "member"
) -> MemberView:
    """Add a teammate to the actor's workspace (admins only)."""
    if not actor.is_admin:
        raise PermissionDenied("only a workspace owner or admin may add members")
    if role not in ROLES[1:]:
        raise ValidationFailed("role", f"'{role}' is not one of admin, member")
    key = normalize_email(email, "email")
    display = clean_text(name, "name", max_len=NAME_MAX) or key.split("@")[0]
    with uow.write() as session:
        user = session.scalars(select(User).where(User.email == key)).one_or_none()
        if user is None:
            user = User(
                email=key,
                name=display,
                timezone=actor.timezone,
                default_region=actor.default_region,
                created_at=utcnow(),
            )
            session.add(user)
            session.flush()
        kept = session.scalars(
            select(Membership).where(
                Membership.user_id == user.id, Membership.workspace_id == actor.workspace_id
            )
        ).first()
        if kept is not None and kept.removed_at is None:
            raise Conflict(f"{key} is already a member")
        if kept is not None:  # removed, still in the export window: a member again
            kept.role, kept.removed_at, kept.exported_at = role, None, None
        else:
            session.add(Membership(workspace_id=actor.workspace_id, user_id=user.id, role=role))
        return MemberView(user_id=user.id, email=user.email, name=user.name, role=role)


def list_members(actor: Actor, uow: UnitOfWork) -> list[MemberView]:
    with uow.read() as session:
        rows = session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == actor.workspace_id, CURRENT)
            .order_by(User.id)
        ).all()
        return [MemberView(u.id, u.email, u.name, role) for u, role in rows]


def get_settings(actor: Actor, uow: UnitOfWork) -> SettingsView:
    with uow.read() as session:
        user = session.get_one(User, actor.user_id)
        workspace = session.get_one(Workspace, actor.workspace_id)
        return SettingsView(
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            default_region=user.default_region,
            workspace=workspace.name,
            default_visibility=workspace.default_visibility,
        )


def _keep_all_day_tasks_on_their_day(
    session: Session, user: User, old: ZoneInfo, new: ZoneInfo
) -> None:
    """All-day tasks are stored as local midnight: a new time zone keeps their calendar day."""
    tasks = session.scalars(
        select(Task).where(Task.owner_id == user.id, Task.all_day, Task.done_at.is_(None))
    ).all()
    for task in tasks:
        if task.due_at is not None:
            task.due_at = local_midnight_utc(local_date_of(task.due_at, old), new)
        if task.series_due_at is not None:
            task.series_due_at = local_midnight_utc(local_date_of(task.series_due_at, old), new)


SETTING_KEYS = ("timezone", "default_region", "default_visibility", "name", "email", "workspace")


def update_setting(actor: Actor, uow: UnitOfWork, key: str, value: str) -> SettingsView:
    """Change one setting; workspace-wide ones need an admin."""
    if key not in SETTING_KEYS:
        raise ValidationFailed("setting", f"'{key}' is not one of {', '.join(SETTING_KEYS)}")
    with uow.write() as session:
        user = session.get_one(User, actor.user_id)
        workspace = session.get_one(Workspace, actor.workspace_id)
        if key in {"default_visibility", "workspace"} and not actor.is_admin:
            raise PermissionDenied(f"only a workspace owner or admin may change {key}")
        if key == "timezone":
            new_zone = zone(value.strip())
            _keep_all_day_tasks_on_their_day(session, user, zone(user.timezone), new_zone)
            user.timezone = new_zone.key
            session.flush()
            refresh_touch_anchors(session, owner_id=user.id)  # their days, in the new zone
        elif key == "default_region":
            user.default_region = validate_region(value)
        elif key == "default_visibility":
            workspace.default_visibility = parse_visibility(value).value
        elif key == "name":
            user.name = clean_text(value, "name", max_len=NAME_MAX, required=True) or user.name
        elif key == "email":
            new = normalize_email(value)
            taken = session.scalars(select(User).where(User.email == new, User.id != user.id))
            if taken.first() is not None:
                raise Conflict(f"{new} belongs to another user")
            user.email = new
        else:
            workspace.name = clean_text(value, "workspace", max_len=NAME_MAX, required=True) or ""
        return SettingsView(
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            default_region=user.default_region,
            workspace=workspace.name,
            default_visibility=workspace.default_visibility,
        )


def set_my_emails(actor: Actor, uow: UnitOfWork, emails: list[str]) -> list[str]:
    """The addresses the user sends from besides their login (email imports use them)."""
    normalized = sorted({normalize_email(e, "email") for e in emails})
    with uow.write() as session:
        session.get_one(User, actor.user_id).my_emails = normalized
    return normalized
