"""Workspace settings: the default keep-in-touch cadence of each tier.

(The relationship-strength settings are in services/strength.py.)
"""

from __future__ import annotations

from sqlalchemy import update

from goodwill.domain.people import (
    Tier,
    check_cadence_days,
    default_cadences,
    parse_cadence,
    parse_cadence_defaults,
    parse_tier,
    stored_cadence_defaults,
)
from goodwill.errors import PermissionDenied, ValidationFailed
from goodwill.services import _common as common
from goodwill.services.actor import Actor, utcnow
from goodwill.storage.schema import Contact, Workspace
from goodwill.storage.unit_of_work import UnitOfWork


def cadence_defaults(actor: Actor, uow: UnitOfWork) -> dict[str, int]:
    """The workspace's default cadence in days per tier, by tier name (inner, network,
    wider): what a contact gets with a tier unless a cadence is chosen for it."""
    with uow.read() as session:
        return _by_name(common.cadence_defaults_for(session, actor))


def set_cadence_default(actor: Actor, uow: UnitOfWork, tier: str, days: int | str) -> int:
    """Change a tier's default cadence (owners and admins); `days` is a number of days or
    a cadence like 6w or 3m. Every contact of the workspace in that tier whose cadence was
    the old default moves to the new one, in the same transaction; a cadence chosen for a
    contact stays. Returns how many contacts moved."""
    parsed = parse_tier(tier)
    if parsed is None:
        raise ValidationFailed("tier", "name a tier: inner, network or wider (or A, B, C)")
    new = parse_cadence(days, "days") if isinstance(days, str) else check_cadence_days(days)
    if not actor.is_admin:
        raise PermissionDenied("only a workspace owner or admin may change default cadences")
    with uow.write() as session:
        # FOR UPDATE on PostgreSQL: waits for contacts being given the old default (they
        # hold the row in KEY SHARE, see cadence_defaults_for) and makes them wait for this.
        workspace = session.get_one(Workspace, actor.workspace_id, with_for_update=True)
        defaults = parse_cadence_defaults(workspace.cadence_defaults)
        stale = default_cadences(parsed, defaults) - {new}
        defaults[parsed] = new
        workspace.cadence_defaults = stored_cadence_defaults(defaults)
        if not stale:
            return 0
        moved = session.execute(
            update(Contact)
            .where(
                Contact.workspace_id == actor.workspace_id,
                Contact.tier == parsed.value,
                Contact.cadence_days.in_(sorted(stale)),
            )
            .values(cadence_days=new, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(getattr(moved, "rowcount", 0) or 0)


def _by_name(defaults: dict[Tier, int]) -> dict[str, int]:
    return {tier.label: days for tier, days in defaults.items()}
