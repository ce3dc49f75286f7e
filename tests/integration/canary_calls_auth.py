"""Canary entries for tokens and passwords: A's token (named with the canary) is never
listed to B, and revoking it fails exactly like revoking a missing token.

A's token is written straight into the table: the canary spies on the function under
test and refuses any call of it as someone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.domain.auth import secret_hash
from goodwill.errors import PermissionDenied
from goodwill.services import auth, sessions
from goodwill.services.actor import utcnow
from goodwill.storage.schema import ApiToken, Membership, Workspace


def _a_token(c: Any) -> int:
    with c.uow.write() as session:
        row = ApiToken(
            user_id=c.a.user_id,
            workspace_id=c.a.workspace_id,
            name=f"token {c.p.canary}",
            scope="api",
            token_hash=secret_hash(f"gw_{c.p.canary}"),
            prefix="gw_secret",
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return row.id


def _create(b: Any, uow: Any, c: Any) -> list[Any]:
    _a_token(c)
    return [c.ok(auth.create_token, "bea's phone", "dav", expect=lambda r: r[0].scope == "dav")]


def _list(b: Any, uow: Any, c: Any) -> list[Any]:
    _a_token(c)
    return [c.ok(auth.list_tokens, expect=lambda r: r == [])]


def _revoke(b: Any, uow: Any, c: Any) -> list[Any]:
    token = _a_token(c)
    c.hidden(c.ids(token), lambda r: auth.revoke_token(b, uow, r))
    return [c.ok(auth.list_tokens, expect=lambda r: r == [])]


def _change_password(b: Any, uow: Any, c: Any) -> list[Any]:
    # B has no password yet: no old password matches, and A's is never touched.
    return [c.fails(PermissionDenied, auth.change_password, "any old words", "a new password!")]


AUTH_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "auth.create_token": _create,
    "auth.list_tokens": _list,
    "auth.revoke_token": _revoke,
    "auth.change_password": _change_password,
}


def _a_second_workspace(c: Any) -> int:
    """A workspace of A's, named with the canary, that B is no member of."""
    with c.uow.write() as session:
        workspace = Workspace(name=f"ws {c.p.canary}", default_visibility="private",
                              created_at=utcnow())  # fmt: skip
        session.add(workspace)
        session.flush()
        session.add(Membership(workspace_id=workspace.id, user_id=c.a.user_id, role="owner"))
        return workspace.id


def _describe(b: Any, uow: Any, c: Any) -> list[Any]:
    _a_second_workspace(c)
    a_cookie = auth.start_session(uow, c.a).cookie
    return [
        c.ok(sessions.describe_session, expect=lambda r: [w.id for w in r.workspaces]
             == [b.workspace_id] and r.csrf_token is None),
        # A's cookie handed to B's call: B still sees only B, and no CSRF token of A's.
        c.ok(sessions.describe_session, a_cookie,
             expect=lambda r: r.email == b.email and r.csrf_token is None),
    ]  # fmt: skip


def _switch(b: Any, uow: Any, c: Any) -> list[Any]:
    theirs = _a_second_workspace(c)
    cookie = auth.start_session(uow, b).cookie
    c.hidden(c.ids(theirs), lambda r: sessions.switch_workspace(b, uow, cookie, r))
    return [
        c.ok(sessions.switch_workspace, cookie, b.workspace_id,
             expect=lambda r: r.workspace_id == b.workspace_id),
        c.fails(PermissionDenied, sessions.switch_workspace, None, theirs),
    ]  # fmt: skip


def _require_member(b: Any, uow: Any, c: Any) -> list[Any]:
    assert auth.require_member(b) == b
    return [b]


AUTH_CALLS.update(
    {
        "auth.require_member": _require_member,
        "sessions.describe_session": _describe,
        "sessions.switch_workspace": _switch,
    }
)
