"""Matrix rows for the invitation page (pages/join.py): the link is the credential, so
an unknown one answers the same to everybody and shows nothing."""

from __future__ import annotations

from tests.web.matrix_pages import _all

ROWS = {
    ("GET", "/join"): (lambda r: ("GET", f"/join?token=gwi_{r['canary']}", None), _all(404)),
    ("POST", "/join"): (
        lambda r: (
            "POST",
            "/join",
            {"token": "gwi_unknown", "email": "x@y.example", "password": "long enough pw"},
        ),
        _all(404),  # an unknown link: the same page as GET
    ),  # fmt: skip
}


def _switch(r):
    return ("POST", "/settings/workspace", {"workspace_id": r["workspace"]})


def _workspace(owner, uow, canary, record, planted):
    return {"workspace": owner.workspace_id}


# The owner's workspace: its members may switch to it; anyone else finds no such workspace.
ROWS[("POST", "/settings/workspace")] = (
    _switch,
    {(role, record): status
     for role, status in (("owner", 303), ("teammate", 303), ("outsider", 404))
     for record in ("private", "workspace")},
    _workspace,
)  # fmt: skip
