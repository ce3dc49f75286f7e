"""Dependencies of the API routes: the unit of work and the acting user.

A request is authenticated by `Authorization: Bearer <api token>`, else by the session
cookie. A write (POST/PUT/PATCH/DELETE) that rides on the cookie must carry the
session's CSRF token as `X-CSRF-Token`, and an `Origin` header, when the browser sends
one, must name this server; token requests need neither (no browser sends them on its
own). The rules live in services/auth.py, shared with the web pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from goodwill.domain.auth import SAFE_METHODS
from goodwill.errors import CsrfRejected, PermissionDenied
from goodwill.services import auth
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web.errors import Unauthenticated

SESSION_COOKIE = "goodwill_session"


def get_uow(request: Request) -> UnitOfWork:
    uow = request.app.state.uow
    assert isinstance(uow, UnitOfWork)
    return uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def same_origin(request: Request) -> None:
    """Login, sign-up and logout: no session to bind a token to, but a browser's
    cross-site form must not log anyone in or out either."""
    if request.method not in SAFE_METHODS:
        auth.check_origin(request.headers.get("origin"), request.headers.get("host"))


def session_cookie(request: Request) -> str | None:
    """The session cookie, when it (not a token) authenticated this request."""
    cookie = getattr(request.state, "session_cookie", None)
    return cookie if isinstance(cookie, str) else None


def get_any_actor(request: Request, uow: UowDep) -> Actor:
    """The acting user, a removed member inside their export window included; 401 without
    valid credentials, 403 for a cookie write without its CSRF token or from elsewhere."""
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    try:
        if header:
            if scheme.lower() != "bearer" or not credential.strip():
                raise Unauthenticated("use 'Authorization: Bearer <token>'")
            return auth.authenticate_token(uow, credential.strip(), "api")
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            unsafe = request.method not in SAFE_METHODS
            if unsafe:
                same_origin(request)
            actor = auth.authenticate_session(
                uow, cookie, unsafe=unsafe, csrf_token=request.headers.get(auth.CSRF_HEADER)
            )
            request.state.session_cookie = cookie
            return actor
    except CsrfRejected:
        raise
    except PermissionDenied as exc:
        raise Unauthenticated(exc.message) from None
    raise Unauthenticated("log in, or send an API token as 'Authorization: Bearer <token>'")


def get_actor(actor: Annotated[Actor, Depends(get_any_actor)]) -> Actor:
    """The acting member: a removed member (who may only export) gets 403 here."""
    return auth.require_member(actor)


ActorDep = Annotated[Actor, Depends(get_actor)]
AnyActorDep = Annotated[Actor, Depends(get_any_actor)]
