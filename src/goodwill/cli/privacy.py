"""`goodwill forget`: erase a person for good; list or lift the suppression list."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import confirm, state
from goodwill.errors import NotFound, ValidationFailed
from goodwill.services import contacts as contact_service
from goodwill.services import privacy as privacy_service


def forget(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Argument(help="Who to forget: an id (also of a trashed contact), email or name."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    list_keys: Annotated[
        bool, typer.Option("--list", help="List the suppressed identity keys (hashes only).")
    ] = False,
    unsuppress: Annotated[
        str | None,
        typer.Option(
            "--unsuppress",
            metavar="VALUE",
            help="Let this email, phone or profile URL be imported again (admins).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Forget a person: erase them and every trace; keep only hashes so imports skip them."""
    st = state(ctx)
    if sum((contact is not None, list_keys, unsuppress is not None)) != 1:
        raise ValidationFailed("forget", "give exactly one of CONTACT, --list or --unsuppress")
    if list_keys:
        rows = privacy_service.list_suppressions(st.actor, st.uow)
        if as_json:
            render.emit_json(rows)
        else:
            render.table(
                None,
                ["kind", "hash", "since"],
                [(s.kind, s.hash_prefix, render.when(s.created_at)) for s in rows],
            )
        return
    if unsuppress is not None:
        lifted = privacy_service.unsuppress(st.actor, st.uow, unsuppress)
        if as_json:
            render.emit_json(lifted)
        else:
            render.ok(f"{lifted.kind} {lifted.hash_prefix}… may be imported again")
        return
    assert contact is not None
    bare = contact.strip().lstrip("#")
    who = f"contact #{bare}" if bare.isdigit() else contact
    try:  # name the person in the question when they are not in the trash
        shown = contact_service.show_contact(st.actor, st.uow, contact)
        who = f"#{shown.id} {shown.display_name}"
    except NotFound:
        pass
    question = (
        f"Forget {who} for good? Their record, notes, tasks, asks, ledger entries and their "
        "place in interactions are erased, their name and numbers scrubbed from what stays; "
        "this cannot be undone."
    )
    if not confirm(question, yes):
        raise typer.Exit(1)
    summary = privacy_service.forget_contact(st.actor, st.uow, contact)
    if as_json:
        render.emit_json(summary)
        return
    render.ok(f"forgotten: contact #{summary.contact_id}")
    render.table(
        None,
        ["what", "count"],
        [
            (f.name.replace("_", " "), getattr(summary, f.name))
            for f in dataclasses.fields(summary)
            if f.name != "contact_id" and getattr(summary, f.name)
        ],
    )
