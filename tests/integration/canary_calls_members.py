"""Canary entries for workspace members: teammate B (a plain member) may not invite,
list or revoke invitations, change roles or remove anyone; the refusal names nothing
of A's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.errors import PermissionDenied
from goodwill.services import departures, members


def _revoke(b: Any, uow: Any, c: Any) -> list[Any]:
    view, _ = members.invite(c.a, uow, email="invited@team.example")
    return [c.fails(PermissionDenied, members.revoke_invitation, view.id)]


def _remove(b: Any, uow: Any, c: Any) -> list[Any]:
    def remove_a(actor: Any, uow_: Any, email: str) -> Any:
        return members.remove_member(actor, uow_, email, transfer_to=b.email)

    return [c.fails(PermissionDenied, remove_a, c.a.email)]


MEMBER_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "members.invite": lambda b, uow, c: [c.fails(PermissionDenied, members.invite)],
    "members.list_invitations": lambda b, uow, c: [
        c.fails(PermissionDenied, members.list_invitations)
    ],
    "members.revoke_invitation": _revoke,
    "members.change_role": lambda b, uow, c: [
        c.fails(PermissionDenied, members.change_role, c.a.email, "member"),
        c.fails(PermissionDenied, members.change_role, b.email, "owner"),
    ],
    "members.remove_member": _remove,
}


def _export(b: Any, uow: Any, c: Any) -> list[Any]:
    # B's own export: B's private records only, none of A's (private or shared).
    return [c.ok(departures.export_my_records, expect=lambda r: b"bea's note" in r)]


MEMBER_CALLS.update(
    {
        "departures.export_my_records": _export,
        "departures.list_removed_members": lambda b, uow, c: [
            c.fails(PermissionDenied, departures.list_removed_members)
        ],
    }
)
