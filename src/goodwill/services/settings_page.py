"""The Settings screen: the user's own settings (addresses, time zone, tokens) and the
workspace's (cadence defaults, strength weights, members and invitations).

Every member reads the workspace settings and the member list; changing them, and
seeing the invitations, is for owners and admins (the services they call refuse the
rest). Each section is also readable alone, for the page to re-render after a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from goodwill.domain.strength import CLASSES, COMPONENTS
from goodwill.services import accounts, auth, members, sessions, strength, workspace_settings
from goodwill.services.actor import Actor
from goodwill.services.auth import TokenView
from goodwill.services.members import InvitationView
from goodwill.services.sessions import WorkspaceChoice
from goodwill.services.views import MemberView, SettingsView
from goodwill.storage.schema import User
from goodwill.storage.unit_of_work import UnitOfWork

# The strength settings the page edits: the weights of the components and channels.
WEIGHT_NAMES = (*(f"weight.{c}" for c in COMPONENTS), *(f"channel.{c}" for c in CLASSES))


@dataclass(frozen=True)
class SettingsPage:
    settings: SettingsView
    my_emails: list[str]
    role: str
    is_admin: bool
    cadences: dict[str, int]  # days per tier name
    weights: dict[str, float]  # WEIGHT_NAMES -> value
    tokens: list[TokenView]
    members: list[MemberView]
    invitations: list[InvitationView] | None  # None: not an admin
    workspaces: list[WorkspaceChoice]  # the user's workspaces, the current one marked


@cache
def timezones() -> list[str]:
    """The IANA zone names a user may choose, sorted (no posix/ or right/ aliases)."""
    return sorted(z for z in available_timezones() if not z.startswith(("posix/", "right/")))


def my_emails(actor: Actor, uow: UnitOfWork) -> list[str]:
    """The addresses the user sends from besides their login (accounts.set_my_emails)."""
    with uow.read() as session:
        return list(session.get_one(User, actor.user_id).my_emails or [])


def weights(actor: Actor, uow: UnitOfWork) -> dict[str, float]:
    """The workspace's strength weights (a part of strength.strength_settings)."""
    flat = strength.strength_settings(actor, uow)
    return {name: flat[name] for name in WEIGHT_NAMES if name in flat}


def invitations(actor: Actor, uow: UnitOfWork) -> list[InvitationView] | None:
    """The workspace's invitations for an admin; None for a member (not theirs to see)."""
    return members.list_invitations(actor, uow) if actor.is_admin else None


def settings_page(actor: Actor, uow: UnitOfWork) -> SettingsPage:
    """Everything the Settings page shows."""
    return SettingsPage(
        settings=accounts.get_settings(actor, uow),
        my_emails=my_emails(actor, uow),
        role=actor.role,
        is_admin=actor.is_admin,
        cadences=workspace_settings.cadence_defaults(actor, uow),
        weights=weights(actor, uow),
        tokens=auth.list_tokens(actor, uow),
        members=accounts.list_members(actor, uow),
        invitations=invitations(actor, uow),
        workspaces=sessions.describe_session(actor, uow).workspaces,
    )
