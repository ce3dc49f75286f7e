"""A removed member's 30-day export window: they may log in, export their own private
records (and nothing of anyone else's), every other route answers 403; the purge ends it."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from goodwill.services import auth, departures, members, notes
from goodwill.services.actor import utcnow
from goodwill.services.members import owned_tables
from goodwill.storage.schema import Contact, Membership
from tests.factories import make_contact
from tests.web.test_authorization_matrix import MATRIX, PAGES

PASSWORD = "carl's long password"
CARL = "carl@team.example"
# Routes a removed member may still use, or that need no login at all.
OPEN_TO_THE_REMOVED = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/static"),
    ("POST", "/api/v1/auth/signup"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/invitations/accept"),
    ("GET", "/api/v1/auth/session"),
    ("POST", "/api/v1/auth/workspace"),
    ("GET", "/api/v1/me/export"),
    # The web pages before a session: anyone may see them and use them.
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/signup"),
    ("POST", "/signup"),
    ("POST", "/logout"),
    # An invitation link is its own credential (a removed member may be invited back).
    ("GET", "/join"),
    ("POST", "/join"),
    # Their membership-ended page offers their other workspaces (none for Carl: 404).
    ("POST", "/settings/workspace"),
}


def _log_in(client: TestClient, **extra) -> dict:
    response = client.post("/api/v1/auth/login",
                           json={"email": CARL, "password": PASSWORD, **extra})  # fmt: skip
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response.json()


@pytest.fixture
def removed(app, uow, owner, teammate):
    """Carl joined the owner's workspace by link, wrote private and shared records, and
    was removed (his shared records went to the owner). The owner and the teammate
    keep a private record each, named with a canary."""
    canary = f"CANARY-{uuid4().hex}"
    _, link = members.invite(owner, uow)
    members.accept_invitation(uow, link, email=CARL, name="Carl", password=PASSWORD)
    carl = auth.authenticate_session(uow, auth.log_in(uow, CARL, PASSWORD, "t").cookie)
    mine = make_contact(carl, uow, name="Carls Private Friend", visibility="private")
    notes.add_note(carl, uow, "carl's private note", contact=mine.id, visibility="private")
    shared = make_contact(carl, uow, name="Carls Shared Contact", visibility="workspace")
    make_contact(owner, uow, name=None, first_name=canary, last_name="Owner",
                 visibility="private")  # fmt: skip
    make_contact(teammate, uow, name=None, first_name=canary, last_name="Mate",
                 visibility="private")  # fmt: skip
    members.remove_member(owner, uow, CARL, transfer_to=owner.email)
    return {"canary": canary, "mine": mine.id, "shared": shared.id}


@pytest.fixture
def carl_client(app, removed):
    with TestClient(app) as client:
        yield client


def test_removed_member_logs_in_to_an_export_only_session(carl_client, owner):
    login = _log_in(carl_client)
    assert login["workspace_id"] == owner.workspace_id and login["role"] == "removed"
    session = carl_client.get("/api/v1/auth/session").json()
    assert session["role"] == "removed" and session["workspaces"] == []
    assert session["export_until"] > session["removed_at"]


def test_removed_member_exports_their_private_records_only(carl_client, removed, owner):
    _log_in(carl_client)
    response = carl_client.get("/api/v1/me/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert removed["canary"].lower() not in response.text.lower()
    document = json.loads(response.text)
    assert [c["id"] for c in document["contacts"]] == [removed["mine"]]
    assert [n["body"] for n in document["notes"]] == ["carl's private note"]
    assert [u["email"] for u in document["users"]] == [CARL]
    assert owner.email not in response.text and "suppressions" not in document


def test_removed_member_gets_403_from_every_other_route(carl_client, uow, owner, removed):
    _log_in(carl_client)
    for key, row in sorted(MATRIX.items()):
        if key in OPEN_TO_THE_REMOVED:
            continue
        canary = f"CANARY-{uuid4().hex}"
        contact = make_contact(owner, uow, name=f"Owner Shared {canary}", visibility="workspace")
        token, _ = auth.create_token(owner, uow, f"token {canary}", "api")
        planted = {"id": contact.id, "token": token.id, "canary": canary}
        if len(row) > 2:
            planted.update(row[2](owner, uow, canary, "workspace", planted))
        method, url, body = row[0](planted)
        if key in PAGES:  # a page: a form, answered by a page saying why
            response = carl_client.request(method, url, data=body, follow_redirects=False)
            assert canary.lower() not in response.text.lower()
            assert response.status_code == 403, f"{method} {url}: {response.status_code}"
            assert "removed from this workspace" in response.text, f"{method} {url}"
            continue
        response = carl_client.request(method, url, json=body)
        assert canary.lower() not in response.text.lower()
        if url.startswith(("/dav", "/feeds", "/.well-known")):
            # DAV and the feed never take the session cookie, only a token of their scope
            # (and a removed member's tokens are refused): unauthenticated, whatever it is;
            # OPTIONS answers anyone, as DAV clients probe with it.
            allowed = (200,) if method == "OPTIONS" else (401, 404)
            assert response.status_code in allowed, f"{method} {url}: {response.status_code}"
            continue
        assert response.status_code == 403, f"{method} {url}: {response.text[:200]}"
        assert "removed from this workspace" in response.json()["detail"]


def test_admin_sees_the_removal_and_the_export(carl_client, as_owner, as_teammate):
    listed = as_owner.get("/api/v1/workspace/members/removed").json()
    assert [(m["email"], m["exported_at"]) for m in listed] == [(CARL, None)]
    assert CARL not in [m["email"] for m in as_owner.get("/api/v1/workspace/members").json()]
    assert as_teammate.get("/api/v1/workspace/members/removed").status_code == 403
    _log_in(carl_client)
    assert carl_client.get("/api/v1/me/export").status_code == 200
    listed = as_owner.get("/api/v1/workspace/members/removed").json()
    assert listed[0]["exported_at"] is not None
    assert listed[0]["purge_after"] > listed[0]["removed_at"]


def _backdate(uow, days: int) -> None:
    """Move the removal (and the trashing it did) `days` into the past."""
    then = utcnow() - timedelta(days=days)
    with uow.write() as session:
        session.execute(
            update(Membership).where(Membership.removed_at.is_not(None)).values(removed_at=then)
        )
        for table in owned_tables():
            if "deleted_at" in table.c:
                session.execute(
                    update(table).where(table.c.deleted_at.is_not(None)).values(deleted_at=then)
                )


def test_after_the_window_and_the_purge_nothing_is_left(carl_client, uow, as_owner, removed):
    _log_in(carl_client)
    assert carl_client.get("/api/v1/me/export").status_code == 200
    _backdate(uow, 31)
    # The window is over even before the purge: the session ends, a new login fails.
    assert carl_client.get("/api/v1/auth/session").status_code == 401
    assert departures.purge_removed_members(uow) >= 2
    login = carl_client.post("/api/v1/auth/login", json={"email": CARL, "password": PASSWORD})
    assert login.status_code == 403 and "not a member of any workspace" in login.json()["detail"]
    assert as_owner.get("/api/v1/workspace/members/removed").json() == []
    with uow.read() as session:
        assert session.get(Contact, removed["mine"]) is None
        assert session.get(Contact, removed["shared"]) is not None  # transferred, kept
        assert (
            session.scalars(select(Membership).where(Membership.removed_at.is_not(None))).all()
            == []
        )


def test_invited_back_inside_the_window_is_a_member_again(carl_client, uow, owner, as_owner):
    _log_in(carl_client)
    _, link = members.invite(owner, uow, email=CARL)
    back = carl_client.post("/api/v1/invitations/accept", json={"token": link})
    assert back.status_code == 200, back.text
    assert as_owner.get("/api/v1/workspace/members/removed").json() == []
    assert CARL in [m["email"] for m in as_owner.get("/api/v1/workspace/members").json()]
    _log_in(carl_client)
    assert carl_client.get("/api/v1/auth/session").json()["role"] == "member"
    assert carl_client.get("/api/v1/contacts").status_code == 200
