"""`goodwill ask` and `asks …`: asks with homework, readiness, a plan and an outcome."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.ledger import Contact, Json, Visibility, Yes, entry_rows
from goodwill.cli.state import confirm, console, err_console, state
from goodwill.domain import asks as ask_rules
from goodwill.services import asks as ask_service
from goodwill.services.asks import AskView

asks_app = typer.Typer(
    help="Asks: list, show, plan steps, mark asked, grant, decline, withdraw, delete."
)

AskId = Annotated[int, typer.Argument(help="The ask's id.")]
OutcomeNote = Annotated[str | None, typer.Option("--note", "-m", help="The outcome, in words.")]


def ask(
    ctx: typer.Context,
    contact: Contact,
    kind: Annotated[str, typer.Option(help="favor, introduction, referral, business, advice.")],
    what: Annotated[str | None, typer.Option(help="What exactly you are asking for.")] = None,
    why_them: Annotated[
        str | None, typer.Option("--why-them", help="Why this person and not someone else.")
    ] = None,
    why_care: Annotated[
        str | None,
        typer.Option(
            "--why-care",
            help="Why the target would care, what is in it for them (introductions, referrals).",
        ),
    ] = None,
    blurb: Annotated[
        str | None,
        typer.Option(help="A forwardable blurb they can pass on (introductions, referrals)."),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(help="Whom it is about: a contact, or a description of someone."),
    ] = None,
    step: Annotated[
        list[str] | None,
        typer.Option(help="A plan step CHANNEL@WHEN, e.g. 'handwritten note@+2d' (repeatable)."),
    ] = None,
    visibility: Visibility = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ask even when the readiness check warns.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Plan an ask: what, why them (and for introductions and referrals, why the target
    would care and a blurb). Warns first when you should give or reconnect."""
    st = state(ctx)
    # Refuse missing homework before asking anything of the user.
    ask_rules.check_homework(kind, what, why_them, why_care, blurb)
    plan = [ask_rules.parse_step(s) for s in step or []]
    readiness = ask_service.ask_readiness(st.actor, st.uow, contact)
    for warning in readiness.warnings:
        err_console.print(
            f"warning: {warning.message}; {warning.suggestion}", markup=False, soft_wrap=True
        )
    if readiness.warnings and not confirm(f"Ask {readiness.contact.label} anyway?", yes):
        raise typer.Exit(1)
    created = ask_service.create_ask(
        st.actor,
        st.uow,
        contact,
        kind,
        what,
        why_them,
        why_care,
        blurb,
        target=target,
        steps=plan,
        visibility=visibility,
    )
    if as_json:
        render.emit_json(created)
        return
    view = created.ask
    render.ok(f"ask #{view.id}: {view.kind} of {view.contact.label} ({view.status})")
    for s in view.steps:
        console.print(f"  {s.order}. {s.due_local}  {s.title}  (task #{s.task_id})", markup=False)


def _ask_rows(rows: list[AskView], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "status", "kind", "of", "what", "next step"],
        [
            (
                a.id,
                a.status,
                a.kind,
                a.contact.label,
                a.what,
                next((f"{s.due_local} {s.channel}" for s in a.steps if not s.done), None),
            )
            for a in rows
        ],
    )


def _ask_detail(view: AskView, as_json: bool) -> None:
    if as_json:
        render.emit_json(view)
        return
    render.fields(
        [
            ("ask", f"#{view.id} {view.kind} ({view.status})"),
            ("of", view.contact.label),
            ("target", view.target.label if view.target else view.target_description),
            ("what", view.what),
            ("why them", view.why_them),
            ("why they'd care", view.why_target_cares),
            ("blurb", view.blurb),
            ("asked", render.when(view.asked_at) if view.asked_at else None),
            ("closed", render.when(view.closed_at) if view.closed_at else None),
            ("outcome", view.outcome),
            ("visibility", view.visibility),
        ]
    )
    if view.steps:
        render.table(
            "Plan",
            ["step", "due", "channel", "task", "done"],
            [
                (s.order, s.due_local, s.channel, f"#{s.task_id}", "yes" if s.done else "")
                for s in view.steps
            ],
        )
    if view.ledger_entries:
        entry_rows(view.ledger_entries, False)


