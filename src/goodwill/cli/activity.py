"""`goodwill log`, `timeline`, `interaction …`, `note …`, `task …`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import confirm, console, state
from goodwill.services import interactions as interaction_service
from goodwill.services import notes as note_service
from goodwill.services import tasks as task_service
from goodwill.services.views import InteractionView, TaskView

interaction_app = typer.Typer(help="Logged interactions: list, delete.")
note_app = typer.Typer(help="Notes on contacts and organizations.")
task_app = typer.Typer(help="Tasks: add, list, done, snooze, reschedule, delete.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Visibility = Annotated[str | None, typer.Option(help="private or workspace.")]


def _interactions(rows: list[InteractionView], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "when", "channel", "by", "with", "summary"],
        [
            (
                i.id,
                render.when(i.occurred_at),
                i.channel,
                i.initiator,
                ", ".join(p.label for p in i.participants),
                i.summary,
            )
            for i in rows
        ],
    )


def _tasks(rows: list[TaskView], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "due", "task", "contact", "repeat"],
        [
            (t.id, t.due_local, t.title, t.contact.label if t.contact else None, t.recurrence)
            for t in rows
        ],
    )


def log(
    ctx: typer.Context,
    channel: Annotated[str, typer.Argument(help="meeting, call, coffee, email, message, social.")],
    contacts: Annotated[list[str], typer.Argument(help="Who took part (id, email or name).")],
    summary: Annotated[str | None, typer.Option("--summary", "-m", help="What happened.")] = None,
    on: Annotated[
        str | None, typer.Option(help="When: YYYY-MM-DD [HH:MM], -2d… (default now).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who reached out: me or them.")] = "me",
    recipients: Annotated[
        int | None, typer.Option(help="For mass emails: how many got it.")
    ] = None,
    complete_follow_ups: Annotated[
        bool, typer.Option("--complete-follow-ups", help="Complete their open follow-up tasks.")
    ] = False,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Log an interaction (a touch) with one or more contacts."""
    st = state(ctx)
    logged = interaction_service.log_interaction(
        st.actor,
        st.uow,
        channel,
        contacts,
        summary=summary,
        when=on,
        initiated_by=by,
        recipients=recipients,
        visibility=visibility,
    )
    if as_json:
        render.emit_json(logged)
    else:
        i = logged.interaction
        render.ok(
            f"logged {i.channel} #{i.id} with {', '.join(p.label for p in i.participants)} "
            f"on {render.when(i.occurred_at)}"
        )
    for task in logged.open_follow_ups:
        question = f"Complete open follow-up #{task.id} '{task.title}'?"
        if complete_follow_ups or (sys.stdin.isatty() and confirm(question, False)):
            done = task_service.complete_task(st.actor, st.uow, task.id)
            render.ok(f"completed task #{done.task.id}")
        elif not as_json:
            console.print(
                f"open follow-up #{task.id} '{task.title}': "
                f"`goodwill task done {task.id}` when it is handled",
                markup=False,
            )


def timeline(
    ctx: typer.Context,
    contact: Annotated[str, typer.Argument(help="An id, an email, or a unique part of the name.")],
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    as_json: Json = False,
) -> None:
    """A contact's interactions, newest first."""
    st = state(ctx)
    _interactions(
        interaction_service.contact_timeline(st.actor, st.uow, contact, limit=limit), as_json
    )


@interaction_app.command("list")
def interaction_list(
    ctx: typer.Context,
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    as_json: Json = False,
) -> None:
    """Recent interactions, newest first."""
    st = state(ctx)
    _interactions(
        interaction_service.list_interactions(st.actor, st.uow, channel=channel, limit=limit),
        as_json,
    )


@interaction_app.command("delete")
def interaction_delete(
    ctx: typer.Context,
    interaction_id: Annotated[int, typer.Argument(help="The interaction's id.")],
    yes: Yes = False,
) -> None:
    """Move an interaction to the trash."""
    st = state(ctx)
    if not confirm(f"Move interaction #{interaction_id} to the trash?", yes):
        raise typer.Exit(1)
    ref = interaction_service.delete_interaction(st.actor, st.uow, interaction_id)
    render.ok(f"moved {ref.label} (#{ref.id}) to the trash")


@note_app.command("add")
def note_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The note.")],
    contact: Annotated[str | None, typer.Option(help="About this contact.")] = None,
    org: Annotated[str | None, typer.Option(help="About this organization.")] = None,
    visibility: Visibility = None,
) -> None:
    """Add a note about a contact or an organization."""
    st = state(ctx)
    note = note_service.add_note(
        st.actor, st.uow, text, contact=contact, organization=org, visibility=visibility
    )
    render.ok(f"note #{note.id} on {note.about.label} ({note.visibility})")


