"""Matrix rows for the web pages (session cookies, forms: see test_authorization_matrix).

A page row's request is (method, url, form) and is sent by a client logged in with a
session cookie, carrying the session's CSRF token, without following redirects. Rows
for each area of pages live in tests/web/matrix_pages_*.py (found by name), as ROWS.
"""

from __future__ import annotations

from uuid import uuid4


def _all(status):
    return {(role, record): status for role in ("owner", "teammate", "outsider")
            for record in ("private", "workspace")}  # fmt: skip


def _by_role(owner, teammate, outsider):
    return {(role, record): status
            for role, status in (("owner", owner), ("teammate", teammate), ("outsider", outsider))
            for record in ("private", "workspace")}  # fmt: skip


ROWS = {
    ("GET", "/login"): (lambda r: ("GET", "/login", None), _all(200)),
    ("POST", "/login"): (
        lambda r: ("POST", "/login", {"email": "me@localhost", "password": "nope"}),
        _all(400),
    ),
    ("GET", "/signup"): (lambda r: ("GET", "/signup", None), _all(200)),
    ("POST", "/signup"): (
        lambda r: (
            "POST",
            "/signup",
            {"email": f"u{uuid4().hex[:8]}@new.example", "password": "long enough pw"},
        ),
        _all(303),
    ),  # fmt: skip
    ("POST", "/logout"): (lambda r: ("POST", "/logout", None), _all(303)),
    ("GET", "/"): (lambda r: ("GET", "/", None), _all(200)),
    # The owner's workspace holds contacts (the teammate's too: the same workspace); the
    # outsider's own workspace is empty, so the demo loads there.
    ("POST", "/demo"): (lambda r: ("POST", "/demo", None), _by_role(409, 409, 303)),
}
