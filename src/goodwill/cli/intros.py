"""`goodwill intro …` (double-opt-in introductions) and `goodwill template …`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import click
import typer

from goodwill.cli import render
from goodwill.cli.ledger import Json, Visibility
from goodwill.cli.state import console, state
from goodwill.errors import ValidationFailed
from goodwill.services import intros as intro_service
from goodwill.services import templates as template_service
from goodwill.services.intros import IntroductionView, IntroMove
from goodwill.services.templates import TemplateView

intro_app = typer.Typer(
    help="Introductions you make, double opt-in: request, accept, decline, tell-me-why, "
    "answer, consent, make, outcome, list, show."
)
template_app = typer.Typer(help="The wording of generated messages: list, show, edit, reset.")

IntroId = Annotated[int, typer.Argument(help="The introduction's id.")]
Goal = Annotated[
    str | None, typer.Option(help="What the requester is trying to accomplish (the why).")
]
WhyTarget = Annotated[
    str | None,
    typer.Option("--why-target", help="Why the target would want the conversation."),
]
Blurb = Annotated[
    str | None, typer.Option(help="What to say to the target about the requester (forwardable).")
]
Note = Annotated[str | None, typer.Option("--note", "-m", help="A note kept with this move.")]
TemplateName = Annotated[str, typer.Argument(help="intro-optin, intro-made or intro-needs-info.")]


def _moved(move: IntroMove, as_json: bool, done: str) -> None:
    if as_json:
        render.emit_json(move)
        return
    view = move.introduction
    render.ok(f"introduction #{view.id} {done}: now {view.status}")
    if move.message is not None:
        console.print(f"--- message ({move.template}) ---", style="dim")
        console.print(move.message, markup=False, highlight=False, soft_wrap=True)


def _summary(view: IntroductionView) -> str:
    return f"#{view.id} {view.requester.label} → {view.target.label} ({view.status})"


@intro_app.command("request")
def intro_request(
    ctx: typer.Context,
    requester: Annotated[str, typer.Argument(help="Who asks to be introduced (a contact).")],
    target: Annotated[str, typer.Argument(help="Whom they want to meet (a contact).")],
    goal: Goal = None,
    why_target: WhyTarget = None,
    blurb: Blurb = None,
    source: Annotated[
        str, typer.Option(help="inbound (they asked you), suggested or mine.")
    ] = "inbound",
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Record a request for an introduction; it must say why (--goal)."""
    st = state(ctx)
    view = intro_service.request_introduction(
        st.actor,
        st.uow,
        requester,
        target,
        goal=goal or "",
        why_target=why_target,
        blurb=blurb,
        source=source,
        visibility=visibility,
    )
    if as_json:
        render.emit_json(view)
        return
    render.ok(f"introduction {_summary(view)}; next: {', '.join(view.allowed)}")


