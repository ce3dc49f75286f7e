"""A member removed from a workspace (their sessions there end with it) who signs in
again inside the 30-day export window: every page is their membership-ended page (403),
saying when it ended, with their export, their other workspaces to switch to, and a way
to sign out; nothing of the workspace is shown."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from goodwill.services import accounts, auth, members
from goodwill.services.actor import utcnow
from goodwill.web.api.deps import SESSION_COOKIE
from tests.factories import make_contact

PASSWORD = "carl's long password"
CARL = "carl@team.example"


@pytest.fixture
def canary():
    return f"CANARY-{uuid4().hex}"


@pytest.fixture
def carl_client(app, uow, owner, canary):
    """Carl joined the owner's workspace, shared a contact there and was removed (his
    sessions ended with it), then signed in again; the workspace keeps a shared contact
    named with the canary."""
    _, link = members.invite(owner, uow)
    members.accept_invitation(uow, link, email=CARL, name="Carl", password=PASSWORD)
    carl = auth.authenticate_session(uow, auth.log_in(uow, CARL, PASSWORD, "t").cookie)
    make_contact(carl, uow, name="Carls Shared Contact", visibility="workspace")
    make_contact(owner, uow, name=None, first_name=canary, last_name="Shared",
                 visibility="workspace")  # fmt: skip
    members.remove_member(owner, uow, CARL, transfer_to=owner.email)
    grant = auth.log_in(uow, CARL, PASSWORD, "t")
    client = TestClient(app, follow_redirects=False, headers={auth.CSRF_HEADER: grant.csrf_token})
    client.cookies.set(SESSION_COOKIE, grant.cookie)
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _assert_ended_page(response, canary: str) -> None:
    assert response.status_code == 403
    text = response.text
    assert "Your membership of My network ended" in text
    today = utcnow().strftime("%d %b %Y")
    assert f"You were removed from this workspace on {today}" in text
    assert 'href="/api/v1/me/export"' in text
    assert re.search(
        r'<form method="post" action="/logout">\s*<input type="hidden" '
        r'name="csrf_token" value="[^"]+">\s*<button type="submit">Sign out',
        text,
    )
    assert 'aria-label="Main"' not in text  # no way into the workspace's pages
    assert canary.lower() not in text.lower() and "Carls Shared Contact" not in text


def test_every_page_is_the_membership_ended_page(carl_client, canary):
    for url in ("/", "/contacts", f"/contacts?q={canary[:12]}", "/ledger", "/asks",
                "/settings"):  # fmt: skip
        _assert_ended_page(carl_client.get(url), canary)
    html = carl_client.get("/").text
    assert "You are not a member of any other workspace" in html
    assert 'action="/settings/workspace"' not in html


def test_a_write_is_refused_with_the_same_page_and_changes_nothing(carl_client, canary, owner,
                                                                   uow):  # fmt: skip
    _assert_ended_page(carl_client.post("/contacts", data={"name": "Sneaky Add"}), canary)
    assert carl_client.get("/api/v1/contacts").status_code == 403
    with TestClient(carl_client.app) as check:
        _, raw = auth.create_token(owner, uow, "check", "api")
        listed = check.get("/api/v1/contacts?q=sneaky", headers={"Authorization": f"Bearer {raw}"})
        assert listed.json()["items"] == []


def test_signing_in_again_inside_the_window_shows_it_too(app, carl_client, canary):
    with TestClient(app, follow_redirects=False) as fresh:
        login = fresh.post("/login", data={"email": CARL, "password": PASSWORD})
        assert login.status_code == 303 and login.headers["location"] == "/"
        _assert_ended_page(fresh.get("/"), canary)


def test_the_export_link_gives_their_private_records(carl_client):
    page = carl_client.get("/")
    export = carl_client.get(re.search(r'href="(/api/v1/me/export)"', page.text).group(1))
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    assert "Carls Shared Contact" not in export.text  # shared, so not theirs to take


def test_htmx_reloads_the_page_it_was_on(carl_client):
    response = carl_client.post("/contacts/bulk", data={"action": "tag"},
                                headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 403 and response.headers["HX-Refresh"] == "true"
    assert response.text == ""


def test_sign_out_from_the_page(carl_client):
    csrf = _csrf(carl_client.get("/").text)
    out = carl_client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert carl_client.get("/").status_code == 303  # to /login: the session is over


def test_switch_to_another_workspace_they_belong_to(carl_client, uow, owner, outsider, canary):
    accounts.add_member(outsider, uow, CARL, "Carl")
    page = carl_client.get("/")
    _assert_ended_page(page, canary)
    assert "Olga Outsider&#39;s network" in page.text
    assert f'name="workspace_id" value="{outsider.workspace_id}"' in page.text
    switched = carl_client.post(
        "/settings/workspace",
        data={"workspace_id": outsider.workspace_id, "csrf_token": _csrf(page.text)},
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/"
    today = carl_client.get("/")
    assert today.status_code == 200 and 'aria-label="Main"' in today.text
    assert carl_client.get("/api/v1/auth/session").json()["workspace_id"] == outsider.workspace_id
    # Back to the workspace that ended is refused like one that does not exist.
    refused = carl_client.post("/settings/workspace", data={"workspace_id": owner.workspace_id})
    assert refused.status_code == 404
