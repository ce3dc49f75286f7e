"""`goodwill pipeline …`: sales pipelines, job searches and custom ones, and their stages.
The opportunities in them are `goodwill opp …` (cli/opportunities.py)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from goodwill.cli import render
from goodwill.cli.ledger import Json, Visibility, Yes
from goodwill.cli.opportunities import opp_app
from goodwill.cli.state import confirm, console, state
from goodwill.domain.pipelines import format_money
from goodwill.services import pipelines as pipeline_service
from goodwill.services.pipelines import PipelineView

pipeline_app = typer.Typer(
    help="Pipelines (sales, job_search, custom) and their stages: list, add, stages, delete."
)

__all__ = ["opp_app", "pipeline_app"]

PipelineRef = Annotated[str, typer.Argument(help="The pipeline's id or name.")]


def print_stages(view: PipelineView) -> None:
    salary = format_money(view.target_salary, view.currency) if view.target_salary else None
    console.print(
        f"[bold]#{view.id} {escape(view.name)}[/bold] ({view.kind}) — "
        f"{view.open_opportunities} open of {view.opportunities} opportunities"
        + (f" · target salary {salary}" if salary else "")
        + (f" · since {view.started_on.isoformat()}" if view.started_on else ""),
        highlight=False,
        soft_wrap=True,
    )
    render.table(
        None,
        ["#", "stage", "probability", "closes as", "opportunities"],
        [
            (s.position, s.name, f"{s.probability:.0%}", s.outcome or "", s.opportunities)
            for s in view.stages
        ],
    )


@pipeline_app.command("list")
def pipeline_list(ctx: typer.Context, as_json: Json = False) -> None:
    """The pipelines you may see, with their open and total opportunities."""
    st = state(ctx)
    rows = pipeline_service.list_pipelines(st.actor, st.uow)
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["id", "name", "kind", "stages", "open", "total", "currency", "visibility"],
        [
            (
                p.id,
                p.name,
                p.kind,
                f"{len(p.stages)} ({sum(1 for s in p.stages if not s.outcome)} open)",
                p.open_opportunities,
                p.opportunities,
                p.currency,
                p.visibility,
            )
            for p in rows
        ],
    )


@pipeline_app.command("add")
def pipeline_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The pipeline's name, e.g. Sales.")],
    kind: Annotated[
        str, typer.Option(help="sales, job_search or custom (custom needs --stage).")
    ] = "sales",
    stage: Annotated[
        list[str] | None,
        typer.Option(
            help="A stage NAME:PROBABILITY[:won|lost][@POSITION], in order (repeatable); "
            "replaces the kind's default stages."
        ),
    ] = None,
    salary: Annotated[
        str | None, typer.Option(help="Job search: the yearly salary you aim at.")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 code (EUR, USD…), the pipeline's default.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="When the search began (job search default: today).")
    ] = None,
    visibility: Visibility = None,
    as_json: Json = False,
) -> None:
    """Create a pipeline with its kind's default stages or your own."""
    st = state(ctx)
    view = pipeline_service.create_pipeline(
        st.actor,
        st.uow,
        name,
        kind,
        stages=stage or None,
        target_salary=salary,
        currency=currency,
        started_on=since,
        visibility=visibility,
    )
    if as_json:
        render.emit_json(view)
        return
    render.ok(f"pipeline #{view.id} {view.name} ({view.kind}), {len(view.stages)} stages")
    print_stages(view)


@pipeline_app.command("stages")
def pipeline_stages(
    ctx: typer.Context,
    pipeline: Annotated[
        str | None, typer.Argument(help="The pipeline's id or name (default: your first).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="The new stage list, in order (repeatable): NAME:PROBABILITY[:won|lost]"
            "[@POSITION]; OLD=NEW:… renames. A stage left out is removed (refused when in use).",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Show a pipeline's stages, or replace them with --set."""
    st = state(ctx)
    if set_:
        view = pipeline_service.set_stages(st.actor, st.uow, pipeline, set_)
    else:
        view = pipeline_service.pipeline_stages(st.actor, st.uow, pipeline)
    if as_json:
        render.emit_json(view)
        return
    print_stages(view)


@pipeline_app.command("delete")
def pipeline_delete(ctx: typer.Context, pipeline: PipelineRef, yes: Yes = False) -> None:
    """Delete a pipeline and its stages; refused while it has opportunities."""
    st = state(ctx)
    if not confirm(f"Delete pipeline {pipeline} for good?", yes):
        raise typer.Exit(1)
    ref = pipeline_service.delete_pipeline(st.actor, st.uow, pipeline)
    render.ok(f"deleted pipeline #{ref.id} {ref.label}")
