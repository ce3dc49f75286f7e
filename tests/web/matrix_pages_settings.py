"""Matrix rows for the Settings page (see test_authorization_matrix.py and matrix_pages.py
for the shape of a row). The teammate is a plain member: the workspace's settings,
members and invitations are not theirs to change (403); the outsider administers their
own workspace, where A's records do not exist (404)."""

from __future__ import annotations

from goodwill.services import members

ROLES = ("owner", "teammate", "outsider")


def _each(owner, teammate, outsider):
    cells = {}
    for role, status in zip(ROLES, (owner, teammate, outsider), strict=True):
        cells[(role, "private")] = cells[(role, "workspace")] = status
    return cells


def _invitation(owner, uow, canary, record, planted):
    view, _ = members.invite(owner, uow, role="member")
    return {"invitation": view.id}


ROWS = {
    ("GET", "/settings"): (lambda r: ("GET", "/settings", None), _each(200, 200, 200)),
    ("POST", "/settings/addresses"): (
        lambda r: ("POST", "/settings/addresses", {"addresses": "me.too@example.com"}),
        _each(303, 303, 303),
    ),
    ("POST", "/settings/timezone"): (
        lambda r: ("POST", "/settings/timezone", {"timezone": "Europe/Paris"}),
        _each(303, 303, 303),
    ),
    ("POST", "/settings/cadences/{tier}"): (
        lambda r: ("POST", "/settings/cadences/inner", {"days": "45"}),
        _each(303, 403, 303),
    ),
    ("POST", "/settings/weights"): (
        lambda r: ("POST", "/settings/weights", {"weight.recency": "0.3"}),
        _each(303, 403, 303),
    ),
    # A new token is shown once, in the answer: the page itself, not a redirect.
    ("POST", "/settings/tokens"): (
        lambda r: ("POST", "/settings/tokens", {"name": "laptop", "scope": "feed"}),
        _each(200, 200, 200),
    ),
    ("POST", "/settings/tokens/{token_id}/revoke"): (
        lambda r: ("POST", f"/settings/tokens/{r['token']}/revoke", None),
        _each(303, 404, 404),
    ),
    ("POST", "/settings/invitations"): (
        lambda r: ("POST", "/settings/invitations", {"role": "member", "days": "7"}),
        _each(200, 403, 200),
    ),
    ("POST", "/settings/invitations/{invitation_id}/revoke"): (
        lambda r: ("POST", f"/settings/invitations/{r['invitation']}/revoke", None),
        _each(303, 403, 404),
        _invitation,
    ),
    ("POST", "/settings/members/role"): (
        lambda r: (
            "POST",
            "/settings/members/role",
            {"email": "bea@team.example", "role": "admin"},
        ),
        _each(303, 403, 404),
    ),
    # The owner goes last: removing the teammate is the row's final request.
    ("POST", "/settings/members/remove"): (
        lambda r: (
            "POST",
            "/settings/members/remove",
            {"email": "bea@team.example", "transfer_to": "me@localhost"},
        ),
        _each(303, 403, 404),
    ),
}
