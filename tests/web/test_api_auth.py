"""/api/v1/auth and /api/v1/tokens."""

from __future__ import annotations

PASSWORD = "correct horse battery"


def test_sign_up_log_in_and_out_with_a_session_cookie(anon, owner):
    account = {"email": "ann@example.com", "name": "Ann", "password": PASSWORD}
    assert anon.post("/api/v1/auth/signup", json=account).status_code == 201
    response = anon.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert anon.get("/api/v1/contacts").status_code == 200
    assert anon.post("/api/v1/auth/logout").status_code == 204
    anon.cookies.clear()
    assert anon.get("/api/v1/contacts").status_code == 401


def test_wrong_password_and_rate_limit(anon, owner):
    anon.post("/api/v1/auth/signup", json={"email": "ann@example.com", "password": PASSWORD})
    for _ in range(5):
        wrong = anon.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": "x"})
        assert wrong.status_code == 403
    limited = anon.post(
        "/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_short_password_is_422(anon, owner):
    response = anon.post(
        "/api/v1/auth/signup", json={"email": "a@example.com", "password": "short"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "password", "reason": "must be at least 10 characters"}
    ]


def test_tokens_are_shown_once_and_revocable(as_owner, anon):
    made = as_owner.post("/api/v1/tokens", json={"name": "script", "scope": "api"})
    assert made.status_code == 201
    raw = made.json()["token"]
    listed = as_owner.get("/api/v1/tokens").json()
    assert all("token" not in t for t in listed) and raw not in str(listed)
    headers = {"Authorization": f"Bearer {raw}"}
    assert anon.get("/api/v1/contacts", headers=headers).status_code == 200
    assert as_owner.delete(f"/api/v1/tokens/{made.json()['id']}").status_code == 200
    assert anon.get("/api/v1/contacts", headers=headers).status_code == 401


def test_a_dav_token_does_not_open_the_api(as_owner, anon):
    raw = as_owner.post("/api/v1/tokens", json={"name": "phone", "scope": "dav"}).json()["token"]
    assert (
        anon.get("/api/v1/contacts", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    )
