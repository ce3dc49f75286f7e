"""/api/v1/auth (sign-up, login, logout, the session and its workspace), /api/v1/tokens
(personal tokens) and /api/v1/me/export (your own private records)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from goodwill.services import auth, departures, sessions
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import (
    SESSION_COOKIE,
    ActorDep,
    AnyActorDep,
    UowDep,
    same_origin,
    session_cookie,
)
from goodwill.web.api.models import MAX_ID, LogIn, NewToken, SignUp, WorkspaceSwitch

router = APIRouter(prefix="/api/v1", tags=["auth"])
SameOrigin = [Depends(same_origin)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(request: Request, response: Response, grant: auth.SessionGrant) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        grant.cookie,
        expires=grant.expires_at,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


@router.post("/auth/signup", status_code=201, dependencies=SameOrigin)
def sign_up(body: SignUp, request: Request, response: Response, uow: UowDep) -> dict[str, Any]:
    """Create an account (the first sign-up on a personal database claims its owner) and
    open a session, like login: send `csrf_token` as `X-CSRF-Token` with every write."""
    actor = auth.sign_up(uow, body.email, body.name, body.password)
    grant = auth.start_session(uow, actor)
    set_session_cookie(request, response, grant)
    return {"user_id": actor.user_id, "email": actor.email, "workspace_id": actor.workspace_id,
            "csrf_token": grant.csrf_token}  # fmt: skip


@router.post("/auth/login", dependencies=SameOrigin)
def log_in(body: LogIn, request: Request, response: Response, uow: UowDep) -> dict[str, Any]:
    """Open a session in `workspace_id` (default: the workspace used last, else the first
    joined): sets an HttpOnly, SameSite=Lax cookie (Secure over https). Writes with the
    cookie need `csrf_token` (in this response) as the `X-CSRF-Token` header."""
    grant = auth.log_in(uow, body.email, body.password, _address(request), body.workspace_id)
    set_session_cookie(request, response, grant)
    actor = grant.actor
    return {"user_id": actor.user_id, "workspace_id": actor.workspace_id, "role": actor.role,
            "csrf_token": grant.csrf_token}  # fmt: skip


@router.post("/auth/logout", status_code=204, dependencies=SameOrigin)
def log_out(request: Request, response: Response, uow: UowDep) -> None:
    """End the session of the cookie sent (if any) and clear the cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        auth.log_out(uow, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/session")
def show_session(request: Request, actor: AnyActorDep, uow: UowDep) -> dict[str, Any]:
    """Who you are, the workspace you act in and your role there, the workspaces you may
    switch to, and (with the session cookie) the session's `csrf_token`."""
    view = sessions.describe_session(actor, uow, session_cookie(request))
    return dict(to_jsonable(view))


@router.post("/auth/workspace")
def switch_workspace(
    body: WorkspaceSwitch, request: Request, actor: AnyActorDep, uow: UowDep
) -> dict[str, Any]:
    """Move the session to another of your workspaces (404 unless you are a member there;
    an API token stays in the workspace it was created in: 403)."""
    view = sessions.switch_workspace(actor, uow, session_cookie(request), body.workspace_id)
    return dict(to_jsonable(view))


@router.get("/me/export")
def export_my_records(actor: AnyActorDep, uow: UowDep) -> Response:
    """Your own private records in this workspace as a backup document (JSON), nobody
    else's. A member removed in the last 30 days may still log in for this, and only this."""
    data = departures.export_my_records(actor, uow)
    disposition = f'attachment; filename="goodwill-my-records-{actor.workspace_id}.json"'
    return Response(data, media_type="application/json",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.get("/tokens")
def list_tokens(actor: ActorDep, uow: UowDep) -> list[dict[str, Any]]:
    """Your personal tokens (prefix only; the token itself is never shown again)."""
    return list(to_jsonable(auth.list_tokens(actor, uow)))


@router.post("/tokens", status_code=201)
def create_token(body: NewToken, actor: ActorDep, uow: UowDep) -> dict[str, Any]:
    """Create a token; `token` is in this response only."""
    view, raw = auth.create_token(actor, uow, body.name, body.scope)
    return {**to_jsonable(view), "token": raw}


@router.delete("/tokens/{token_id}")
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Revoke one of your tokens."""
    return dict(to_jsonable(auth.revoke_token(actor, uow, token_id)))
