"""`goodwill export` and `goodwill restore`: a whole-database backup as one JSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import state
from goodwill.errors import ImportFailed, ValidationFailed
from goodwill.services import backup

FORMATS = ("json",)


def export_command(
    ctx: typer.Context,
    format: Annotated[
        str, typer.Option("--format", help=f"Backup format: {', '.join(FORMATS)}.")
    ] = "json",
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="File to write ('-' or none: standard output)."),
    ] = None,
) -> None:
    """Export everything you may see (the trash included) as one backup file."""
    if format.strip().lower() not in FORMATS:
        raise ValidationFailed(
            "--format", f"'{format[:40]}' is not supported; supported formats: {', '.join(FORMATS)}"
        )
    st = state(ctx)
    data = backup.export_backup(st.actor, st.uow)
    if out is None or out == "-":
        typer.echo(data, nl=False)
        return
    try:
        Path(out).expanduser().write_bytes(data)
    except OSError as exc:
        raise ValidationFailed("--out", f"cannot write {out}: {exc.strerror or exc}") from None
    render.ok(f"backup written to {out} ({len(data):,} bytes)")


def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup written by `goodwill export`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Load a backup into an empty database (ids kept; nothing written if anything is wrong)."""
    try:
        data = file.expanduser().read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{file.name}: cannot read the file ({exc.strerror or exc})") from None
    # No actor: restoring must not create the local owner first (the backup brings its own).
    summary = backup.restore_backup(state(ctx).uow, data, file.name)
    if as_json:
        render.emit_json(summary)
        return
    counts = ", ".join(f"{kind} {n:,}" for kind, n in vars(summary).items())
    render.ok(f"restored {counts}")
