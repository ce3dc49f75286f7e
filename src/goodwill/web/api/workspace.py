"""/api/v1/workspace (members, roles, invitations, settings) and /api/v1/invitations/accept."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import Field

from goodwill.services import accounts, departures, members
from goodwill.services.actor import Actor
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import ActorDep, UowDep, get_any_actor
from goodwill.web.api.models import MAX_ID, Body, Name, Password, Short
from goodwill.web.errors import Unauthenticated

router = APIRouter(prefix="/api/v1", tags=["workspace"])
Token = Annotated[str, Field(max_length=200)]


class RoleChange(Body):
    email: Short
    role: Literal["owner", "admin", "member"]


class Removal(Body):
    email: Short
    transfer_to: Short


class NewInvitation(Body):
    role: Literal["admin", "member"] = "member"
    email: Short | None = None
    days: int = Field(7, ge=1, le=members.INVITE_DAYS_MAX)


class Acceptance(Body):
    token: Token
    email: Short | None = None
    name: Name | None = None
    password: Password | None = None


class WorkspaceSettings(Body):
    name: Name | None = None
    default_visibility: Literal["private", "workspace"] | None = None


@router.get("/workspace/members")
def list_members(actor: ActorDep, uow: UowDep) -> list[dict[str, Any]]:
    """The workspace's members and their roles."""
    return list(to_jsonable(accounts.list_members(actor, uow)))


@router.get("/workspace/members/removed")
def list_removed_members(actor: ActorDep, uow: UowDep) -> list[dict[str, Any]]:
    """Members removed in the last 30 days (admins): when their private records are
    purged (`purge_after`) and whether they exported them (`exported_at`)."""
    return list(to_jsonable(departures.list_removed_members(actor, uow)))


@router.post("/workspace/members/role")
def change_role(body: RoleChange, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Change a member's role (admins; only an owner makes or unmakes owners)."""
    return dict(to_jsonable(members.change_role(actor, uow, body.email, body.role)))


@router.post("/workspace/members/remove")
def remove_member(body: Removal, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Remove a member: workspace records go to `transfer_to`; private ones stay hidden
    and are deleted after 30 days; the member's sessions and tokens end."""
    summary = members.remove_member(actor, uow, body.email, transfer_to=body.transfer_to)
    return dict(to_jsonable(summary))


@router.get("/workspace/invitations")
def list_invitations(actor: ActorDep, uow: UowDep) -> list[dict[str, Any]]:
    """Invitations to the workspace (admins)."""
    return list(to_jsonable(members.list_invitations(actor, uow)))


@router.post("/workspace/invitations", status_code=201)
def invite(body: NewInvitation, request: Request, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Create an invitation link; `token` and `link` are in this response only."""
    view, raw = members.invite(actor, uow, role=body.role, email=body.email, days=body.days)
    link = str(request.url_for("accept_invitation"))
    return {**to_jsonable(view), "token": raw, "link": f"{link}?token={raw}"}


@router.delete("/workspace/invitations/{invitation_id}")
def revoke_invitation(
    invitation_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Revoke an invitation: its link stops working."""
    return dict(to_jsonable(members.revoke_invitation(actor, uow, invitation_id)))


@router.patch("/workspace/settings")
def update_settings(body: WorkspaceSettings, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Workspace name and default visibility (admins)."""
    view = accounts.get_settings(actor, uow)
    if body.name is not None:
        view = accounts.update_setting(actor, uow, "workspace", body.name)
    if body.default_visibility is not None:
        view = accounts.update_setting(actor, uow, "default_visibility", body.default_visibility)
    return {"workspace": view.workspace, "default_visibility": view.default_visibility}


@router.post("/invitations/accept", name="accept_invitation")
def accept_invitation(body: Acceptance, request: Request, uow: UowDep) -> dict[str, Any]:
    """Join a workspace: logged in (session or token) as yourself, or as a new account
    with email, name and password. A link works once."""
    existing: Actor | None = None
    if request.headers.get("authorization") or request.cookies:
        try:
            existing = get_any_actor(request, uow)
        except Unauthenticated:
            existing = None
    member = members.accept_invitation(uow, body.token, email=body.email, name=body.name,
                                       password=body.password, existing=existing)  # fmt: skip
    return dict(to_jsonable(member))
