"""Log in, sign up, log out: the pages before there is a session.

There is no session yet to bind a CSRF token to, so these forms are guarded like the
API's login: a browser's `Origin` must name this server (SameSite=Lax keeps the cookie
off cross-site posts afterwards).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.errors import GoodwillError, RateLimited
from goodwill.services import auth
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web.api.auth import set_session_cookie
from goodwill.web.api.deps import SESSION_COOKIE, get_uow, same_origin
from goodwill.web.pages._core import templates

router = APIRouter(include_in_schema=False)
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
SameOrigin = [Depends(same_origin)]


def _safe_next(target: str | None) -> str:
    """Only a path on this server: never an open redirect to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _form(request: Request, template: str, *, status: int = 200, **ctx: object) -> HTMLResponse:
    context = {"actor": None, "error": None, **ctx}
    return templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _form(request, "login.html", next=_safe_next(next), email="")


@router.post("/login", dependencies=SameOrigin)
def log_in(
    request: Request,
    uow: UowDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        grant = auth.log_in(uow, email, password, address)
    except GoodwillError as exc:
        status = 429 if isinstance(exc, RateLimited) else 400
        return _form(request, "login.html", status=status, error=exc.message,
                     next=_safe_next(next), email=email)  # fmt: skip
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, grant)
    return response


@router.get("/signup")
def signup_form(request: Request) -> HTMLResponse:
    return _form(request, "signup.html", email="", name="")


@router.post("/signup", dependencies=SameOrigin)
def sign_up(
    request: Request,
    uow: UowDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        actor = auth.sign_up(uow, email, name, password)
    except GoodwillError as exc:
        return _form(request, "signup.html", status=400, error=exc.message, email=email,
                     name=name)  # fmt: skip
    grant = auth.start_session(uow, actor)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, grant)
    return response


@router.post("/logout", dependencies=SameOrigin)
def log_out(request: Request, uow: UowDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        auth.log_out(uow, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
