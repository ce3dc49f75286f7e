"""Rich tables and JSON output for the plain values services return."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from goodwill.cli.state import console
from goodwill.services.views import to_jsonable


def emit_json(value: Any) -> None:
    """Plain JSON on stdout, never wrapped or coloured, for scripts."""
    typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*("" if cell is None else escape(str(cell)) for cell in row))
    console.print(grid)


def fields(pairs: Sequence[tuple[str, Any]]) -> None:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in pairs:
        if value not in (None, "", [], {}):
            grid.add_row(key, escape(str(value)))
    console.print(grid)


def ok(message: str) -> None:
    console.print(f"[green]✓[/green] {escape(message)}")
