"""`goodwill export` and `goodwill restore`: a whole-database backup as one JSON file."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import state
from goodwill.errors import ImportFailed, ValidationFailed
from goodwill.services import backup, exporting

EXPORT_FORMATS = ("json", "vcard", "csv", "ics")


def export_command(
    ctx: typer.Context,
    format: Annotated[
        str, typer.Option("--format", help=f"Format: {', '.join(EXPORT_FORMATS)}.")
    ] = "json",
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="File to write ('-' or none: standard output)."),
    ] = None,
    vcard_version: Annotated[
        str, typer.Option("--vcard-version", help="vCard 3.0 (phones) or 4.0.")
    ] = "3.0",
) -> None:
    """Export: a json backup (everything you may see), or contacts as vCard or CSV, or
    interactions and open tasks as iCalendar."""
    fmt = format.strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(
            "--format",
            f"'{format[:40]}' is not supported; supported formats: {', '.join(EXPORT_FORMATS)}",
        )
    st = state(ctx)
    if fmt == "json":
        data = backup.export_backup(st.actor, st.uow)
        if out is None or out == "-":
            typer.echo(data, nl=False)
            return
        try:
            Path(out).expanduser().write_bytes(data)
        except OSError as exc:
            raise ValidationFailed("--out", f"cannot write {out}: {exc.strerror or exc}") from None
        render.ok(f"backup written to {out} ({len(data):,} bytes)")
        return
    to_stdout = out is None or out == "-"
    try:
        if fmt == "ics":
            with (
                nullcontext(sys.stdout.buffer)
                if to_stdout
                else open(  # noqa: SIM115
                    Path(str(out)).expanduser(), "wb"
                ) as binary
            ):
                count = exporting.export_calendar(st.actor, st.uow, binary)
        else:
            with (
                nullcontext(sys.stdout)
                if to_stdout
                else open(  # noqa: SIM115
                    Path(str(out)).expanduser(), "w", encoding="utf-8", newline=""
                ) as text
            ):
                if fmt == "vcard":
                    count = exporting.export_vcards(st.actor, st.uow, text, version=vcard_version)
                else:
                    count = exporting.export_csv(st.actor, st.uow, text)
    except OSError as exc:
        where = "standard output" if to_stdout else out
        raise ValidationFailed("--out", f"cannot write {where}: {exc.strerror or exc}") from None
    if not to_stdout:
        render.ok(f"{count:,} record(s) written to {out}")


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
