"""`goodwill import PATH | list | undo ID` and `goodwill config my-emails`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.errors import ValidationFailed
from goodwill.importers.records import RecordError
from goodwill.services import accounts
from goodwill.services import importing as import_service
from goodwill.services.importing import ImportOptions, ImportSummary

if TYPE_CHECKING:
    from goodwill.services._import_summary import UndoReport

config_app = typer.Typer(
    help="Settings: the addresses you send from, relationship strength, default cadences."
)


def _show(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        render.emit_json(summary)
        return
    render.table(
        f"Import #{summary.id} ({summary.format}, {summary.source}): {summary.status}",
        list(summary.counts),
        [list(summary.counts.values())],
    )
    if summary.undo is not None:
        for line in undo_lines(summary.undo):
            console.print(line, markup=False, soft_wrap=True)


# How `import undo` names the tables it removed rows from: (one, many).
ROWS = {
    "fields": ("field", "fields"),
    "contacts": ("contact", "contacts"), "contact_emails": ("email", "emails"),
    "contact_phones": ("phone", "phones"), "contact_links": ("link", "links"),
    "positions": ("position", "positions"), "organizations": ("organization", "organizations"),
    "interactions": ("interaction", "interactions"), "tasks": ("task", "tasks"),
    "notes": ("note", "notes"), "ledger_entries": ("ledger entry", "ledger entries"),
    "asks": ("ask", "asks"),
}  # fmt: skip
REASONS = {
    "notes": "notes", "interactions": "interactions", "positions": "positions",
    "tasks": "tasks", "ledger_entries": "ledger entries", "asks": "asks",
    "merges": "other contacts (merged)",
}  # fmt: skip


def _many(n: int, table: str) -> str:
    one, many = ROWS.get(table, (table.replace("_", " "),) * 2)
    return f"{n:,} {one if n == 1 else many}"


def undo_lines(undo: UndoReport) -> list[str]:
    """'removed 1,204 contacts, 2,311 emails; reverted 14 fields', then what stayed."""
    order = list(ROWS)
    tables = sorted(undo.removed, key=lambda t: (order.index(t) if t in ROWS else len(order), t))
    removed = ", ".join(_many(undo.removed[t], t) for t in tables) or "nothing"
    lines = [f"removed {removed}; reverted {_many(undo.reverted, 'fields')}"]
    if undo.left_changed:
        lines.append(f"left {_many(undo.left_changed, 'fields')} you have changed since")
    if undo.kept_contacts:
        why = ", ".join(f"{REASONS.get(r, r)} ({n:,})" for r, n in undo.kept_because.items())
        ids = ", ".join(f"#{i}" for i in undo.kept_contact_ids[:20])
        more = ", …" if len(undo.kept_contact_ids) > 20 else ""
        lines.append(
            f"kept {_many(undo.kept_contacts, 'contacts')} you have since added {why} to: "
            f"{ids}{more}"
        )
    if undo.kept_organizations:
        lines.append(f"kept {_many(undo.kept_organizations, 'organizations')} still in use")
    if undo.gone_contacts:
        lines.append(
            f"{_many(undo.gone_contacts, 'contacts')} it created were gone (merged, deleted)"
        )
    return lines


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
