"""The `goodwill` command."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from goodwill.bootstrap import open_database
from goodwill.cli import render
from goodwill.cli.activity import interaction_app, log, note_app, task_app, timeline
from goodwill.cli.asks import ask, asks_app
from goodwill.cli.backup import export_command, restore_command
from goodwill.cli.coach import coach_command
from goodwill.cli.contacts import contact_app
from goodwill.cli.dedupe import duplicates_app, merge
from goodwill.cli.discovery import discover
from goodwill.cli.giving import gives_app, need_app, needs, offer_app, print_gives
from goodwill.cli.imports import config_app, import_command
from goodwill.cli.intros import intro_app, template_app
from goodwill.cli.ledger import give, ledger_app, receive
from goodwill.cli.members import member_app
from goodwill.cli.network import knows_command, path_command
from goodwill.cli.orgs import org_app
from goodwill.cli.pipelines import opp_app, pipeline_app
from goodwill.cli.privacy import forget
from goodwill.cli.reports import goal_app, report_app
from goodwill.cli.server import serve, token_app
from goodwill.cli.state import GoodwillGroup, State, confirm, console, state
from goodwill.cli.strength import config_strength, strength_command
from goodwill.cli.workspace_settings import config_cadence
from goodwill.config import default_database_url
from goodwill.errors import ValidationFailed
from goodwill.services import accounts, agenda, demo, exporting, trash
from goodwill.storage import migrate

app = typer.Typer(
    cls=GoodwillGroup,
    help="goodwill — a relationship-first CRM: give more than you take, ask well.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema: upgrade, current.")
settings_app = typer.Typer(help="Your settings: time zone, phone region, default visibility.")
user_app = typer.Typer(help="Workspace members.")
trash_app = typer.Typer(help="Deleted records, restorable for 30 days.")

app.add_typer(contact_app, name="contact")
app.add_typer(org_app, name="org")
app.add_typer(interaction_app, name="interaction")
app.add_typer(note_app, name="note")
app.add_typer(task_app, name="task")
app.add_typer(trash_app, name="trash")
app.add_typer(settings_app, name="settings")
app.add_typer(user_app, name="user")
app.add_typer(member_app, name="member")
app.add_typer(db_app, name="db")
app.command("log")(log)
app.command("timeline")(timeline)
app.command("give")(give)
app.command("receive")(receive)
app.command("ask")(ask)
app.add_typer(ledger_app, name="ledger")
app.add_typer(asks_app, name="asks")
app.command("forget")(forget)
app.command("export")(export_command)
app.command("restore")(restore_command)
# [dedupe-commands]
app.add_typer(duplicates_app, name="duplicates")
app.command("merge")(merge)
app.command("import")(import_command)
app.add_typer(config_app, name="config")
app.command("strength")(strength_command)
config_app.command("strength")(config_strength)
config_app.command("cadence")(config_cadence)
app.command("knows")(knows_command)
app.command("path")(path_command)
app.command("coach")(coach_command)
app.add_typer(intro_app, name="intro")
app.add_typer(template_app, name="template")
app.command("discover")(discover)
app.add_typer(need_app, name="need")
app.add_typer(offer_app, name="offer")
app.command("needs")(needs)
app.add_typer(gives_app, name="gives")
app.add_typer(report_app, name="report")
app.add_typer(goal_app, name="goal")
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(opp_app, name="opp")
app.add_typer(token_app, name="token")
app.command("serve")(serve)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL (default: $GOODWILL_DB or SQLite in your data dir)."
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Act as this workspace member (email).")
    ] = None,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace",
            help="Act in this workspace (id or name; default: the first the user joined).",
        ),
    ] = None,
) -> None:
    """goodwill — a relationship-first CRM."""
    ctx.obj = State(db_url=db or default_database_url(), user_email=user, workspace=workspace)


def _shown(title: str, shown: list[Any], total: int) -> str:
    """A section's title, saying how much of it is shown when not all of it is."""
    if len(shown) >= total:
        return title
    return f"{title} ({len(shown)} of {total:,}; `goodwill task list` shows more)"


