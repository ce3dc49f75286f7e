"""/api/v1/workspace/cadences and /api/v1/workspace/strength: the workspace's default
keep-in-touch cadence per tier and its relationship-strength settings. Every member
reads them; owners and admins change them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field

from goodwill.services import strength, workspace_settings
from goodwill.web.api.deps import ActorDep, UowDep
from goodwill.web.api.models import Body, Tiny

router = APIRouter(prefix="/api/v1/workspace", tags=["workspace"])
SettingValue = Annotated[str, Field(max_length=40)] | Annotated[float, Field(strict=True)]


class CadenceDefault(Body):
    # Range-checked by the service, so a bad value is a 422 naming `days` like any other.
    days: Annotated[int, Field(strict=True)]


class StrengthChanges(Body):
    settings: dict[Tiny, SettingValue] = Field(max_length=100)


@router.get("/cadences")
def get_cadences(actor: ActorDep, uow: UowDep) -> dict[str, int]:
    """The default keep-in-touch cadence in days per tier (inner, network, wider)."""
    return workspace_settings.cadence_defaults(actor, uow)


@router.put("/cadences/{tier}")
def set_cadence(
    tier: Annotated[str, Path(max_length=20)], body: CadenceDefault, actor: ActorDep, uow: UowDep
) -> dict[str, Any]:
    """Change a tier's default cadence (owners and admins; tier by name or letter).
    Contacts of that tier on the old default follow, in the same transaction; cadences
    chosen for a contact stay. `moved` counts the contacts that followed."""
    moved = workspace_settings.set_cadence_default(actor, uow, tier, body.days)
    return {"cadences": workspace_settings.cadence_defaults(actor, uow), "moved": moved}


@router.get("/strength")
def get_strength(actor: ActorDep, uow: UowDep) -> dict[str, float]:
    """The relationship-strength settings, flattened (half_life_days, weight.recency,
    channel.email…)."""
    return strength.strength_settings(actor, uow)


@router.patch("/strength")
def update_strength(body: StrengthChanges, actor: ActorDep, uow: UowDep) -> dict[str, float]:
    """Change several strength settings in one transaction (owners and admins), e.g.
    `{"settings": {"weight.recency": "0.3"}}`: all apply, or none if one is refused."""
    changes = {key: str(value) for key, value in body.settings.items()}
    return strength.set_strength_settings(actor, uow, changes)
