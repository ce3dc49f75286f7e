"""/api/v1/workspace/... and /api/v1/invitations/accept."""

from __future__ import annotations

from goodwill.services import auth


def test_invite_accept_once_and_remove(as_owner, anon, uow, owner, teammate):
    made = as_owner.post("/api/v1/workspace/invitations", json={"role": "admin"})
    assert made.status_code == 201
    token = made.json()["token"]
    assert made.json()["link"].endswith(f"/api/v1/invitations/accept?token={token}")
    joined = anon.post("/api/v1/invitations/accept",
                       json={"token": token, "email": "dan@team.example", "name": "Dan",
                             "password": "a long password"})  # fmt: skip
    assert joined.status_code == 200 and joined.json()["role"] == "admin"
    again = anon.post("/api/v1/invitations/accept",
                      json={"token": token, "email": "eve@team.example",
                            "password": "a long password"})  # fmt: skip
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    _, raw = auth.create_token(teammate, uow, "phone", "api")
    removed = as_owner.post(
        "/api/v1/workspace/members/remove",
        json={"email": teammate.email, "transfer_to": "dan@team.example"},
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["tokens_revoked"] >= 1
    gone = anon.get("/api/v1/workspace/members", headers={"Authorization": f"Bearer {raw}"})
    assert gone.status_code == 401
    emails = [m["email"] for m in as_owner.get("/api/v1/workspace/members").json()]
    assert teammate.email not in emails and "dan@team.example" in emails


def test_last_owner_and_bad_input(as_owner, owner):
    demote = as_owner.post("/api/v1/workspace/members/role",
                           json={"email": owner.email, "role": "member"})  # fmt: skip
    assert demote.status_code == 409
    assert as_owner.post("/api/v1/workspace/invitations",
                         json={"email": "a\x00b@x.example"}).status_code == 422  # fmt: skip
    assert as_owner.post("/api/v1/workspace/invitations", json={"days": 999}).status_code == 422
    too_long = as_owner.post("/api/v1/invitations/accept", json={"token": "x" * 500})
    assert too_long.status_code == 422
    unknown = as_owner.post("/api/v1/invitations/accept", json={"token": "gwi_unknown"})
    assert unknown.status_code == 404
    settings = as_owner.patch("/api/v1/workspace/settings",
                              json={"default_visibility": "workspace"})  # fmt: skip
    assert settings.json()["default_visibility"] == "workspace"
