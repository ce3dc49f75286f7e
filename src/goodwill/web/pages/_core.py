"""What every web page shares: the templates, the logged-in user of a page request, CSRF
for forms and HTMX requests, and the HTML face of the error tree.

A page is served to a session cookie only (API tokens are for /api/v1). A write
(POST/PUT/PATCH/DELETE) must carry the session's CSRF token: HTMX sends it as the
`X-CSRF-Token` header (from `hx-headers` on <body>, a value in the page, no script), a
plain form as the hidden `csrf_token` field. A request without a live session is sent to
/login (HTMX: by the `HX-Redirect` header). Routes hold no business logic: each calls one
service function and renders what it returns.

A member removed from the session's workspace (signed in again inside the 30 days in
which they may take their private records with them) gets no page of it: every page
answers 403 with one that says their membership ended, when, and what they can still
do (export their records, switch to another of their workspaces, sign out).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from goodwill.domain.auth import SAFE_METHODS
from goodwill.errors import CsrfRejected, PermissionDenied
from goodwill.services import auth, sessions
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web.api.deps import SESSION_COOKIE, get_uow

FORM_FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Prefixes that are not pages: their errors stay problem+json (or DAV's own).
NOT_PAGES = ("/api/", "/dav", "/.well-known/", "/feeds/", "/static/", "/openapi.json", "/docs")
NAV = (
    ("today", "/", "Today"),
    ("contacts", "/contacts", "Contacts"),
    ("ledger", "/ledger", "Ledger"),
    ("asks", "/asks", "Asks"),
    ("intros", "/introductions", "Introductions"),
    ("network", "/network", "Network"),
    ("pipelines", "/pipelines", "Pipelines"),
    ("import", "/import", "Import"),
    ("settings", "/settings", "Settings"),
)

templates = Jinja2Templates(directory=str(files("goodwill.web") / "templates"))


def _when(value: datetime | date | None, fmt: str = "%d %b %Y") -> str:
    if value is None:
        return ""
    return value.strftime(fmt)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count:,} {word}"


templates.env.filters["when"] = _when
templates.env.filters["plural"] = _plural
templates.env.globals["NAV"] = NAV


class LoginRequired(Exception):
    """A page asked for without a live session: off to /login, and back afterwards."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@dataclass
class Page:
    """A page request: who asks, in which workspace, and the CSRF token to hand back."""

    request: Request
    uow: UnitOfWork
    actor: Actor
    csrf_token: str
    flash: list[str] = field(default_factory=list)

    @property
    def htmx(self) -> bool:
        return is_htmx(self.request)

    def render(
        self, template: str, *, status: int = 200, headers: dict[str, str] | None = None, **ctx: Any
    ) -> HTMLResponse:
        context = {"page": self, "actor": self.actor, "csrf_token": self.csrf_token, **ctx}
        return templates.TemplateResponse(
            self.request, template, context, status_code=status, headers=headers
        )

    def redirect(self, url: str) -> Response:
        """After a write: PRG for a plain form, `HX-Redirect` for an HTMX request."""
        if self.htmx:
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)


async def form_csrf_token(request: Request) -> str | None:
    """The CSRF token a write brings: the header (HTMX), else the form's hidden field."""
    header = request.headers.get(auth.CSRF_HEADER)
    if header or request.method in SAFE_METHODS:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(FORM_FIELD)  # parsed once, cached on the request
        return value if isinstance(value, str) else None
    return None


class MembershipEnded(Exception):
    """A page asked for by a member removed from the session's workspace."""

    def __init__(self, page: Page) -> None:
        super().__init__("membership ended")
        self.page = page


def get_any_page(
    request: Request,
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    token: Annotated[str | None, Depends(form_csrf_token)],
) -> Page:
    """A page request of a live session, a removed member's included (see `get_page`)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not cookie:
        raise LoginRequired(target)
    unsafe = request.method not in SAFE_METHODS
    if unsafe:
        auth.check_origin(request.headers.get("origin"), request.headers.get("host"))
    try:
        actor, csrf = auth.page_session(uow, cookie, unsafe=unsafe, csrf_token=token)
    except CsrfRejected:
        raise
    except PermissionDenied:
        raise LoginRequired(target) from None
    return Page(request, uow, actor, csrf)


def get_page(page: Annotated[Page, Depends(get_any_page)]) -> Page:
    """A page request of a current member of the session's workspace."""
    if page.actor.removed_at is not None:
        raise MembershipEnded(page)
    return page


PageDep = Annotated[Page, Depends(get_page)]
AnyPageDep = Annotated[Page, Depends(get_any_page)]


def login_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    url = "/login" if exc.next_url in ("", "/") else f"/login?next={quote(exc.next_url)}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def membership_ended(request: Request, exc: Exception) -> Response:
    """The removed member's page, in place of any page of the workspace (403): when
    the membership ended, their export until when, their other workspaces, sign out.
    HTMX reloads the page it was on, which then says so."""
    assert isinstance(exc, MembershipEnded)
    if is_htmx(request):
        return Response(status_code=403, headers={"HX-Refresh": "true"})
    page = exc.page
    view = sessions.describe_session(page.actor, page.uow)
    context = {"page": page, "actor": None, "csrf_token": page.csrf_token, "view": view}
    return templates.TemplateResponse(request, "membership_ended.html", context, status_code=403)


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """An error on a page: a page of its own, or for HTMX the message in the flash area
    (`HX-Retarget`; htmx is configured to swap 4xx answers)."""
    if is_htmx(request):
        html = templates.get_template("_flash.html").render(
            kind="error", title=title, detail=detail
        )
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        return HTMLResponse(html, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": title, "detail": detail, "status": status, "actor": None},
        status_code=status,
    )


def hx_headers(csrf_token: str) -> str:
    """The <body hx-headers> value: every HTMX request carries the CSRF token."""
    return json.dumps({auth.CSRF_HEADER: csrf_token})


templates.env.filters["hx_headers"] = hx_headers
