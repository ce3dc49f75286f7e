"""What every web page shares: login required, CSRF on every write, the cookie's flags,
no open redirect, HTML errors (the API keeps problem+json), and templates the
Content-Security-Policy can serve (no inline script, style or event handler)."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient

from goodwill.services import auth

PASSWORD = "a long page password"


@pytest.fixture
def browser(app):
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _sign_up(client, email="page@core.example"):
    response = client.post("/signup", data={"email": email, "password": PASSWORD, "name": "P"})
    assert response.status_code == 303, response.text
    return response


def _csrf(client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


def test_a_page_without_a_session_goes_to_login_and_comes_back(browser):
    response = browser.get("/contacts?tier=inner")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/contacts%3Ftier%3Dinner"
    htmx = browser.get("/contacts", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/login")
    _sign_up(browser)
    login = browser.post("/login", data={"email": "page@core.example", "password": PASSWORD,
                                         "next": "/contacts?tier=inner"})  # fmt: skip
    assert login.status_code == 303 and login.headers["location"] == "/contacts?tier=inner"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "evil", ""])
def test_login_never_redirects_off_this_server(browser, target):
    _sign_up(browser)
    login = browser.post("/login", data={"email": "page@core.example", "password": PASSWORD,
                                         "next": target})  # fmt: skip
    assert login.status_code == 303 and login.headers["location"] == "/"


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(app):
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        cookie = _sign_up(client).headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_every_write_needs_the_session_csrf_token(browser):
    _sign_up(browser)
    token = _csrf(browser)
    assert browser.post("/demo").status_code == 403  # no token at all
    assert browser.post("/demo", data={"csrf_token": "forged"}).status_code == 403
    refused = browser.post("/demo", headers={auth.CSRF_HEADER: "forged"})
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    foreign = browser.post("/demo", data={"csrf_token": token},
                           headers={"Origin": "https://evil.example"})  # fmt: skip
    assert foreign.status_code == 403
    assert browser.post("/demo", data={"csrf_token": token}).status_code == 303  # the form
    again = browser.post("/demo", headers={auth.CSRF_HEADER: token, "HX-Request": "true"})
    assert again.status_code == 409  # htmx's header is accepted; the demo refuses a 2nd load
    assert again.headers["HX-Retarget"] == "#flash"  # the error goes to the flash area
    assert "already holds contacts" in again.text


def test_errors_are_pages_and_the_api_keeps_problem_json(browser):
    page = browser.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = browser.get("/api/v1/no-such-route")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_a_page_carries_the_security_headers(browser):
    _sign_up(browser)
    response = browser.get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert 'src="/static/htmx.min.js"' in response.text  # vendored, never a CDN
    assert "https://" not in re.sub(r'xmlns="[^"]+"', "", response.text)


TEMPLATES = sorted((files("goodwill.web") / "templates").iterdir(), key=lambda p: p.name)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_nothing_the_csp_would_refuse(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "<style> block"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "hx-on" not in text  # htmx's inline handlers need eval