@asks_app.command("list")
def asks_list(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(help="draft, planned, asked, granted, declined or withdrawn."),
    ] = None,
    contact: Annotated[str | None, typer.Option(help="Asks of this contact.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 100,
    as_json: Json = False,
) -> None:
    """Your asks, newest first."""
    st = state(ctx)
    _ask_rows(
        ask_service.list_asks(st.actor, st.uow, status=status, contact=contact, limit=limit),
        as_json,
    )


@asks_app.command("show")
def asks_show(ctx: typer.Context, ask_id: AskId, as_json: Json = False) -> None:
    """An ask, its homework, its plan steps and any ledger entry it settled."""
    st = state(ctx)
    _ask_detail(ask_service.show_ask(st.actor, st.uow, ask_id), as_json)


@asks_app.command("step")
def asks_step(
    ctx: typer.Context,
    ask_id: AskId,
    channel: Annotated[str, typer.Argument(help="How: 'handwritten note', 'call'…")],
    when: Annotated[str, typer.Argument(help="YYYY-MM-DD [HH:MM], today, +3d…")],
    as_json: Json = False,
) -> None:
    """Add a step (a task) to an ask's plan."""
    st = state(ctx)
    view = ask_service.add_ask_step(st.actor, st.uow, ask_id, channel, when)
    if as_json:
        render.emit_json(view)
        return
    last = view.steps[-1]
    render.ok(f"step {last.order} of ask #{view.id}: task #{last.task_id} {last.title}")


@asks_app.command("asked")
def asks_asked(ctx: typer.Context, ask_id: AskId) -> None:
    """You made the ask: now waiting on an answer."""
    st = state(ctx)
    view = ask_service.mark_asked(st.actor, st.uow, ask_id)
    render.ok(f"ask #{view.id} of {view.contact.label} is {view.status}")


@asks_app.command("grant")
def asks_grant(
    ctx: typer.Context,
    ask_id: AskId,
    record: Annotated[
        bool | None,
        typer.Option(
            "--record/--no-record",
            help="Record the matching 'received' ledger entry (asked on a terminal).",
        ),
    ] = None,
    weight: Annotated[int, typer.Option(help="The entry's weight, 1 to 5.")] = 1,
    note: OutcomeNote = None,
) -> None:
    """They said yes."""
    st = state(ctx)
    if record is None:
        record = sys.stdin.isatty() and confirm("Record it in the ledger as received?", False)
    view = ask_service.close_ask(
        st.actor, st.uow, ask_id, "granted", note=note, record=record, weight=weight
    )
    render.ok(f"ask #{view.id} granted")
    for entry in view.ledger_entries:
        render.ok(
            f"recorded ledger entry #{entry.id}: received {entry.kind} (weight {entry.weight})"
        )


@asks_app.command("decline")
def asks_decline(ctx: typer.Context, ask_id: AskId, note: OutcomeNote = None) -> None:
    """They said no."""
    st = state(ctx)
    view = ask_service.close_ask(st.actor, st.uow, ask_id, "declined", note=note)
    render.ok(f"ask #{view.id} declined")


@asks_app.command("withdraw")
def asks_withdraw(ctx: typer.Context, ask_id: AskId, note: OutcomeNote = None) -> None:
    """You no longer ask."""
    st = state(ctx)
    view = ask_service.close_ask(st.actor, st.uow, ask_id, "withdrawn", note=note)
    render.ok(f"ask #{view.id} withdrawn")


@asks_app.command("delete")
def asks_delete(ctx: typer.Context, ask_id: AskId, yes: Yes = False) -> None:
    """Move an ask (and its plan) to the trash."""
    st = state(ctx)
    if not confirm(f"Move ask #{ask_id} to the trash?", yes):
        raise typer.Exit(1)
    ref = ask_service.delete_ask(st.actor, st.uow, ask_id)
    render.ok(f"moved ask #{ref.id} ({ref.label}) to the trash")
