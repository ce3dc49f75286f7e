"""Canary entries for relationship strength (B's scores never count A's private records)
and the workspace settings (B, a plain member, reads them and changes none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.errors import PermissionDenied
from goodwill.services import strength, workspace_settings


def _contact_strength(b: Any, uow: Any, c: Any) -> list[Any]:
    c.hidden(c.contact_refs, lambda r: strength.contact_strength(b, uow, r))
    # The shared person has A's private lunch and A's workspace sync: B counts the sync only.
    return [
        c.ok(strength.contact_strength, c.p.shared, expect=lambda r: r.touches == 1),
    ]


def _strongest(b: Any, uow: Any, c: Any) -> list[Any]:
    hidden = {c.p.contact, c.p.trashed}
    return [
        c.ok(strength.strongest, limit=1000,
             expect=lambda r: not hidden & {v.contact.id for v in r}
             and all(v.touches <= 1 for v in r if v.contact.id == c.p.shared)),
        c.ok(strength.strongest, limit=1000, cooling=True,
             expect=lambda r: not hidden & {v.contact.id for v in r}),
    ]  # fmt: skip


STRENGTH_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "strength.contact_strength": _contact_strength,
    "strength.strongest": _strongest,
    "strength.strength_settings": lambda b, uow, c: [c.ok(strength.strength_settings)],
    "strength.set_strength_setting": lambda b, uow, c: [
        c.fails(PermissionDenied, strength.set_strength_setting, "half_life_days", "30"),
    ],
    "strength.set_strength_settings": lambda b, uow, c: [
        c.fails(PermissionDenied, strength.set_strength_settings, {"weight.recency": "0.3"}),
    ],
    # Workspace settings: every member reads the defaults; only admins change them.
    "workspace_settings.cadence_defaults": lambda b, uow, c: [
        c.ok(
            workspace_settings.cadence_defaults,
            expect=lambda r: set(r) == {"inner", "network", "wider"},
        ),
    ],  # fmt: skip
    "workspace_settings.set_cadence_default": lambda b, uow, c: [
        c.fails(PermissionDenied, workspace_settings.set_cadence_default, "inner", 45),
    ],
}
