"""`goodwill config cadence [TIER DAYS]`: the workspace's default cadence per tier."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import state
from goodwill.services import workspace_settings


def config_cadence(
    ctx: typer.Context,
    tier: Annotated[
        str | None, typer.Argument(help="inner, network or wider (or A, B, C).")
    ] = None,
    days: Annotated[
        str | None, typer.Argument(help="Its new default: days, or 30d, 6w, 3m, 1y.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the default keep-in-touch cadence of each tier, or change one (owners and
    admins): contacts of that tier still on the old default follow; chosen cadences stay."""
    st = state(ctx)
    if tier is None:
        cadences = workspace_settings.cadence_defaults(st.actor, st.uow)
        if as_json:
            render.emit_json(cadences)
        else:
            render.table("Default cadence per tier", ["tier", "every"],
                         [[name, f"{n} days"] for name, n in cadences.items()])  # fmt: skip
        return
    if days is None:
        raise typer.BadParameter("give the tier a cadence, e.g. inner 45 or network 6w")
    moved = workspace_settings.set_cadence_default(st.actor, st.uow, tier, days)
    cadences = workspace_settings.cadence_defaults(st.actor, st.uow)
    if as_json:
        render.emit_json({"cadences": cadences, "moved": moved})
    else:
        render.table("Default cadence per tier", ["tier", "every"],
                     [[name, f"{n} days"] for name, n in cadences.items()])  # fmt: skip
        render.ok(f"{moved} contact{'s' if moved != 1 else ''} on the old default moved")