@app.command("today")
def today(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many people going cold to show.")] = 20,
    tasks: Annotated[
        int,
        typer.Option(
            "--tasks", min=1, help="How many tasks to show per section (overdue, due today)."
        ),
    ] = agenda.TASKS_SHOWN,
    as_json: Json = False,
    ics: Annotated[
        bool,
        typer.Option("--ics", help="Print the agenda as iCalendar to-dos (stable UIDs)."),
    ] = False,
) -> None:
    """Today's agenda: tasks due and overdue, ask plan steps, asks waiting on an answer,
    people going cold worth a touch (strongest and most overdue first, with a reason),
    this week's gives versus asks, and the top ways to give."""
    st = state(ctx)
    if ics:
        if as_json:
            raise ValidationFailed("--ics", "choose one of --json and --ics")
        exporting.export_agenda(st.actor, st.uow, sys.stdout.buffer, lapsed_limit=limit)
        return
    view = agenda.today_agenda(st.actor, st.uow, lapsed_limit=limit, task_limit=tasks)
    if as_json:
        render.emit_json(view)
        return
    console.print(f"[bold]Today[/bold] — {view.today:%A %d %B %Y} ({view.timezone})")
    if view.overdue_tasks:
        render.table(
            _shown("Overdue", view.overdue_tasks, view.overdue_total),
            ["id", "due", "task", "contact"],
            [
                (t.id, t.due_local, t.title, t.contact and t.contact.label)
                for t in view.overdue_tasks
            ],
        )
    if view.due_today:
        render.table(
            _shown("Due today", view.due_today, view.due_today_total),
            ["id", "due", "task", "contact"],
            [(t.id, t.due_local, t.title, t.contact and t.contact.label) for t in view.due_today],
        )
    if view.ask_steps:
        render.table(
            _shown("Ask plan steps", view.ask_steps, view.ask_steps_total),
            ["id", "due", "step", "contact"],
            [(t.id, t.due_local, t.title, t.contact and t.contact.label) for t in view.ask_steps],
        )
    if view.asks_waiting:
        render.table(
            "Waiting on an answer",
            ["ask", "of", "kind", "what", "asked", "waiting"],
            [
                (
                    f"#{w.ask_id}",
                    w.contact.label,
                    w.kind,
                    w.what,
                    render.when(w.asked_at),
                    f"{w.days_waiting}d",
                )
                for w in view.asks_waiting
            ],
        )
    if view.lapsed:
        console.print(
            f"[bold]Going cold, worth a touch[/bold] ({len(view.lapsed)} of {view.lapsed_total})"
        )
        for c in view.lapsed:
            tier = f"{c.tier}, " if c.tier else ""
            console.print(
                f"  #{c.contact.id} [bold]{escape(c.contact.label)}[/bold] — {tier}every "
                f"{c.cadence_days}d · {c.days_overdue}d overdue · strength {c.strength:.0f}",
                highlight=False,
            )
            for reason in c.reasons:
                console.print(f"      · {escape(reason)}", highlight=False)
    if not (
        view.overdue_tasks or view.due_today or view.ask_steps or view.asks_waiting or view.lapsed
    ):
        console.print("Nothing due. A good day to give: who could use an introduction?")
    if view.gives:
        console.print("[bold]Ways to give[/bold] (goodwill gives act KEY)")
        print_gives(view.gives, indent="  ")
    week = view.week
    console.print(
        f"This week (since {week.since:%a %d %b}): gave {week.gives}, asked {week.asks}"
        + (" — give before you ask." if week.asks > week.gives else ".")
    )


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    contacts: Annotated[int, typer.Option(help="How many people.")] = 150,
    seed: Annotated[int, typer.Option(help="Same seed, same network.")] = 1,
    force: Annotated[bool, typer.Option(help="Add demo data to a non-empty database.")] = False,
) -> None:
    """Build a realistic demo network (people, companies, two years of history, tasks)."""
    st = state(ctx)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, object] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=total)
            bar.advance(tasks[table], done)  # type: ignore[arg-type]

        summary = demo.build_demo(
            st.actor, st.uow, contacts=contacts, seed=seed, force=force, progress=progress
        )
    render.ok(
        f"demo network: {summary.contacts} contacts, {summary.organizations} organizations, "
        f"{summary.interactions} interactions, {summary.tasks} tasks, {summary.notes} notes, "
        f"{summary.ledger_entries} ledger entries, {summary.asks} asks, "
        f"{summary.pipelines} pipelines, {summary.opportunities} opportunities"
    )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring the database schema up to date (needed for PostgreSQL)."""
    st = state(ctx)
    database = open_database(st.db_url, upgrade=True)
    try:
        render.ok(f"schema at {migrate.current_revision(database.engine)}")
    finally:
        database.close()


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Show the schema revision of the database and of this goodwill."""
    st = state(ctx)
    database = open_database(st.db_url, upgrade=False)
    try:
        current = migrate.current_revision(database.engine)
        console.print(f"database: {current or 'empty'}  goodwill: {migrate.head_revision()}")
    finally:
        database.close()