@note_app.command("list")
def note_list(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Option(help="Only about this contact.")] = None,
    org: Annotated[str | None, typer.Option(help="Only about this organization.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    as_json: Json = False,
) -> None:
    """List notes, newest first."""
    st = state(ctx)
    rows = note_service.list_notes(st.actor, st.uow, contact=contact, organization=org, limit=limit)
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "date", "about", "note"],
        [(n.id, render.when(n.created_at), n.about.label, n.body) for n in rows],
    )


@note_app.command("edit")
def note_edit(
    ctx: typer.Context,
    note_id: Annotated[int, typer.Argument(help="The note's id.")],
    text: Annotated[str | None, typer.Option("--text", help="New text.")] = None,
    visibility: Visibility = None,
) -> None:
    """Change a note's text or visibility."""
    st = state(ctx)
    note = note_service.edit_note(st.actor, st.uow, note_id, text, visibility)
    render.ok(f"note #{note.id} updated")


@note_app.command("delete")
def note_delete(
    ctx: typer.Context,
    note_id: Annotated[int, typer.Argument(help="The note's id.")],
    yes: Yes = False,
) -> None:
    """Move a note to the trash."""
    st = state(ctx)
    if not confirm(f"Move note #{note_id} to the trash?", yes):
        raise typer.Exit(1)
    note_service.delete_note(st.actor, st.uow, note_id)
    render.ok(f"moved note #{note_id} to the trash")


@task_app.command("add")
def task_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What to do.")],
    due: Annotated[str | None, typer.Option(help="YYYY-MM-DD [HH:MM], today, +3d…")] = None,
    contact: Annotated[str | None, typer.Option(help="Who it is about.")] = None,
    repeat: Annotated[str | None, typer.Option(help="daily, weekly, monthly, yearly.")] = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Add a task."""
    st = state(ctx)
    task = task_service.add_task(
        st.actor, st.uow, title, due=due, contact=contact, repeat=repeat, visibility=visibility
    )
    if as_json:
        render.emit_json(task)
    else:
        render.ok(
            f"task #{task.id} {task.title}" + (f" due {task.due_local}" if task.due_local else "")
        )


@task_app.command("list")
def task_list(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Option(help="Tasks about this contact.")] = None,
    done: Annotated[bool, typer.Option("--done", help="Include completed tasks.")] = False,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 100,
    as_json: Json = False,
) -> None:
    """Your open tasks, soonest first."""
    st = state(ctx)
    _tasks(
        task_service.list_tasks(st.actor, st.uow, contact=contact, include_done=done, limit=limit),
        as_json,
    )


@task_app.command("done")
def task_done(
    ctx: typer.Context, task_id: Annotated[int, typer.Argument(help="The task's id.")]
) -> None:
    """Complete a task (a repeating one schedules its next occurrence)."""
    st = state(ctx)
    result = task_service.complete_task(st.actor, st.uow, task_id)
    render.ok(f"done: #{result.task.id} {result.task.title}")
    if result.next_occurrence:
        render.ok(f"next: #{result.next_occurrence.id} due {result.next_occurrence.due_local}")


@task_app.command("snooze")
def task_snooze(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(help="The task's id.")],
    until: Annotated[str, typer.Option(help="Hide until (default tomorrow).")] = "tomorrow",
) -> None:
    """Hide a task from today until a later day."""
    st = state(ctx)
    task = task_service.snooze_task(st.actor, st.uow, task_id, until)
    render.ok(f"snoozed #{task.id} until {render.when(task.snoozed_until)}")


@task_app.command("reschedule")
def task_reschedule(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(help="The task's id.")],
    due: Annotated[str, typer.Argument(help="New due date [time].")],
) -> None:
    """Move a task's due date."""
    st = state(ctx)
    task = task_service.reschedule_task(st.actor, st.uow, task_id, due)
    render.ok(f"#{task.id} now due {task.due_local}")


@task_app.command("delete")
def task_delete(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(help="The task's id.")],
    yes: Yes = False,
) -> None:
    """Move a task to the trash."""
    st = state(ctx)
    if not confirm(f"Move task #{task_id} to the trash?", yes):
        raise typer.Exit(1)
    task_service.delete_task(st.actor, st.uow, task_id)
    render.ok(f"moved task #{task_id} to the trash")
