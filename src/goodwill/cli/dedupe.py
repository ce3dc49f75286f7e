"""`goodwill duplicates` (list, scan, dismiss) and `goodwill merge`."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
from typing import Annotated

import typer

from goodwill.cli import render
from goodwill.cli.state import confirm, console, state
from goodwill.errors import Conflict
from goodwill.services import auth
from goodwill.services import dedupe as dedupe_service
from goodwill.services.actor import Actor
from goodwill.services.dedupe import MergePreview
from goodwill.storage.unit_of_work import UnitOfWork

duplicates_app = typer.Typer(
    help="Likely duplicate contacts, best first (`duplicates dismiss A B`: not the same person).",
    invoke_without_command=True,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Contact = Annotated[str, typer.Argument(help="An id, an email, or a unique part of the name.")]


@duplicates_app.callback()
def duplicates(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many pairs to show at most.")] = 50,
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="Only pairs with this contact.")
    ] = None,
    scan: Annotated[
        bool,
        typer.Option(
            "--scan",
            help="Scan all your contacts and store the likely pairs for the web page's "
            "review (`goodwill duplicates --stored` lists them).",
        ),
    ] = False,
    stored: Annotated[
        bool,
        typer.Option("--stored", help="List the pairs the last scan stored, re-checked now."),
    ] = False,
    as_json: Json = False,
) -> None:
    """List likely duplicate pairs with a score and why; merge with `goodwill merge A B`."""
    if ctx.invoked_subcommand is not None:
        return
    st = state(ctx)
    if scan:
        _scan(st.actor, st.uow, as_json)
        return
    if stored:
        page = dedupe_service.stored_duplicates(st.actor, st.uow, limit=limit)
        found = dedupe_service.DuplicateList(page.candidates, page.scan.notes)
        if page.scan.scanned_at is None and not as_json:
            console.print("Not scanned yet: goodwill duplicates --scan")
            return
    else:
        found = dedupe_service.list_duplicates(st.actor, st.uow, limit=limit, contact=contact)
    if as_json:
        render.emit_json(found)
        return
    if not found.candidates:
        console.print("No likely duplicates.")
    else:
        render.table(
            None,
            ["ids", "contact", "contact", "score", "why"],
            [
                (f"{c.a.id} {c.b.id}", c.a.label, c.b.label, c.score, "; ".join(c.reasons))
                for c in found.candidates
            ],
        )
        console.print("Merge a pair: goodwill merge KEEP OTHER --preview")
    for note in found.notes:
        console.print(f"note: {note}", markup=False)


def _scan(actor: Actor, uow: UnitOfWork, as_json: bool) -> None:
    """The scan, in the foreground, marked running while it runs (as the page's is)."""
    if not dedupe_service.start_scan(actor, uow):
        raise Conflict("a scan for duplicates is already running: wait for it to finish")
    try:
        result = dedupe_service.scan_duplicates(actor, uow)
    except dedupe_service.ScanReplaced:
        raise  # the newer scan is not this one's to mark failed
    except BaseException:
        dedupe_service.run_failed(actor, uow, "the scan was interrupted")
        raise
    if as_json:
        render.emit_json(result)
        return
    render.ok(
        f"scanned {result.contacts:,} contacts ({result.compared:,} candidate pairs): "
        f"{result.pairs:,} likely duplicate pairs stored"
    )
    for note in result.notes:
        console.print(f"note: {note}", markup=False)


@duplicates_app.command("scan-job", hidden=True)
def scan_job(
    ctx: typer.Context,
    user_id: Annotated[int, typer.Option("--user-id", min=1, help="The member scanning.")],
    workspace_id: Annotated[
        int, typer.Option("--workspace-id", min=1, help="The workspace they scan in.")
    ],
) -> None:
    """A scan the web page started (web.scan_jobs), in this process of its own, on the
    database of --db or $GOODWILL_DB; marked failed, with why, if it cannot finish."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)  # the server's pages come first
    signal.signal(signal.SIGTERM, _stop)
    st = state(ctx)
    actor = auth.member_actor(st.uow, user_id, workspace_id)
    try:
        dedupe_service.run_scan(actor, st.uow)
    except BaseException:  # stopped: SIGTERM, Ctrl-C
        dedupe_service.run_failed(actor, st.uow, "the scan was stopped")
        raise


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@duplicates_app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="One contact (id, email or name).")],
    b: Annotated[str, typer.Argument(help="The other contact.")],
    as_json: Json = False,
) -> None:
    """They are different people: stop suggesting this pair (for you)."""
    st = state(ctx)
    dismissal = dedupe_service.dismiss_duplicate(st.actor, st.uow, a, b)
    if as_json:
        render.emit_json(dismissal)
        return
    render.ok(
        f"#{dismissal.a.id} {dismissal.a.label} and #{dismissal.b.id} {dismissal.b.label} "
        "will not be suggested as duplicates again"
    )


def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The contact to keep (id, email or name).")],
    other: Annotated[
        str, typer.Argument(help="The contact merged into it and then deleted for good.")
    ],
    preview: Annotated[
        bool, typer.Option("--preview", help="Show the merged contact; change nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Json = False,
) -> None:
    """Merge OTHER into KEEP: every email, phone, position, interaction, ledger entry,
    ask, task and note of both is kept; OTHER is deleted and the merge recorded."""
    st = state(ctx)
    plan = dedupe_service.preview_merge(st.actor, st.uow, keep, other)
    if preview:
        if as_json:
            render.emit_json(plan)
        else:
            show_preview(plan)
        return
    if not yes and not as_json:
        show_preview(plan)
    question = (
        f"Merge #{plan.other.id} {plan.other.label} into #{plan.keep.id} {plan.keep.label}? "
        f"#{plan.other.id} is deleted for good once its records have moved."
    )
    if not confirm(question, yes):
        raise typer.Exit(1)
    merged = dedupe_service.merge_contacts(st.actor, st.uow, keep, other)
    if as_json:
        render.emit_json(merged)
        return
    moved = ", ".join(
        f"{getattr(plan.moves, f.name)} {f.name.replace('_', ' ')}"
        for f in dataclasses.fields(plan.moves)
        if getattr(plan.moves, f.name)
    )
    render.ok(
        f"merged #{plan.other.id} into #{merged.id} {merged.display_name}"
        + (f" (moved: {moved})" if moved else "")
    )


def show_preview(plan: MergePreview) -> None:
    console.print(
        f"[bold]Merge preview[/bold]: #{plan.other.id} into #{plan.keep.id}", highlight=False
    )
    render.fields(
        [
            ("name", plan.display_name),
            ("nickname", plan.nickname),
            ("emails", ", ".join(plan.emails)),
            ("phones", ", ".join(plan.phones)),
            ("links", ", ".join(plan.links)),
            ("tags", ", ".join(plan.tags)),
            ("tier", plan.tier),
            ("cadence", f"{plan.cadence_days}d" if plan.cadence_days else None),
            ("how met", plan.how_met),
            ("met on", plan.met_on),
            ("birthday", plan.birthday),
            ("addresses", len(plan.addresses) or None),
            *((f"field {k}", v) for k, v in plan.custom_fields.items()),
        ]
    )
    if plan.positions:
        render.table(
            "Positions",
            ["organization", "title", "from", "to"],
            [(p.organization.label, p.title, p.start_date, p.end_date) for p in plan.positions],
        )
    render.table(
        f"Moving from #{plan.other.id}",
        ["what", "count"],
        [
            (f.name.replace("_", " "), getattr(plan.moves, f.name))
            for f in dataclasses.fields(plan.moves)
        ],
    )
    for conflict in plan.conflicts:
        console.print(f"conflict: {conflict}", markup=False)
