"""`goodwill import PATH | list | undo ID` and `goodwill config my-emails`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.errors import ValidationFailed
from goodwill.importers.records import RecordError
from goodwill.services import accounts
from goodwill.services import importing as import_service
from goodwill.services.importing import ImportOptions, ImportSummary

config_app = typer.Typer(help="Import settings: the addresses you send from.")


def _show(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        render.emit_json(summary)
        return
    render.table(
        f"Import #{summary.id} ({summary.format}, {summary.source}): {summary.status}",
        list(summary.counts),
        [list(summary.counts.values())],
    )


def import_command(
    ctx: typer.Context,
    target: Annotated[
        list[str],
        typer.Argument(help="A file or folder to import; or `list`; or `undo ID`."),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto, linkedin, google, outlook, vcard, mbox, maildir, eml or ics.",
        ),
    ] = "auto",
    dry_run: Annotated[
        bool, typer.Option(help="Read and match everything, write nothing.")
    ] = False,
    errors: Annotated[
        Path | None, typer.Option(help="Write every record error to this CSV file.")
    ] = None,
    create_contacts: Annotated[
        bool, typer.Option(help="Email/calendar: make contacts of unknown correspondents.")
    ] = False,
    keep_bodies: Annotated[bool, typer.Option(help="Email: keep message bodies.")] = False,
    visibility: Annotated[str | None, typer.Option(help="private or workspace.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import contacts and history; `import list` shows imports, `import undo ID` undoes one."""
    st = state(ctx)
    first = target[0]
    if first == "list" and not Path(first).exists():
        rows = import_service.list_imports(st.actor, st.uow)
        if as_json:
            render.emit_json(rows)
        else:
            render.table(
                None, ["id", "format", "source", "status", "created", "updated", "failed"],
                [(r.id, r.format, r.source, r.status, r.counts["created"], r.counts["updated"],
                  r.counts["failed"]) for r in rows],
            )  # fmt: skip
        return
    if first == "undo" and not Path(first).exists():
        if len(target) != 2 or not target[1].isdigit():
            raise ValidationFailed("import undo", "give the import's id: goodwill import undo ID")
        _show(import_service.undo_import(st.actor, st.uow, int(target[1])), as_json)
        return
    if len(target) != 1:
        raise ValidationFailed("import", "give one file or folder")
    writer = None
    handle = errors.open("w", newline="", encoding="utf-8") if errors else None
    if handle is not None:
        writer = csv.writer(handle)
        writer.writerow(["file", "record", "line", "field", "reason"])

    def on_error(error: RecordError) -> None:
        if writer is not None:
            loc = error.location
            writer.writerow([loc.file, loc.record, loc.line or "", error.field or "", error.reason])

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True, disable=as_json) as bar:
            task = bar.add_task("reading…")

            def progress(counts: dict[str, int]) -> None:
                bar.update(task, description=" · ".join(f"{k} {v:,}" for k, v in counts.items()))

            options = ImportOptions(
                format=fmt, dry_run=dry_run, create_contacts=create_contacts,
                keep_bodies=keep_bodies, visibility=visibility, progress=progress,
                on_error=on_error,
            )  # fmt: skip
            summary = import_service.run_import(st.actor, st.uow, Path(first), options)
    finally:
        if handle is not None:
            handle.close()
    _show(summary, as_json)
    if not as_json:
        for line in options.errors[:10]:
            console.print(f"  {line}", markup=False)
        if dry_run:
            console.print("dry run: nothing was written")


@config_app.command("my-emails")
def my_emails(
    ctx: typer.Context,
    emails: Annotated[list[str], typer.Argument(help="Addresses you send email from.")],
) -> None:
    """Set the addresses you send from (email imports mark those messages as yours)."""
    st = state(ctx)
    saved = accounts.set_my_emails(st.actor, st.uow, emails)
    render.ok(f"your addresses: {', '.join(saved)}")
