"""Browser sessions over the API: the CSRF token and Origin check on cookie writes, the
workspace a session acts in (chosen at login, shown, switched), and tokens staying in
the workspace they were made in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from goodwill.services import auth, members
from tests.factories import make_contact

PASSWORD = "correct horse battery"
NEW_CONTACT = {"name": "Written By Cookie"}


def _signed_up(app, email: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    made = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})
    assert made.status_code == 201, made.text
    return client, made.json()["csrf_token"]


@pytest.fixture
def ann(app, owner, teammate):  # two users: Ann's sign-up does not claim the local owner
    client, csrf = _signed_up(app, "ann@example.com")
    with client:
        yield client, csrf


def test_cookie_write_without_the_csrf_token_is_403(ann):
    client, _ = ann
    response = client.post("/api/v1/contacts", json=NEW_CONTACT)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "X-CSRF-Token" in response.json()["detail"]
    assert client.get("/api/v1/contacts").status_code == 200  # reads need no token


def test_cookie_write_with_a_wrong_csrf_token_is_403(ann):
    client, csrf = ann
    response = client.post("/api/v1/contacts", json=NEW_CONTACT,
                           headers={"X-CSRF-Token": csrf[:-2] + "xx"})  # fmt: skip
    assert response.status_code == 403
    assert "does not match" in response.json()["detail"]
    assert client.get("/api/v1/contacts").json()["items"] == []


def test_cookie_write_with_the_sessions_csrf_token_passes(ann):
    client, csrf = ann
    response = client.post("/api/v1/contacts", json=NEW_CONTACT, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    assert client.get("/api/v1/auth/session").json()["csrf_token"] == csrf


def test_csrf_token_is_bound_to_its_own_session(app, ann):
    client, csrf = ann
    with TestClient(app) as other:
        login = other.post("/api/v1/auth/login",
                           json={"email": "ann@example.com", "password": PASSWORD})  # fmt: skip
        assert login.status_code == 200
        theirs = login.json()["csrf_token"]
        assert theirs != csrf
        wrong = other.post("/api/v1/contacts", json=NEW_CONTACT, headers={"X-CSRF-Token": csrf})
        assert wrong.status_code == 403
        right = other.post("/api/v1/contacts", json=NEW_CONTACT, headers={"X-CSRF-Token": theirs})
        assert right.status_code == 201


def test_bearer_requests_need_no_csrf_token_even_with_a_cookie(app, uow, ann):
    client, _ = ann
    me = client.get("/api/v1/auth/session").json()
    actor = auth.authenticate_session(uow, client.cookies["goodwill_session"])
    assert actor.user_id == me["user_id"]
    _, raw = auth.create_token(actor, uow, "script", "api")
    response = client.post("/api/v1/contacts", json=NEW_CONTACT,
                           headers={"Authorization": f"Bearer {raw}"})  # fmt: skip
    assert response.status_code == 201, response.text


def test_cross_origin_cookie_write_is_refused(ann):
    client, csrf = ann
    evil = {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    refused = client.post("/api/v1/contacts", json=NEW_CONTACT, headers=evil)
    assert refused.status_code == 403
    assert "cross-origin" in refused.json()["detail"]
    for origin in ("null", "http://testserver.evil.example", "http://testserver:8080"):
        headers = {"X-CSRF-Token": csrf, "Origin": origin}
        assert client.post("/api/v1/contacts", json=NEW_CONTACT, headers=headers).status_code == 403
    same = {"X-CSRF-Token": csrf, "Origin": "http://testserver"}
    assert client.post("/api/v1/contacts", json=NEW_CONTACT, headers=same).status_code == 201


def test_cross_origin_login_and_logout_are_refused(app, ann):
    client, _ = ann
    with TestClient(app) as other:
        login = other.post("/api/v1/auth/login",
                           json={"email": "ann@example.com", "password": PASSWORD},
                           headers={"Origin": "https://evil.example"})  # fmt: skip
        assert login.status_code == 403 and "goodwill_session" not in other.cookies
    logout = client.post("/api/v1/auth/logout", headers={"Origin": "https://evil.example"})
    assert logout.status_code == 403
    assert client.get("/api/v1/auth/session").status_code == 200


def test_login_shows_and_switches_the_workspace(app, uow, owner, ann):
    client, csrf = ann
    session = client.get("/api/v1/auth/session").json()
    own = session["workspace_id"]
    assert session["role"] == "owner" and session["via"] == "session"
    assert [w["id"] for w in session["workspaces"]] == [own]
    # Ann joins the owner's workspace; her session stays where it was.
    _, invite = members.invite(owner, uow, email="ann@example.com")
    joined = client.post("/api/v1/invitations/accept", json={"token": invite},
                         headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert joined.status_code == 200, joined.text
    shared = make_contact(owner, uow, name="Team Shared", visibility="workspace")
    listed = client.get("/api/v1/auth/session").json()["workspaces"]
    assert [(w["id"], w["role"], w["current"]) for w in listed] == [
        (own, "owner", True),
        (owner.workspace_id, "member", False),
    ]
    assert client.get(f"/api/v1/contacts/{shared.id}").status_code == 404
    switched = client.post("/api/v1/auth/workspace", json={"workspace_id": owner.workspace_id},
                           headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert switched.status_code == 200, switched.text
    assert switched.json()["workspace_id"] == owner.workspace_id
    assert switched.json()["role"] == "member" and switched.json()["csrf_token"] == csrf
    assert client.get(f"/api/v1/contacts/{shared.id}").status_code == 200
    # A new login without a workspace goes to the one used last.
    with TestClient(app) as again:
        login = again.post("/api/v1/auth/login",
                           json={"email": "ann@example.com", "password": PASSWORD})  # fmt: skip
        assert login.json()["workspace_id"] == owner.workspace_id
        chosen = again.post("/api/v1/auth/login",
                            json={"email": "ann@example.com", "password": PASSWORD,
                                  "workspace_id": own})  # fmt: skip
        assert chosen.json()["workspace_id"] == own and chosen.json()["role"] == "owner"
        assert again.get("/api/v1/auth/session").json()["workspace_id"] == own


def test_switching_to_a_workspace_you_are_not_in_is_404_like_a_missing_one(uow, ann):
    client, csrf = ann
    outsider = auth.sign_up(uow, "olga@else.example", "Olga", "outsider password")
    headers = {"X-CSRF-Token": csrf}
    theirs = client.post("/api/v1/auth/workspace", json={"workspace_id": outsider.workspace_id},
                         headers=headers)  # fmt: skip
    missing = client.post("/api/v1/auth/workspace", json={"workspace_id": 999_999},
                          headers=headers)  # fmt: skip
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"].replace(str(outsider.workspace_id), "N") == missing.json()[
        "detail"
    ].replace("999999", "N")
    assert client.post("/api/v1/auth/workspace", json={"workspace_id": outsider.workspace_id}
                       ).status_code == 403  # no CSRF token  # fmt: skip


def test_login_into_a_workspace_you_are_not_in_is_404(app, uow, ann):
    outsider = auth.sign_up(uow, "olga@else.example", "Olga", "outsider password")
    with TestClient(app) as other:
        login = other.post("/api/v1/auth/login",
                           json={"email": "ann@example.com", "password": PASSWORD,
                                 "workspace_id": outsider.workspace_id})  # fmt: skip
        assert login.status_code == 404
        assert "goodwill_session" not in other.cookies


def test_a_token_acts_in_the_workspace_it_was_made_in(app, uow, owner, ann):
    client, csrf = ann
    own = client.get("/api/v1/auth/session").json()["workspace_id"]
    _, invite = members.invite(owner, uow)
    client.post("/api/v1/invitations/accept", json={"token": invite},
                headers={"X-CSRF-Token": csrf})  # fmt: skip
    client.post("/api/v1/auth/workspace", json={"workspace_id": owner.workspace_id},
                headers={"X-CSRF-Token": csrf})  # fmt: skip
    made = client.post("/api/v1/tokens", json={"name": "team script", "scope": "api"},
                       headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert made.status_code == 201
    bearer = {"Authorization": f"Bearer {made.json()['token']}"}
    with TestClient(app, headers=bearer) as script:
        assert script.get("/api/v1/auth/session").json()["workspace_id"] == owner.workspace_id
        assert script.get("/api/v1/auth/session").json()["via"] == "token"
        stays = script.post("/api/v1/auth/workspace", json={"workspace_id": own})
        assert stays.status_code == 403 and "token" in stays.json()["detail"]
    # The session moves back; the token stays in the team's workspace.
    client.post("/api/v1/auth/workspace", json={"workspace_id": own},
                headers={"X-CSRF-Token": csrf})  # fmt: skip
    with TestClient(app, headers=bearer) as script:
        assert script.get("/api/v1/auth/session").json()["workspace_id"] == owner.workspace_id