@intro_app.command("list")
def intro_list(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only those not finished.")] = False,
    status: Annotated[
        str | None,
        typer.Option(
            help="requested, needs-info, target-asked, target-agreed, target-declined, "
            "declined, made or closed."
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Introductions you may see, newest first."""
    st = state(ctx)
    rows = intro_service.list_introductions(st.actor, st.uow, status=status, open_only=open_only)
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "status", "requester", "target", "goal", "next"],
        [
            (
                i.id,
                i.status + (f" ({i.outcome})" if i.outcome else ""),
                i.requester.label,
                i.target.label,
                i.goal,
                ", ".join(i.allowed),
            )
            for i in rows
        ],
    )


@intro_app.command("show")
def intro_show(ctx: typer.Context, intro_id: IntroId, as_json: Json = False) -> None:
    """An introduction, its homework, its history and what can happen next."""
    st = state(ctx)
    view = intro_service.show_introduction(st.actor, st.uow, intro_id)
    if as_json:
        render.emit_json(view)
        return
    render.fields(
        [
            ("introduction", _summary(view)),
            ("source", view.source),
            ("goal", view.goal),
            ("why the target", view.why_target),
            ("blurb", view.blurb),
            ("consent", render.when(view.consent_at) if view.consent_at else None),
            ("made", render.when(view.made_at) if view.made_at else None),
            ("ledger entry", f"#{view.ledger_entry_id}" if view.ledger_entry_id else None),
            ("follow-up task", f"#{view.follow_up_task_id}" if view.follow_up_task_id else None),
            ("outcome", view.outcome),
            ("outcome note", view.outcome_note),
            ("next", ", ".join(view.allowed) or "nothing: it is finished"),
            ("visibility", view.visibility),
        ]
    )
    render.table(
        "History",
        ["when", "from", "to", "note"],
        [(render.when(e.at), e.from_status, e.to_status, e.note) for e in view.events],
    )


@intro_app.command("accept")
def intro_accept(
    ctx: typer.Context,
    intro_id: IntroId,
    why_target: WhyTarget = None,
    blurb: Blurb = None,
    note: Note = None,
    as_json: Json = False,
) -> None:
    """Take the request on: ask the target first. Prints the opt-in message to send them."""
    st = state(ctx)
    move = intro_service.triage_introduction(
        st.actor, st.uow, intro_id, "accept", why_target=why_target, blurb=blurb, note=note
    )
    _moved(move, as_json, "accepted")


@intro_app.command("decline")
def intro_decline(
    ctx: typer.Context, intro_id: IntroId, note: Note = None, as_json: Json = False
) -> None:
    """Decline the request."""
    st = state(ctx)
    move = intro_service.triage_introduction(st.actor, st.uow, intro_id, "decline", note=note)
    _moved(move, as_json, "declined")


@intro_app.command("tell-me-why")
def intro_tell_me_why(
    ctx: typer.Context, intro_id: IntroId, note: Note = None, as_json: Json = False
) -> None:
    """Ask the requester the homework questions first. Prints the reply to send them."""
    st = state(ctx)
    move = intro_service.triage_introduction(st.actor, st.uow, intro_id, "tell-me-why", note=note)
    _moved(move, as_json, "needs info")


@intro_app.command("answer")
def intro_answer(
    ctx: typer.Context,
    intro_id: IntroId,
    goal: Goal = None,
    why_target: WhyTarget = None,
    blurb: Blurb = None,
    as_json: Json = False,
) -> None:
    """The requester answered the homework questions: back to triage."""
    st = state(ctx)
    view = intro_service.answer_homework(
        st.actor, st.uow, intro_id, goal=goal, why_target=why_target, blurb=blurb
    )
    _moved(IntroMove(view, None, None), as_json, "answered")


@intro_app.command("consent")
def intro_consent(
    ctx: typer.Context,
    intro_id: IntroId,
    by: Annotated[str, typer.Option(help="Who answered: must be the target (a contact).")],
    agreed: Annotated[
        bool | None,
        typer.Option("--agreed/--declined", help="The target agreed, or declined."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Record the target's answer to the opt-in message."""
    if agreed is None:
        raise ValidationFailed("--agreed", "say whether the target agreed (--agreed or --declined)")
    st = state(ctx)
    view = intro_service.record_consent(st.actor, st.uow, intro_id, agreed=agreed, by=by)
    _moved(IntroMove(view, None, None), as_json, "answered by the target")


@intro_app.command("make")
def intro_make(
    ctx: typer.Context,
    intro_id: IntroId,
    weight: Annotated[int, typer.Option(help="The ledger entry's weight, 1 to 5.")] = 1,
    as_json: Json = False,
) -> None:
    """Make the introduction (the target agreed). Prints the message to both; records it
    in the ledger and adds a follow-up task in two weeks."""
    st = state(ctx)
    move = intro_service.make_introduction(st.actor, st.uow, intro_id, weight=weight)
    _moved(move, as_json, "made")
    if not as_json:
        view = move.introduction
        render.ok(
            f"ledger entry #{view.ledger_entry_id} (gave an introduction); "
            f"follow-up task #{view.follow_up_task_id} in two weeks"
        )


@intro_app.command("outcome")
def intro_outcome(
    ctx: typer.Context,
    intro_id: IntroId,
    outcome: Annotated[str, typer.Argument(help="met, business or no-follow-up.")],
    note: Note = None,
    as_json: Json = False,
) -> None:
    """How a made introduction went; it closes it."""
    st = state(ctx)
    view = intro_service.record_intro_outcome(st.actor, st.uow, intro_id, outcome, note)
    _moved(IntroMove(view, None, None), as_json, f"outcome {view.outcome}")


def _template_detail(view: TemplateView, as_json: bool) -> None:
    if as_json:
        render.emit_json(view)
        return
    mark = "your wording" if view.customized else "default"
    console.print(f"[bold]{view.name}[/bold] ({mark}) — {view.purpose}")
    console.print(f"placeholders: {' '.join(view.placeholders)}", style="dim", markup=False)
    console.print(view.body, markup=False, highlight=False, soft_wrap=True)


@template_app.command("list")
def template_list(ctx: typer.Context, as_json: Json = False) -> None:
    """The message templates, and whether you changed their wording."""
    st = state(ctx)
    rows = template_service.list_templates(st.actor, st.uow)
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["name", "wording", "for"],
        [(t.name, "yours" if t.customized else "default", t.purpose) for t in rows],
    )


@template_app.command("show")
def template_show(ctx: typer.Context, name: TemplateName, as_json: Json = False) -> None:
    """A template's wording and its placeholders."""
    st = state(ctx)
    _template_detail(template_service.show_template(st.actor, st.uow, name), as_json)


@template_app.command("edit")
def template_edit(
    ctx: typer.Context,
    name: TemplateName,
    body: Annotated[
        str | None, typer.Option(help="The new wording (instead of an editor).")
    ] = None,
    file: Annotated[
        str | None, typer.Option(help="Read the new wording from a file ('-': standard input).")
    ] = None,
) -> None:
    """Change a template's wording: in $EDITOR, or with --body or --file for scripts."""
    st = state(ctx)
    if body is not None and file is not None:
        raise ValidationFailed("--body", "choose one of --body and --file")
    if file is not None:
        text = _read(file)
    elif body is not None:
        text = body
    else:
        current = template_service.show_template(st.actor, st.uow, name)
        edited = click.edit(current.body + "\n", extension=".txt")
        if edited is None or edited.strip() == current.body.strip():
            render.ok(f"{current.name} unchanged")
            return
        text = edited
    view = template_service.save_template(st.actor, st.uow, name, text)
    render.ok(f"saved your wording of {view.name}")


@template_app.command("reset")
def template_reset(ctx: typer.Context, name: TemplateName) -> None:
    """Back to the default wording."""
    st = state(ctx)
    view = template_service.reset_template(st.actor, st.uow, name)
    render.ok(f"{view.name} is back to the default wording")


def _read(source: str) -> str:
    name = "stdin" if source == "-" else source
    try:
        raw = (
            typer.get_binary_stream("stdin").read() if source == "-" else Path(source).read_bytes()
        )
    except OSError as exc:
        raise ValidationFailed(name, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(name, "is not UTF-8 text") from None
