"""`goodwill give`, `receive` and `ledger …`."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import confirm, state
from goodwill.services import ledger as ledger_service
from goodwill.services.ledger import LedgerEntryView

ledger_app = typer.Typer(help="The give/take ledger: balance, takers, list, delete.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Visibility = Annotated[str | None, typer.Option(help="private or workspace.")]
Contact = Annotated[str, typer.Argument(help="An id, an email, or a unique part of the name.")]

Kind = Annotated[
    str,
    typer.Option(
        help="favor, introduction, referral, resume, recommendation, advice, article, "
        "business, other."
    ),
]
Weight = Annotated[int, typer.Option(help="How much it mattered, 1 to 5.")]
On = Annotated[str | None, typer.Option(help="When: YYYY-MM-DD, yesterday, -3d… (default today).")]
Note = Annotated[str | None, typer.Option("--note", "-m", help="What it was.")]
Related = Annotated[
    str | None, typer.Option(help="Someone else involved (e.g. the person introduced).")
]


def entry_rows(rows: list[LedgerEntryView], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "date", "entry", "with", "note"],
        [
            (
                e.id,
                e.occurred_on.isoformat(),
                f"{e.direction} {e.kind} ({e.weight})",
                e.counterpart.label + (f" (re {e.related.label})" if e.related else ""),
                e.note,
            )
            for e in rows
        ],
    )


def _recorded(entry: LedgerEntryView, as_json: bool) -> None:
    if as_json:
        render.emit_json(entry)
        return
    to = "to" if entry.direction == "gave" else "from"
    render.ok(
        f"#{entry.id} {entry.direction} {entry.kind} (weight {entry.weight}) {to} "
        f"{entry.counterpart.label} on {entry.occurred_on.isoformat()} ({entry.visibility})"
    )


def give(
    ctx: typer.Context,
    contact: Contact,
    kind: Kind,
    weight: Weight = 1,
    on: On = None,
    note: Note = None,
    related: Related = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Record something you gave (an introduction you made: to the person it helps,
    --related the person introduced)."""
    st = state(ctx)
    entry = ledger_service.record_give(
        st.actor,
        st.uow,
        contact,
        kind,
        weight=weight,
        on=on,
        note=note,
        related=related,
        visibility=visibility,
    )
    _recorded(entry, as_json)


def receive(
    ctx: typer.Context,
    contact: Contact,
    kind: Kind,
    weight: Weight = 1,
    on: On = None,
    note: Note = None,
    related: Related = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Record something you received."""
    st = state(ctx)
    entry = ledger_service.record_receive(
        st.actor,
        st.uow,
        contact,
        kind,
        weight=weight,
        on=on,
        note=note,
        related=related,
        visibility=visibility,
    )
    _recorded(entry, as_json)


@ledger_app.command("balance")
def ledger_balance(
    ctx: typer.Context,
    contact: Annotated[
        str | None, typer.Argument(help="With this contact (default: the whole ledger).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this date, inclusive.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date, inclusive.")] = None,
    as_json: Json = False,
) -> None:
    """Given weight minus received weight, with one person or overall."""
    st = state(ctx)
    view = ledger_service.ledger_balance(st.actor, st.uow, contact, since=since, until=until)
    if as_json:
        render.emit_json(view)
        return
    render.fields(
        [
            ("with", view.contact.label if view.contact else "everyone"),
            ("since", view.since),
            ("until", view.until),
            ("given", f"{view.given_weight} ({view.given_count} entries)"),
            ("received", f"{view.received_weight} ({view.received_count} entries)"),
            ("balance", f"{view.balance:+d}"),
        ]
    )


@ledger_app.command("takers")
def ledger_takers(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 20,
    as_json: Json = False,
) -> None:
    """People you have received more from than given to, largest first."""
    st = state(ctx)
    rows = ledger_service.ledger_takers(st.actor, st.uow, limit=limit)
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "contact", "given", "received", "balance"],
        [
            (t.contact.id, t.contact.label, t.given_weight, t.received_weight, t.balance)
            for t in rows
        ],
    )


@ledger_app.command("list")
def ledger_list(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Argument(help="Only with this contact.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 100,
    as_json: Json = False,
) -> None:
    """Your ledger entries, newest first."""
    st = state(ctx)
    entry_rows(ledger_service.list_ledger(st.actor, st.uow, contact=contact, limit=limit), as_json)


@ledger_app.command("delete")
def ledger_delete(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The entry's id.")],
    yes: Yes = False,
) -> None:
    """Move a ledger entry to the trash."""
    st = state(ctx)
    if not confirm(f"Move ledger entry #{entry_id} to the trash?", yes):
        raise typer.Exit(1)
    ref = ledger_service.delete_ledger_entry(st.actor, st.uow, entry_id)
    render.ok(f"moved ledger entry #{ref.id} ({ref.label}) to the trash")
