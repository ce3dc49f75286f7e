"""/api/v1/auth (sign-up, login, logout) and /api/v1/tokens (personal tokens)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from goodwill.services import auth
from goodwill.services.views import to_jsonable
from goodwill.web.api.deps import SESSION_COOKIE, ActorDep, UowDep
from goodwill.web.api.models import MAX_ID, LogIn, NewToken, SignUp

router = APIRouter(prefix="/api/v1", tags=["auth"])


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/signup", status_code=201)
def sign_up(body: SignUp, uow: UowDep) -> dict[str, Any]:
    """Create an account (the first sign-up on a personal database claims its owner)."""
    actor = auth.sign_up(uow, body.email, body.name, body.password)
    return {"user_id": actor.user_id, "email": actor.email, "workspace_id": actor.workspace_id}


@router.post("/auth/login")
def log_in(body: LogIn, request: Request, response: Response, uow: UowDep) -> dict[str, Any]:
    """Open a session: sets an HttpOnly, SameSite=Lax cookie (Secure over https)."""
    grant = auth.log_in(uow, body.email, body.password, _address(request))
    response.set_cookie(
        SESSION_COOKIE,
        grant.cookie,
        expires=grant.expires_at,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return {"user_id": grant.actor.user_id, "csrf_token": grant.csrf_token}


@router.post("/auth/logout", status_code=204)
def log_out(request: Request, response: Response, uow: UowDep) -> None:
    """End the session of the cookie sent (if any) and clear the cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        auth.log_out(uow, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


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
