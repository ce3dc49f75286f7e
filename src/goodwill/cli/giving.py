"""`goodwill need …`, `offer …`, `needs` and `gives …`: needs, offers and ways to give."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.errors import ValidationFailed
from goodwill.services import giving as giving_service
from goodwill.services.giving import GiveSuggestion, NeedOfferView

need_app = typer.Typer(help="What your contacts need: add, list, close.")
offer_app = typer.Typer(help="What your contacts (or you, --mine) can offer: add, list, close.")
gives_app = typer.Typer(
    help="Ways to give, best first: introduce, refer, share (`gives act KEY`, `gives dismiss`).",
    invoke_without_command=True,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Text = Annotated[str, typer.Argument(help="What it is, in words (up to 1,000 characters).")]
Tags = Annotated[str | None, typer.Option(help="Comma-separated tags, e.g. 'hiring, data'.")]
Expires = Annotated[
    str | None, typer.Option("--expires", help="No longer true after this day (YYYY-MM-DD, +4w…).")
]
On = Annotated[str | None, typer.Option("--on", help="When you learned it (default today).")]
Visibility = Annotated[str | None, typer.Option(help="private or workspace.")]
ContactFilter = Annotated[
    str | None, typer.Option("--contact", "-c", help="Only this contact's (id, email or name).")
]
All = Annotated[bool, typer.Option("--all", help="Include closed and expired ones.")]
ItemId = Annotated[int, typer.Argument(help="The need's or offer's id.")]
Key = Annotated[str, typer.Argument(help="The suggestion's key (6 or more of its characters).")]


def _items(rows: list[NeedOfferView], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    if not rows:
        console.print("Nothing noted yet: `goodwill need add CONTACT TEXT`.")
        return
    render.table(
        None,
        ["id", "kind", "who", "what", "tags", "noted", "until"],
        [
            (
                r.id,
                r.kind + (" (closed)" if r.closed_at else " (expired)" if r.expired else ""),
                r.contact.label if r.contact else "you",
                r.text,
                ", ".join(r.tags),
                r.noted_on.isoformat(),
                r.expires_on.isoformat() if r.expires_on else None,
            )
            for r in rows
        ],
    )


def _added(view: NeedOfferView, as_json: bool) -> None:
    if as_json:
        render.emit_json(view)
        return
    who = view.contact.label if view.contact else "you"
    render.ok(f"{view.kind} #{view.id} of {who}: {view.text} ({view.visibility})")


@need_app.command("add")
def need_add(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="Whose need (id, email or name).")],
    text: Text,
    tags: Tags = None,
    expires: Expires = None,
    on: On = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Note what a contact needs ("hiring a data engineer")."""
    st = state(ctx)
    view = giving_service.add_need(
        st.actor,
        st.uow,
        contact,
        text,
        tags=tags,
        noted_on=on,
        expires_on=expires,
        visibility=visibility,
    )
    _added(view, as_json)


@need_app.command("list")
def need_list(
    ctx: typer.Context,
    contact: ContactFilter = None,
    everything: All = False,
    as_json: Json = False,
) -> None:
    """Open needs, newest first."""
    st = state(ctx)
    rows = giving_service.list_needs_offers(
        st.actor, st.uow, contact=contact, kind="need", include_closed=everything
    )
    _items(rows, as_json)


@need_app.command("close")
def need_close(ctx: typer.Context, item_id: ItemId) -> None:
    """A need was met or is no longer true (also closes an offer by its id)."""
    _close(ctx, item_id)


