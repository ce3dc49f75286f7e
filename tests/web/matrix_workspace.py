"""Authorization-matrix rows for /api/v1/workspace/... and /api/v1/invitations/accept
(see test_authorization_matrix.py for the shape of a row).

The owner is A's workspace owner, the teammate a plain member, the outsider the owner
of another workspace: admin actions aimed at A's members are 403 for the teammate and
404 for the outsider (no such member in their workspace); on their own workspace the
outsider may do what an owner does. The record kind does not change these routes.
"""

from __future__ import annotations

from uuid import uuid4

from goodwill.services import accounts, members

ROLES = ("owner", "teammate", "outsider")


def _each(owner, teammate, outsider):
    cells = {}
    for role, status in zip(ROLES, (owner, teammate, outsider), strict=True):
        cells[(role, "private")] = cells[(role, "workspace")] = status
    return cells


def _plant_member(owner, uow, canary, record, planted):
    email = f"m{uuid4().hex[:8]}@team.example"
    accounts.add_member(owner, uow, email, "Planted Member")
    return {"member": email}


def _plant_invitation(owner, uow, canary, record, planted):
    view, raw = members.invite(owner, uow)
    return {"invitation": view.id, "invite_token": raw}


ROWS = {
    ("GET", "/api/v1/workspace/members"): (
        lambda r: ("GET", "/api/v1/workspace/members", None),
        _each(200, 200, 200),
    ),
    ("GET", "/api/v1/workspace/members/removed"): (
        lambda r: ("GET", "/api/v1/workspace/members/removed", None),
        _each(200, 403, 200),
    ),
    ("POST", "/api/v1/workspace/members/role"): (
        lambda r: (
            "POST",
            "/api/v1/workspace/members/role",
            {"email": r["member"], "role": "admin"},
        ),
        _each(200, 403, 404),
        _plant_member,
    ),  # fmt: skip
    ("POST", "/api/v1/workspace/members/remove"): (
        lambda r: (
            "POST",
            "/api/v1/workspace/members/remove",
            {"email": r["member"], "transfer_to": "me@localhost"},
        ),
        _each(200, 403, 404),
        _plant_member,
    ),  # fmt: skip
    ("GET", "/api/v1/workspace/invitations"): (
        lambda r: ("GET", "/api/v1/workspace/invitations", None),
        _each(200, 403, 200),
    ),
    ("POST", "/api/v1/workspace/invitations"): (
        lambda r: ("POST", "/api/v1/workspace/invitations", {"role": "member"}),
        _each(201, 403, 201),
    ),
    ("DELETE", "/api/v1/workspace/invitations/{invitation_id}"): (
        lambda r: ("DELETE", f"/api/v1/workspace/invitations/{r['invitation']}", None),
        _each(200, 403, 404),
        _plant_invitation,
    ),
    ("PATCH", "/api/v1/workspace/settings"): (
        lambda r: ("PATCH", "/api/v1/workspace/settings", {"default_visibility": "private"}),
        _each(200, 403, 200),
    ),
    # Already members of A's workspace: 409; the outsider joins it with the link.
    ("POST", "/api/v1/invitations/accept"): (
        lambda r: ("POST", "/api/v1/invitations/accept", {"token": r["invite_token"]}),
        _each(409, 409, 200),
        _plant_invitation,
    ),
}
