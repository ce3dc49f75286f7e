"""`goodwill knows A B` (who knows whom) and `goodwill path TARGET` (warm introductions)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.errors import ValidationFailed
from goodwill.services import network


def knows_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="A contact: id, email or name.")],
    b: Annotated[str | None, typer.Argument(help="The contact they know.")] = None,
    strength: Annotated[
        float | None, typer.Option("--strength", help="How well they know each other, 0–1.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="How they know each other.")] = None,
    visibility: Annotated[
        str | None, typer.Option("--visibility", help="private or workspace.")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List everyone A knows, and why.")] = False,
    forget: Annotated[
        bool, typer.Option("--forget", help="Remove the relation you recorded.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Record that two contacts know each other (or --list, --forget)."""
    st = state(ctx)
    if list_:
        if b is not None:
            raise ValidationFailed("knows", "--list takes one contact")
        views = network.list_knows(st.actor, st.uow, a)
        if as_json:
            render.emit_json(views)
            return
        render.table(
            f"Who {views[0].contact.label} knows" if views else "Knows nobody yet",
            ["#", "contact", "strength", "why", "note"],
            [
                [v.other.id, v.other.label, f"{v.strength:.2f}", "; ".join(v.reasons), v.note]
                for v in views
            ],
        )
        return
    if b is None:
        raise ValidationFailed("knows", "name two contacts: goodwill knows A B")
    if forget:
        network.forget_knows(st.actor, st.uow, a, b)
        render.ok(f"forgotten: {a} knows {b}")
        return
    view = network.record_knows(
        st.actor, st.uow, a, b, strength=strength, note=note, visibility=visibility
    )
    if as_json:
        render.emit_json(view)
        return
    render.ok(f"{view.contact.label} knows {view.other.label} (strength {view.strength:.2f})")


def path_command(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A contact (id, email, name) or organization.")],
    limit: Annotated[int, typer.Option("--limit", help="How many routes.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Warm-introduction routes to someone, up to 3 hops, strongest first."""
    st = state(ctx)
    view = network.warm_paths(st.actor, st.uow, target, limit=limit)
    if as_json:
        render.emit_json(view)
        return
    kind = "people at " if view.target_kind == "organization" else ""
    if not view.paths:
        console.print(f"No warm route to {kind}{escape(view.target)} within 3 hops.")
        return
    console.print(f"[bold]Warm routes to {kind}{escape(view.target)}[/bold]")
    for n, path in enumerate(view.paths, 1):
        grid = Table(title=f"{n}. strength {path.strength:.3f}", title_justify="left", box=None)
        grid.add_column("hop", no_wrap=True)
        grid.add_column("edge", justify="right", no_wrap=True)
        grid.add_column("why", overflow="fold")
        grid.add_row("you", "", "")
        for hop in path.hops:
            grid.add_row(
                f"→ {escape(hop.node.label)}", f"{hop.strength:.2f}", escape(hop.explanation)
            )
        console.print(grid)