@offer_app.command("add")
def offer_add(
    ctx: typer.Context,
    first: Annotated[
        str,
        typer.Argument(
            metavar="CONTACT|TEXT", help="Whose offer, then its text; with --mine, the text."
        ),
    ],
    second: Annotated[
        str | None, typer.Argument(metavar="[TEXT]", help="The offer's text (not with --mine).")
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Your own offer: an article you can send, a skill.")
    ] = False,
    tags: Tags = None,
    expires: Expires = None,
    on: On = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Note what a contact can offer ("recruiter for fintech roles"), or with --mine
    what you can (an article '10 logistics KPIs', "can review pitch decks")."""
    if mine and second is not None:
        raise ValidationFailed("--mine", "your own offer takes only its text, not a contact")
    if not mine and second is None:
        raise ValidationFailed("text", "give the contact and the text (or --mine and the text)")
    contact, text = (None, first) if mine else (first, second or "")
    st = state(ctx)
    view = giving_service.add_offer(
        st.actor,
        st.uow,
        contact,
        text,
        tags=tags,
        noted_on=on,
        expires_on=expires,
        visibility=visibility,
    )
    _added(view, as_json)


@offer_app.command("list")
def offer_list(
    ctx: typer.Context,
    contact: ContactFilter = None,
    everything: All = False,
    as_json: Json = False,
) -> None:
    """Open offers (yours among them), newest first."""
    st = state(ctx)
    rows = giving_service.list_needs_offers(
        st.actor, st.uow, contact=contact, kind="offer", include_closed=everything
    )
    _items(rows, as_json)


@offer_app.command("close")
def offer_close(ctx: typer.Context, item_id: ItemId) -> None:
    """An offer no longer stands (also closes a need by its id)."""
    _close(ctx, item_id)


def _close(ctx: typer.Context, item_id: int) -> None:
    st = state(ctx)
    view = giving_service.close_need_offer(st.actor, st.uow, item_id)
    render.ok(f"closed {view.kind} #{view.id}: {view.text}")


def needs(
    ctx: typer.Context,
    contact: ContactFilter = None,
    everything: All = False,
    as_json: Json = False,
) -> None:
    """Needs and offers together: needs first, then offers (yours among them)."""
    st = state(ctx)
    rows = giving_service.list_needs_offers(
        st.actor, st.uow, contact=contact, include_closed=everything
    )
    _items(rows, as_json)


def print_gives(found: list[GiveSuggestion], indent: str = "") -> None:
    """Each suggestion: its short key, what to do, the score and why (also for `today`)."""
    for g in found:
        console.print(
            f"{indent}[bold]{g.short_key}[/bold] {escape(g.action)}  "
            f"[dim]{g.kind} · {g.score:.2f}[/dim]",
            highlight=False,
        )
        for reason in g.reasons:
            console.print(f"{indent}    · {escape(reason)}", highlight=False)


@gives_app.callback()
def gives(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Option("--contact", "-c", help="Only ways to give involving this contact."),
    ] = None,
    limit: Annotated[int, typer.Option(help="How many to show at most.")] = 10,
    as_json: Json = False,
) -> None:
    """Ways to give, best first, each with why it matched: introduce a need to an
    offer, pass a resume to a recruiter, send your article about their challenge."""
    if ctx.invoked_subcommand is not None:
        return
    st = state(ctx)
    found = giving_service.ways_to_give(st.actor, st.uow, limit=limit, contact=contact)
    if as_json:
        render.emit_json(found)
        return
    if not found:
        console.print("No ways to give yet: note needs and offers (`goodwill need add`).")
        return
    print_gives(found)
    console.print("Act on one: goodwill gives act KEY · not this one: goodwill gives dismiss KEY")


@gives_app.command("dismiss")
def gives_dismiss(ctx: typer.Context, key: Key, as_json: Json = False) -> None:
    """Not this one: the suggestion does not come back (for you)."""
    st = state(ctx)
    dismissed = giving_service.dismiss_suggestion(st.actor, st.uow, key)
    if as_json:
        render.emit_json(dismissed)
        return
    render.ok(f"dismissed {dismissed.short_key}: {dismissed.action}")


@gives_app.command("act")
def gives_act(
    ctx: typer.Context,
    key: Key,
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            help="introduction or ledger (default: an introduction for introduce, a ledger "
            "entry for refer and share).",
        ),
    ] = "auto",
    as_json: Json = False,
) -> None:
    """Do it: record the introduction (to take through opt-in) or the ledger entry."""
    st = state(ctx)
    acted = giving_service.act_on_suggestion(st.actor, st.uow, key, as_=as_)
    if as_json:
        render.emit_json(acted)
        return
    if acted.introduction_id is not None:
        render.ok(
            f"introduction #{acted.introduction_id} requested: {acted.suggestion.action} "
            "(next: ask the target for their consent)"
        )
    elif acted.ledger_entry is not None:
        e = acted.ledger_entry
        related = f" (re {e.related.label})" if e.related else ""
        render.ok(f"ledger #{e.id}: gave {e.kind} to {e.counterpart.label}{related}")
