"""`goodwill strength [CONTACT] [--top N | --cooling]` and `goodwill config strength`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.services import strength as strength_service
from goodwill.services.strength import StrengthView

TREND = {
    "rising": "[green]↗ rising[/green]", "stable": "→ stable", "cooling": "[red]↘ cooling[/red]",
}  # fmt: skip
BAR = 16


def _bar(points: float, scale: float = 100.0) -> str:
    filled = round(BAR * max(0.0, points) / scale)
    return "█" * filled + "·" * (BAR - filled)


def _explain(view: StrengthView) -> None:
    console.print(
        f"[bold]{escape(view.contact.label)}[/bold] — strength [bold]{view.score}[/bold]/100 "
        f"{TREND[view.trend]} (90 days ago: {view.score_90_days_ago:.0f})"
    )
    grid = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for column in ("component", "points", "", "why"):
        grid.add_column(column, overflow="fold", no_wrap=column == "")
    for name, points in view.parts.items():
        grid.add_row(name, f"{points:5.1f}", _bar(points, 35.0), escape(view.reasons[name]))
    console.print(grid)
    console.print(
        f"{view.touches} touches ({view.started_by_them} started by them), "
        f"last {render.when(view.last_touch)}; you gave {view.given}, received {view.received}",
        markup=False,
    )


def strength_command(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Argument(help="A contact: id, email or name.")] = None,
    top: Annotated[int, typer.Option("--top", help="How many to list.")] = 20,
    cooling: Annotated[
        bool, typer.Option("--cooling", help="Those that lost the most over 90 days.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Each component's contribution (with CONTACT).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Relationship strength: one contact explained, or the strongest / cooling ones."""
    st = state(ctx)
    if contact is not None:
        view = strength_service.contact_strength(st.actor, st.uow, contact)
        if as_json:
            render.emit_json(view)
        else:
            _explain(view)  # the explanation is the point of asking about one person
        return
    del explain
    views = strength_service.strongest(st.actor, st.uow, limit=top, cooling=cooling)
    if as_json:
        render.emit_json(views)
        return
    title = "Cooling over 90 days" if cooling else "Strongest relationships"
    grid = Table(title=title, title_justify="left")
    for column in ("#", "contact", "score", "", "trend", "90 days ago", "last touch"):
        grid.add_column(column, overflow="fold", no_wrap=column == "")
    for view in views:
        grid.add_row(
            str(view.contact.id), escape(view.contact.label), str(view.score),
            _bar(view.exact), TREND[view.trend], f"{view.score_90_days_ago:.0f}",
            render.when(view.last_touch),
        )  # fmt: skip
    console.print(grid)
    if not views:
        console.print("nobody yet: log a touch with `goodwill log`")


def config_strength(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="A setting, e.g. half_life_days.")] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the relationship-strength settings, or change one (owners and admins)."""
    st = state(ctx)
    if key is None:
        settings = strength_service.strength_settings(st.actor, st.uow)
    elif value is None:
        raise typer.BadParameter("give the setting a value, e.g. half_life_days 120")
    else:
        settings = strength_service.set_strength_setting(st.actor, st.uow, key, value)
    if as_json:
        render.emit_json(settings)
    else:
        render.table("Relationship strength settings", ["setting", "value"],
                     [[k, f"{v:g}"] for k, v in settings.items()])  # fmt: skip
