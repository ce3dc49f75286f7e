"""Accepting an invitation link in the browser (pages/join.py): a new account joins and
lands in the workspace; a logged-in user joins and the session moves there; a used,
unknown or foreign-address link is refused on the page, and nothing is half-done."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from goodwill.services import members

PASSWORD = "a long joining password"


@pytest.fixture
def browser(app):
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _link(owner, uow, **kwargs) -> str:
    _, raw = members.invite(owner, uow, **kwargs)
    return raw


def test_a_new_account_joins_from_the_link_and_lands_in_the_workspace(browser, owner, uow):
    token = _link(owner, uow, role="admin")
    page = browser.get(f"/join?token={token}")
    assert page.status_code == 200 and "invited as <strong>admin</strong>" in page.text
    joined = browser.post("/join", data={"token": token, "email": "nia@join.example",
                                         "name": "Nia", "password": PASSWORD})  # fmt: skip
    assert joined.status_code == 303 and joined.headers["location"] == "/"
    session = browser.get("/api/v1/auth/session").json()
    assert (session["workspace_id"], session["role"]) == (owner.workspace_id, "admin")
    browser.cookies.clear()  # someone else, with the same link
    again = browser.post("/join", data={"token": token, "email": "zed@join.example",
                                        "password": PASSWORD})  # fmt: skip
    assert again.status_code == 400 and "was accepted" in again.text
    assert "was accepted" in browser.get(f"/join?token={token}").text


def test_a_logged_in_user_joins_as_themselves_and_the_session_moves(app, owner, uow, outsider):
    token = _link(owner, uow)
    with TestClient(app, follow_redirects=False) as client:
        login = {"email": outsider.email, "password": "outsider password"}
        assert client.post("/login", data=login).status_code == 303
        own = client.get("/api/v1/auth/session").json()["workspace_id"]
        page = client.get(f"/join?token={token}")
        assert f"Join as {outsider.email}" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert client.post("/join", data={"token": token}).status_code == 403  # no CSRF
        joined = client.post("/join", data={"token": token, "csrf_token": csrf})
        assert joined.status_code == 303, joined.text[-800:]
        session = client.get("/api/v1/auth/session").json()
        assert session["workspace_id"] == owner.workspace_id != own
        assert {w["id"] for w in session["workspaces"]} == {own, owner.workspace_id}


def test_an_unknown_or_foreign_link_is_refused_and_creates_no_account(browser, owner, uow):
    assert browser.get("/join?token=gwi_nope").status_code == 404
    token = _link(owner, uow, email="only@join.example")
    refused = browser.post("/join", data={"token": token, "email": "other@join.example",
                                          "password": PASSWORD})  # fmt: skip
    assert refused.status_code == 400 and "another email address" in refused.text
    login = browser.post("/login", data={"email": "other@join.example", "password": PASSWORD})
    assert login.status_code == 400  # the refused join left no account behind
    assert browser.post("/join", data={"token": token}, headers={
        "Origin": "https://evil.example"}).status_code == 403  # fmt: skip


def test_settings_lists_the_workspaces_and_switches_between_them(app, owner, uow, outsider):
    token = _link(owner, uow)
    with TestClient(app, follow_redirects=False) as client:
        client.post("/login", data={"email": outsider.email, "password": "outsider password"})
        page = client.get(f"/join?token={token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert client.post("/join", data={"token": token, "csrf_token": csrf}).status_code == 303
        settings = client.get("/settings").text
        assert f'name="workspace_id" value="{outsider.workspace_id}"' in settings
        assert f'name="workspace_id" value="{owner.workspace_id}"' not in settings  # current
        home = {"workspace_id": outsider.workspace_id, "csrf_token": csrf}
        back = client.post("/settings/workspace", data=home)
        assert back.status_code == 303
        assert client.get("/api/v1/auth/session").json()["workspace_id"] == outsider.workspace_id
        stranger = client.post("/settings/workspace",
                               data={"workspace_id": 999_999, "csrf_token": csrf})  # fmt: skip
        assert stranger.status_code == 404
        unsigned = client.post("/settings/workspace", data={"workspace_id": owner.workspace_id})
        assert unsigned.status_code == 403  # no CSRF token
