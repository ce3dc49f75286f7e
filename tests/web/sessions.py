"""A browser's view of the app for TestClient tests of the web pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from goodwill.services import auth
from goodwill.web.api.deps import SESSION_COOKIE


def session_client(app, uow, actor, *, csrf: bool = True) -> TestClient:
    """Logged in with a session cookie, redirects not followed; with `csrf`, every
    request carries the session's CSRF token as HTMX would (without it, writes must fail)."""
    grant = auth.start_session(uow, actor)
    headers = {auth.CSRF_HEADER: grant.csrf_token} if csrf else {}
    client = TestClient(app, follow_redirects=False, headers=headers)
    client.cookies.set(SESSION_COOKIE, grant.cookie)
    return client
