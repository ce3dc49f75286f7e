"""The web application: `create_app(settings)`; no engine exists before it is called."""

from __future__ import annotations

import gc
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from goodwill.bootstrap import Database, open_database
from goodwill.config import default_database_url
from goodwill.dav import carddav, feeds
from goodwill.services import dedupe
from goodwill.services.dedupe import ScanLauncher
from goodwill.storage.unit_of_work import UnitOfWork
from goodwill.web import errors, pages, scan_jobs
from goodwill.web.api import (
    auth,
    contacts,
    extras,
    imports,
    pipelines,
    records,
    relationships,
    workspace,
    workspace_settings,
)
from goodwill.web.pages._core import (
    LoginRequired,
    MembershipEnded,
    error_page,
    is_page,
    login_redirect,
    membership_ended,
)

STATIC = "/static"


def page_error(request: Request, status: int, title: str, detail: str) -> Response | None:
    return error_page(request, status, title, detail) if is_page(request) else None


@dataclass(frozen=True)
class Settings:
    """Where the data is: a database URL, or a unit of work already open (tests).

    `scan_launcher` runs a duplicate scan the pages start (services.dedupe): by default
    a process of its own on the database URL (web.scan_jobs). A unit of work handed in
    without its URL (a test's transaction, whose data no other process sees) has the
    request run it itself."""

    database_url: str | None = None
    uow: UnitOfWork | None = None
    max_upload_bytes: int = imports.DEFAULT_MAX_UPLOAD  # an import's file, over the API
    scan_launcher: ScanLauncher | None = None


def create_app(settings: Settings) -> FastAPI:
    database: Database | None = None
    url = settings.database_url
    if settings.uow is not None:
        uow = settings.uow
    else:
        # SQLite upgrades itself; PostgreSQL must have had `goodwill db upgrade`.
        url = url or default_database_url()
        database = open_database(url)
        uow = database.uow
    launcher = settings.scan_launcher
    if launcher is None:
        launcher = scan_jobs.process_launcher(url) if url else dedupe.run_scan

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is not None:
            database.close()

    app = FastAPI(
        title="goodwill",
        version="1",
        summary="A relationship-first CRM: give more than you take, ask well.",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.uow = uow
    app.state.max_upload_bytes = settings.max_upload_bytes
    app.state.scan_launcher = launcher
    app.state.page_error = page_error
    errors.install(app)
    app.add_exception_handler(LoginRequired, login_redirect)
    app.add_exception_handler(MembershipEnded, membership_ended)
    app.include_router(auth.router)
    app.include_router(contacts.router)
    app.include_router(relationships.router)
    app.include_router(pipelines.router)
    app.include_router(records.router)
    app.include_router(workspace.router)
    app.include_router(workspace_settings.router)
    app.include_router(imports.router)
    app.include_router(extras.router)
    app.include_router(feeds.router)
    app.include_router(carddav.router)
    app.include_router(pages.router)
    app.mount(STATIC, StaticFiles(directory=str(files("goodwill.web") / "static")), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        """Swagger UI from the package's own files: works offline and under the CSP."""
        nonce = secrets.token_urlsafe(16)
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="goodwill API",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
        html = bytes(page.body).decode("utf-8").replace("<script>", f'<script nonce="{nonce}">')
        csp = errors.CSP.replace(
            "default-src 'self'", f"default-src 'self'; script-src 'self' 'nonce-{nonce}'"
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})

    return app


def settle_heap() -> None:
    """A server process's start-up objects (modules, the app, SQLAlchemy's caches: about
    180k) leave the garbage collector's view. Without this every full collection walks
    them, and one took 165 ms in the middle of a request at 100k contacts (bench/README.md:
    the API). Only server entry points call it: a frozen object is never freed, which a
    test process creating an app per test could not afford."""
    gc.collect()
    gc.freeze()


def app_from_env() -> FastAPI:
    """For `uvicorn --factory goodwill.web.app:app_from_env`: the database of $GOODWILL_DB."""
    app = create_app(Settings(database_url=default_database_url()))
    settle_heap()
    return app
