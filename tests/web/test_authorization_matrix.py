"""Every route × owner / teammate / outsider × A's private / workspace record: the expected
status, each cell asserted; the canary never reaches a teammate's or outsider's body.

A route the app serves that has no row here fails the suite. Rows live here (accounts,
tokens, contacts) and in tests/web/matrix_*.py, one module per area; a row may carry a
third element, `plant(owner, uow, canary, record, planted) -> dict`, that plants the
owner's records its request needs (ids added to what the request sees).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from uuid import uuid4

import pytest

from goodwill.services import auth
from tests.factories import make_contact
from tests.web import (
    matrix_dav,
    matrix_extras,
    matrix_imports,
    matrix_pages,
    matrix_records,
    matrix_relationships,
    matrix_settings,
    matrix_workspace,
)
from tests.web.sessions import session_client

ROLES = ("owner", "teammate", "outsider")
# Routes that list the workspace's contacts: a teammate may read a shared contact's name
# there (the duplicates review pairs up the contacts the viewer may see).
SHOWS_CONTACTS = ("contacts", "/import/duplicates")
RECORDS = ("private", "workspace")


def _all(status):
    return {(role, record): status for role in ROLES for record in RECORDS}


def _by_record(private, workspace):
    """Statuses per role (owner, teammate, outsider) on the private and the workspace record."""
    cells = {}
    for role, p, w in zip(ROLES, private, workspace, strict=True):
        cells[(role, "private")], cells[(role, "workspace")] = p, w
    return cells


# (method, path) -> (request as (method, url, json) from the planted ids, expected statuses)
CORE = {
    ("GET", "/openapi.json"): (lambda r: ("GET", "/openapi.json", None), _all(200)),
    ("GET", "/docs"): (lambda r: ("GET", "/docs", None), _all(200)),
    ("GET", "/static"): (lambda r: ("GET", "/static/swagger-ui.css", None), _all(200)),
    ("POST", "/api/v1/auth/signup"): (
        lambda r: (
            "POST",
            "/api/v1/auth/signup",
            {"email": f"u{uuid4().hex[:8]}@new.example", "password": "long enough pw"},
        ),
        _all(201),
    ),  # fmt: skip
    ("POST", "/api/v1/auth/login"): (
        lambda r: ("POST", "/api/v1/auth/login", {"email": "me@localhost", "password": "nope"}),
        _all(403),
    ),
    ("POST", "/api/v1/auth/logout"): (lambda r: ("POST", "/api/v1/auth/logout", None), _all(204)),
    # Everyone sees their own session; the matrix clients use tokens, which never switch
    # workspace (403); an export holds the caller's own private records only.
    ("GET", "/api/v1/auth/session"): (lambda r: ("GET", "/api/v1/auth/session", None), _all(200)),
    ("POST", "/api/v1/auth/workspace"): (
        lambda r: ("POST", "/api/v1/auth/workspace", {"workspace_id": 1}),
        _all(403),
    ),
    ("GET", "/api/v1/me/export"): (lambda r: ("GET", "/api/v1/me/export", None), _all(200)),
    ("GET", "/api/v1/tokens"): (lambda r: ("GET", "/api/v1/tokens", None), _all(200)),
    ("POST", "/api/v1/tokens"): (
        lambda r: ("POST", "/api/v1/tokens", {"name": "x", "scope": "feed"}),
        _all(201),
    ),
    # The record here is the owner's own token: the same for both record kinds.
    ("DELETE", "/api/v1/tokens/{token_id}"): (
        lambda r: ("DELETE", f"/api/v1/tokens/{r['token']}", None),
        _by_record((200, 404, 404), (200, 404, 404)),
    ),
    ("GET", "/api/v1/contacts"): (
        lambda r: ("GET", f"/api/v1/contacts?q={r['canary']}", None),
        _all(200),
    ),
    ("POST", "/api/v1/contacts"): (
        lambda r: ("POST", "/api/v1/contacts", {"name": "New Person"}),
        _all(201),
    ),
    ("GET", "/api/v1/contacts/{contact_id}"): (
        lambda r: ("GET", f"/api/v1/contacts/{r['id']}", None),
        _by_record((200, 404, 404), (200, 200, 404)),
    ),
    ("PATCH", "/api/v1/contacts/{contact_id}"): (
        lambda r: ("PATCH", f"/api/v1/contacts/{r['id']}", {"nickname": "Nick"}),
        _by_record((200, 404, 404), (200, 200, 404)),
    ),
    ("DELETE", "/api/v1/contacts/{contact_id}"): (
        lambda r: ("DELETE", f"/api/v1/contacts/{r['id']}", None),
        _by_record((204, 404, 404), (204, 403, 404)),
    ),
    # The feed's URL is its credential; an API token in its place opens nothing
    # (tests/web/test_feed_route.py covers the feed token itself).
    ("GET", "/feeds/{token}.ics"): (
        lambda r: ("GET", f"/feeds/{r['api_token']}.ics", None),
        _all(404),
        lambda owner, uow, canary, record, planted: {
            "api_token": auth.create_token(owner, uow, canary, "api")[1]
        },
    ),
}


def _page_rows():
    """Web pages: matrix_pages.py and every tests/web/matrix_pages_*.py (one per area)."""
    rows = dict(matrix_pages.ROWS)
    for path in sorted(Path(__file__).parent.glob("matrix_pages_*.py")):
        rows.update(importlib.import_module(f"tests.web.{path.stem}").ROWS)
    return rows


PAGES = _page_rows()

MATRIX = {
    **CORE,
    **PAGES,
    **matrix_records.ROWS,
    **matrix_relationships.ROWS,
    **matrix_imports.ROWS,
    **matrix_workspace.ROWS,
    **matrix_settings.ROWS,
    **matrix_extras.ROWS,
    **matrix_dav.ROWS,
}


def app_routes(app):
    """(method, path) of every route the app serves, included routers flattened (nested
    ones too: the web pages are one router of routers)."""
    found = set()

    def walk(routes):
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
                continue
            methods = getattr(route, "methods", None) or {"GET"}  # a mount serves GET
            found.update((m, route.path) for m in methods if m != "HEAD")

    walk(app.routes)
    return found


def test_every_route_is_in_the_matrix(app):
    routes = app_routes(app)
    assert routes, "no routes found"
    assert not routes - set(MATRIX), f"add to MATRIX: {sorted(routes - set(MATRIX))}"
    assert not set(MATRIX) - routes, f"stale rows: {sorted(set(MATRIX) - routes)}"


@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("key", sorted(MATRIX), ids=lambda k: f"{k[0]} {k[1]}")
def test_matrix(key, record, app, uow, owner, teammate, outsider, as_owner, as_teammate,
                as_outsider):  # fmt: skip
    request, expected = MATRIX[key][0], MATRIX[key][1]
    plant = MATRIX[key][2] if len(MATRIX[key]) > 2 else None
    clients = {"owner": as_owner, "teammate": as_teammate, "outsider": as_outsider}
    if key in PAGES:
        clients = {role: session_client(app, uow, actor) for role, actor in
                   (("owner", owner), ("teammate", teammate), ("outsider", outsider))}  # fmt: skip
    canary = f"CANARY-{uuid4().hex}"
    for role in ("outsider", "teammate", "owner"):  # the owner's own change last
        contact = make_contact(
            owner, uow, name=None, first_name=canary, last_name="Hidden",
            how_met=f"met at {canary}", visibility=record,
        )  # fmt: skip
        token, _ = auth.create_token(owner, uow, f"token {canary}", "api")
        planted = {"id": contact.id, "token": token.id, "canary": canary}
        if plant is not None:
            planted.update(plant(owner, uow, canary, record, planted))
        method, url, body = request(planted)
        if key in PAGES:
            response = clients[role].request(method, url, data=body)
        else:
            response = clients[role].request(method, url, json=body)
        want = expected[(role, record)]
        assert response.status_code == want, f"{role} {method} {url}: {response.text[:300]}"
        leaked = canary.lower() in response.text.lower()
        shows_contacts = any(part in url for part in SHOWS_CONTACTS)
        if role != "owner" and not (record == "workspace" and want < 300 and shows_contacts):
            assert not leaked, f"the canary reached {role} through {method} {url}"