@settings_app.command("show")
def settings_show(ctx: typer.Context, as_json: Json = False) -> None:
    """Show your settings."""
    st = state(ctx)
    view = accounts.get_settings(st.actor, st.uow)
    if as_json:
        render.emit_json(view)
    else:
        render.fields([(k, v) for k, v in vars(view).items()])


@settings_app.command("set")
def settings_set(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            help="timezone, default_region, default_visibility, name, email, workspace."
        ),
    ],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    """Change a setting."""
    st = state(ctx)
    accounts.update_setting(st.actor, st.uow, key, value)
    render.ok(f"{key} = {value}")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The teammate's email.")],
    name: Annotated[str | None, typer.Option(help="Their name.")] = None,
    role: Annotated[str, typer.Option(help="member or admin.")] = "member",
) -> None:
    """Add a teammate to the workspace."""
    st = state(ctx)
    member = accounts.add_member(st.actor, st.uow, email, name, role)
    render.ok(f"added {member.email} as {member.role}")


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: Json = False) -> None:
    """List workspace members."""
    st = state(ctx)
    members = accounts.list_members(st.actor, st.uow)
    if as_json:
        render.emit_json(members)
    else:
        render.table(
            None,
            ["id", "email", "name", "role"],
            [(m.user_id, m.email, m.name, m.role) for m in members],
        )


@trash_app.command("list")
def trash_list(ctx: typer.Context, as_json: Json = False) -> None:
    """What is in the trash."""
    st = state(ctx)
    items = trash.list_trash(st.actor, st.uow)
    if as_json:
        render.emit_json(items)
    else:
        render.table(
            None,
            ["kind", "id", "what", "deleted"],
            [(i.kind, i.id, i.label, render.when(i.deleted_at)) for i in items],
        )


@trash_app.command("restore")
def trash_restore(
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Argument(help="contact, organization, interaction, note, task, ledger, ask.")
    ],
    record_id: Annotated[int, typer.Argument(help="The id shown by `trash list`.")],
) -> None:
    """Restore a deleted record."""
    st = state(ctx)
    ref = trash.restore_from_trash(st.actor, st.uow, kind, record_id)
    render.ok(f"restored {kind} #{ref.id} {ref.label}")


@trash_app.command("purge")
def trash_purge(
    ctx: typer.Context,
    everything: Annotated[
        bool, typer.Option("--all", help="Purge everything, not only >30 days.")
    ] = False,
    yes: Yes = False,
) -> None:
    """Delete for good what you trashed more than 30 days ago."""
    st = state(ctx)
    scope = "everything in your trash" if everything else "what you trashed over 30 days ago"
    if not confirm(f"Delete {scope} for good?", yes):
        raise typer.Exit(1)
    render.ok(f"purged {trash.purge_trash(st.actor, st.uow, everything=everything)} record(s)")


def run() -> None:
    app()
