"""The workspace a web session acts in: what `GET /api/v1/auth/session` shows, and
switching it. A token acts in the workspace it was created in and never switches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from goodwill.domain import auth as rules
from goodwill.errors import NotFound, PermissionDenied
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import Membership, User, WebSession, Workspace
from goodwill.storage.unit_of_work import UnitOfWork

TOKEN_STAYS = (
    "an API token acts in the workspace it was created in: log in to switch, or create a "
    "token in the other workspace"
)


@dataclass(frozen=True)
class WorkspaceChoice:
    id: int
    name: str
    role: str
    current: bool


@dataclass(frozen=True)
class SessionView:
    user_id: int
    email: str
    name: str
    workspace_id: int
    workspace: str
    role: str  # owner | admin | member, or "removed" (export only)
    via: str  # session | token
    csrf_token: str | None  # send it as X-CSRF-Token with every write (sessions only)
    expires_at: datetime | None
    removed_at: datetime | None
    export_until: datetime | None
    workspaces: list[WorkspaceChoice]


def describe_session(actor: Actor, uow: UnitOfWork, raw_cookie: str | None = None) -> SessionView:
    """Who is acting, where, and the workspaces they may switch to; with the session's
    cookie, its CSRF token and expiry too."""
    with uow.read() as session:
        user = session.get_one(User, actor.user_id)
        workspace = session.get_one(Workspace, actor.workspace_id)
        rows = session.execute(
            select(Workspace.id, Workspace.name, Membership.role)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == actor.user_id, Membership.removed_at.is_(None))
            .order_by(Membership.id)
        ).all()
        web = None
        if raw_cookie:
            web = session.scalars(
                select(WebSession).where(
                    WebSession.session_hash == rules.secret_hash(raw_cookie[: rules.TOKEN_MAX]),
                    WebSession.user_id == actor.user_id,
                )
            ).first()
        removed = actor.removed_at
        return SessionView(
            user_id=user.id,
            email=user.email,
            name=user.name,
            workspace_id=workspace.id,
            workspace=workspace.name,
            role=actor.role,
            via="session" if web is not None else "token",
            csrf_token=web.csrf_token if web is not None else None,
            expires_at=web.expires_at if web is not None else None,
            removed_at=removed,
            export_until=removed + rules.EXPORT_WINDOW if removed is not None else None,
            workspaces=[
                WorkspaceChoice(ws_id, name, role, ws_id == actor.workspace_id)
                for ws_id, name, role in rows
            ],
        )


def switch_workspace(
    actor: Actor, uow: UnitOfWork, raw_cookie: str | None, workspace_id: int
) -> SessionView:
    """Move the session to another workspace the user is a current member of; any other
    id fails exactly like a workspace that does not exist."""
    if not raw_cookie:
        raise PermissionDenied(TOKEN_STAYS)
    now = utcnow()
    with uow.write() as session:
        membership = session.scalars(
            select(Membership).where(
                Membership.user_id == actor.user_id,
                Membership.workspace_id == workspace_id,
                Membership.removed_at.is_(None),
            )
        ).first()
        if membership is None:
            raise NotFound(f"no workspace #{workspace_id}")
        session.execute(
            update(WebSession)
            .where(
                WebSession.session_hash == rules.secret_hash(raw_cookie[: rules.TOKEN_MAX]),
                WebSession.user_id == actor.user_id,
            )
            .values(workspace_id=workspace_id, last_seen_at=now)
        )
        membership.last_used_at = now
        user = session.get_one(User, actor.user_id)
        moved = Actor(user.id, workspace_id, membership.role, user.email, user.timezone,
                      user.default_region)  # fmt: skip
    return describe_session(moved, uow, raw_cookie)
