"""Dependencies of the API routes: the unit of work and the acting user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from goodwill.errors import PermissionDenied
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


def get_actor(request: Request, uow: UowDep) -> Actor:
    """From `Authorization: Bearer <api token>`, else the session cookie; 401 otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    try:
        if header:
            if scheme.lower() != "bearer" or not credential.strip():
                raise Unauthenticated("use 'Authorization: Bearer <token>'")
            return auth.authenticate_token(uow, credential.strip(), "api")
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            return auth.authenticate_session(uow, cookie)
    except PermissionDenied as exc:
        raise Unauthenticated(exc.message) from None
    raise Unauthenticated("log in, or send an API token as 'Authorization: Bearer <token>'")


ActorDep = Annotated[Actor, Depends(get_actor)]
