"""`goodwill discover`: the six discovery questions about a contact or an organization."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.prompt import Prompt

from goodwill.cli import render
from goodwill.cli.ledger import Json, Visibility, Yes
from goodwill.cli.state import confirm, console, err_console, state
from goodwill.domain import discovery as rules
from goodwill.domain.dates import local_today, parse_date
from goodwill.domain.people import parse_visibility
from goodwill.errors import ValidationFailed
from goodwill.services import discovery as discovery_service
from goodwill.services.actor import Actor, utcnow
from goodwill.services.discovery import DiscoveryView
from goodwill.storage.unit_of_work import UnitOfWork


def _answer_option(key: str) -> Any:
    """`--KEY TEXT`, helped by the question itself."""
    return typer.Option(f"--{key}", help=f"The answer to: {rules.question(key).prompt}")


def discover(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Argument(help="An id, an email, or a unique part of the name (or use --org)."),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="An organization (id or name) instead.")
    ] = None,
    goal: Annotated[str | None, _answer_option("goal")] = None,
    approach: Annotated[str | None, _answer_option("approach")] = None,
    targets: Annotated[str | None, _answer_option("targets")] = None,
    challenges: Annotated[str | None, _answer_option("challenges")] = None,
    change: Annotated[str | None, _answer_option("change")] = None,
    meaning: Annotated[str | None, _answer_option("meaning")] = None,
    on: Annotated[
        str | None,
        typer.Option(help="When you learned it: YYYY-MM-DD, yesterday, -3d… (default today)."),
    ] = None,
    visibility: Visibility = None,
    show: Annotated[bool, typer.Option("--show", help="Show the profile without asking.")] = False,
    history: Annotated[
        bool, typer.Option("--history", help="Also list every answer, with its date and id.")
    ] = False,
    forget: Annotated[
        int | None,
        typer.Option("--forget", help="Move your answer with this id to the trash."),
    ] = None,
    yes: Yes = False,
    as_json: Json = False,
) -> None:
    """A contact's (or --org's) discovery profile: what they are after, each answer dated.

    With no answer options (and no --show) it asks the six questions, showing the
    current answer; an empty reply skips one. Then it shows the profile: the latest
    answer per question, when it was learned, and how many earlier answers there are.
    """
    st = state(ctx)
    given = {
        key: text
        for key, text in zip(
            rules.QUESTION_KEYS, (goal, approach, targets, challenges, change, meaning), strict=True
        )
        if text is not None
    }
    if forget is not None:
        if given or show or contact is not None or org is not None:
            raise ValidationFailed("--forget", "takes only an answer id (and --yes)")
        if not confirm(f"Move discovery answer #{forget} to the trash?", yes):
            raise typer.Exit(1)
        ref = discovery_service.forget_discovery_answer(st.actor, st.uow, forget)
        render.ok(f"moved discovery answer #{ref.id} ({ref.label}) to the trash")
        return
    if show and given:
        raise ValidationFailed("--show", "shows the profile; record answers without it")
    if show:
        view = discovery_service.discovery_profile(st.actor, st.uow, contact, organization=org)
        print_profile(view, history=history, as_json=as_json)
        return
    if not given:
        _check_before_asking(st.actor, on, visibility)
        current = discovery_service.discovery_profile(st.actor, st.uow, contact, organization=org)
        given = _ask(current)
        if not given:
            err_console.print("nothing recorded", markup=False)
            print_profile(current, history=history, as_json=as_json)
            return
    view = discovery_service.record_discovery(
        st.actor, st.uow, contact, given, organization=org, learned_on=on, visibility=visibility
    )
    print_profile(view, history=history, as_json=as_json)


class _Question(Prompt):
    prompt_suffix = " "  # the questions end in '?'


def _check_before_asking(actor: Actor, on: str | None, visibility: str | None) -> None:
    """Refuse a bad --on or --visibility before the user types six answers."""
    if on is not None and on.strip():
        today = local_today(actor.tz, utcnow())
        rules.check_learned_on(parse_date(on, "learned_on", today), today)
    if visibility is not None:
        parse_visibility(visibility)


def _ask(current: DiscoveryView) -> dict[str, str]:
    """The six questions on the terminal (prompts on stderr, so --json stays clean);
    the current answer is shown as context, and an empty reply skips the question."""
    err_console.print(
        f"[bold]Discovery[/bold] — {escape(current.subject.label)}. Press Enter to skip a question."
    )
    answers: dict[str, str] = {}
    for item in current.questions:
        if item.latest is not None:
            err_console.print(
                f"  now: {item.latest.answer} (learned on {item.latest.learned_on.isoformat()})",
                style="dim",
                markup=False,
            )
        try:
            reply = _Question.ask(
                f"[bold]{escape(item.prompt)}[/bold]",
                console=err_console,
                default="",
                show_default=False,
            )
        except EOFError:  # input ran out: the remaining questions are skipped
            break
        if reply.strip():
            answers[item.key] = reply
    return answers


def print_profile(view: DiscoveryView, *, history: bool = False, as_json: bool = False) -> None:
    if as_json:
        render.emit_json(view)
        return
    if view.recorded:
        render.ok(f"recorded {len(view.recorded)} answer(s) about {view.subject.label}")
    console.print(
        f"[bold]Discovery profile[/bold] — {escape(view.subject.label)} ({view.subject_kind})"
    )
    render.table(
        None,
        ["question", "latest answer", "learned on", "earlier"],
        [
            (
                q.label,
                q.latest.answer if q.latest else "—",
                q.latest.learned_on.isoformat() if q.latest else None,
                f"{len(q.earlier)} earlier" if q.earlier else None,
            )
            for q in view.questions
        ],
    )
    if history and view.history:
        render.table(
            "History (newest learned first)",
            ["id", "learned on", "question", "answer", "visibility"],
            [
                (a.id, a.learned_on.isoformat(), a.question, a.answer, a.visibility)
                for a in view.history
            ],
        )


def print_latest(actor: Actor, uow: UnitOfWork, contact_id: int) -> None:
    """The latest discovery answers, under `goodwill contact show` (nothing if none)."""
    view = discovery_service.discovery_profile(actor, uow, contact_id)
    answered = [q for q in view.questions if q.latest is not None]
    if answered:
        render.table(
            "Discovery (goodwill discover CONTACT --show --history for more)",
            ["question", "latest answer", "learned on"],
            [(q.label, q.latest.answer, q.latest.learned_on) for q in answered if q.latest],
        )
