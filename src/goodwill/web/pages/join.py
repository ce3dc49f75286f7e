"""Accept an invitation link in the browser: `/join?token=…`, the link Settings hands out.

Without a session the page creates the account (email, name, password), joins the
workspace and opens a session there. With a session it joins as that user and moves
the session to the new workspace (a plain form: the CSRF field rides along).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.errors import CsrfRejected, GoodwillError, PermissionDenied
from goodwill.services import auth, members, sessions
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web.api.auth import set_session_cookie
from goodwill.web.api.deps import SESSION_COOKIE, get_uow, same_origin
from goodwill.web.pages._core import form_csrf_token, templates

router = APIRouter(include_in_schema=False)
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
Token = Annotated[str, Query(max_length=200)]
FormToken = Annotated[str, Form(max_length=200)]


def _signed_in(request: Request, uow: UnitOfWork, csrf: str | None = None,
               unsafe: bool = False) -> tuple[Actor, str] | None:  # fmt: skip
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        actor, token = auth.page_session(uow, cookie, unsafe=unsafe, csrf_token=csrf)
    except PermissionDenied:
        if unsafe:
            raise
        return None
    return actor, token


def _page(request: Request, uow: UnitOfWork, token: str, *, status: int = 200,
          error: str | None = None, **ctx: object) -> HTMLResponse:  # fmt: skip
    signed = _signed_in(request, uow)
    try:
        offer: members.InvitationPreview | None = members.preview_invitation(uow, token)
    except GoodwillError as exc:
        offer, error, status = None, exc.message, 404
    context = {"actor": None, "token": token, "offer": offer, "error": error,
               "me": signed[0] if signed else None, "csrf_token": signed[1] if signed else None,
               "email": "", "name": "", **ctx}  # fmt: skip
    return templates.TemplateResponse(request, "join.html", context, status_code=status)


@router.get("/join", name="join_page")
def join_page(request: Request, uow: UowDep, token: Token = "") -> HTMLResponse:
    return _page(request, uow, token)


@router.post("/join", dependencies=[Depends(same_origin)])
def join(
    request: Request,
    uow: UowDep,
    csrf: Annotated[str | None, Depends(form_csrf_token)],
    token: FormToken,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    try:
        signed = _signed_in(request, uow, csrf, unsafe=True) if cookie else None
        offer = members.preview_invitation(uow, token)
        if signed is not None:
            members.accept_invitation(uow, token, existing=signed[0])
            sessions.switch_workspace(signed[0], uow, cookie, offer.workspace_id)
            return RedirectResponse("/", status_code=303)
        members.accept_invitation(uow, token, email=email, name=name, password=password)
        address = request.client.host if request.client else "unknown"
        grant = auth.log_in(uow, email, password, address, offer.workspace_id)
    except CsrfRejected:
        raise  # a forged form: 403, not a message on the page
    except GoodwillError as exc:
        return _page(request, uow, token, status=400, error=exc.message, email=email, name=name)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, grant)
    return response
