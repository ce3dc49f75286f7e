"""`goodwill report …` (funnel, aging, forecast, jobsearch, attribution, goals) and
`goodwill goal …`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from goodwill.cli import render
from goodwill.cli.state import console, state
from goodwill.errors import ValidationFailed
from goodwill.services import goals as goals_service
from goodwill.services import reports
from goodwill.services.goals import GoalView
from goodwill.services.report_views import AttributionStory

report_app = typer.Typer(
    help="Pipeline reports: funnel, aging, forecast, jobsearch, attribution, goals."
)
goal_app = typer.Typer(help="Weekly activity goals: set, list, remove.")

CHART_SUFFIXES = (".png", ".svg")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
Pipeline = Annotated[
    str | None,
    typer.Option(help="The pipeline, by id or name (default: your first of the fitting kind)."),
]
Since = Annotated[str | None, typer.Option(help="Only opportunities opened on or after this date.")]
Until = Annotated[
    str | None, typer.Option(help="Only opportunities opened on or before this date.")
]
Chart = Annotated[
    str | None, typer.Option("--chart", help="Also draw the report to FILE.png or FILE.svg.")
]


def _chart_path(chart: str | None) -> Path | None:
    """Checked before any work: a chart goes to a .png or an .svg file."""
    if chart is None:
        return None
    path = Path(chart)
    if path.suffix.lower() not in CHART_SUFFIXES:
        raise ValidationFailed("--chart", f"'{chart[:200]}' must end in .png or .svg")
    if not path.parent.is_dir():
        raise ValidationFailed("--chart", f"no folder {str(path.parent)[:200]} to write to")
    return path


def _draw(path: Path | None, draw: str, view: Any, as_json: bool) -> None:
    if path is None:
        return
    from goodwill.cli import charts  # matplotlib only when a chart is asked for

    maker: Callable[[Any], Any] = getattr(charts, f"{draw}_chart")
    charts.save(maker(view), path)
    if not as_json:
        render.ok(f"chart written to {path}")


def _money(value: Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}" + (f" {currency}" if currency else "")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _heading(title: str, since: Any, until: Any) -> None:
    window = (
        "" if since is None and until is None else f" — opened {since or '…'} to {until or '…'}"
    )
    console.print(f"[bold]{title}[/bold]{window}")


@report_app.command("funnel")
def funnel(
    ctx: typer.Context,
    pipeline: Pipeline = None,
    since: Since = None,
    until: Until = None,
    as_json: Json = False,
    chart: Chart = None,
) -> None:
    """How many reached each stage, conversion to the next, where lost ones stopped,
    median time in stage, win rate and reasons for losing."""
    st = state(ctx)
    path = _chart_path(chart)
    view = reports.funnel_report(st.actor, st.uow, pipeline=pipeline, since=since, until=until)
    if as_json:
        render.emit_json(view)
    else:
        _heading(f"Funnel: {view.pipeline.label}", view.since, view.until)
        render.table(
            None,
            ["stage", "reached", "→ next", "lost here", "open now", "median days (stays)"],
            [
                (s.stage, s.reached, _pct(s.conversion), s.lost_here, s.open_now,
                 f"{_days(s.median_days)} ({s.completed_stays})" if s.completed_stays else "—")
                for s in view.steps
            ],
        )  # fmt: skip
        console.print(
            f"{view.total} opportunities: {view.open} open, {view.won} won, {view.lost} lost"
            f" — win rate {_pct(view.win_rate)} (won / closed)"
        )
        if view.lost_reasons:
            render.table(
                "Why they were lost",
                ["stage", "reason", "count"],
                [(r.stage, r.reason or "(no reason given)", r.count) for r in view.lost_reasons],
            )
    _draw(path, "funnel", view, as_json)


@report_app.command("aging")
def aging(
    ctx: typer.Context,
    pipeline: Pipeline = None,
    since: Since = None,
    until: Until = None,
    as_json: Json = False,
    chart: Chart = None,
) -> None:
    """Open opportunities in their stage longer than twice the stage's median stay."""
    st = state(ctx)
    path = _chart_path(chart)
    view = reports.aging_report(st.actor, st.uow, pipeline=pipeline, since=since, until=until)
    if as_json:
        render.emit_json(view)
    else:
        _heading(f"Stage aging: {view.pipeline.label}", view.since, view.until)
        render.table(
            None,
            ["stage", "open", "median days", "aging"],
            [(s.stage, s.open, _days(s.median_days), s.aging) for s in view.stages],
        )
        if view.items:
            render.table(
                f"Aging ({view.aging}; the {len(view.items)} most overdue)",
                ["id", "opportunity", "stage", "days in stage", "× median", "value"],
                [
                    (i.opportunity.id, i.opportunity.label, i.stage, f"{i.days_in_stage:g}",
                     "—" if i.times_median is None else f"{i.times_median:g}",
                     _money(i.value, i.currency))
                    for i in view.items
                ],
            )  # fmt: skip
        else:
            console.print("Nothing is aging.")
    _draw(path, "aging", view, as_json)


@report_app.command("forecast")
def forecast(
    ctx: typer.Context,
    pipeline: Pipeline = None,
    since: Since = None,
    until: Until = None,
    as_json: Json = False,
    chart: Chart = None,
) -> None:
    """Weighted forecast (value × stage probability) and velocity, per currency."""
    st = state(ctx)
    path = _chart_path(chart)
    view = reports.forecast_report(st.actor, st.uow, pipeline=pipeline, since=since, until=until)
    if as_json:
        render.emit_json(view)
    else:
        _heading(f"Forecast: {view.pipeline.label}", view.since, view.until)
        render.table(
            None,
            ["currency", "open", "value", "weighted", "average", "velocity / day"],
            [
                (c.currency, c.open, _money(c.value), _money(c.weighted),
                 _money(c.average_value), _money(c.velocity_per_day))
                for c in view.currencies
            ],
        )  # fmt: skip
        render.table(
            "By stage",
            ["stage", "probability", "currency", "open", "value", "weighted"],
            [
                (line.stage, f"{line.probability:.0%}", line.currency, line.open,
                 _money(line.value), _money(line.weighted))
                for line in view.lines
            ],
        )  # fmt: skip
        cycle = "—" if view.average_cycle_days is None else f"{view.average_cycle_days:g} days"
        console.print(
            f"win rate {_pct(view.win_rate)} ({view.won} of {view.closed} closed); "
            f"average cycle to a win {cycle}"
            + (
                f"; {view.open_without_value} open without a value"
                if view.open_without_value
                else ""
            )
        )
    _draw(path, "forecast", view, as_json)


@report_app.command("jobsearch")
def jobsearch(
    ctx: typer.Context,
    pipeline: Pipeline = None,
    since: Since = None,
    until: Until = None,
    as_json: Json = False,
    chart: Chart = None,
) -> None:
    """Your job search: the funnel, referrals, interview rounds, and the cost of delay."""
    st = state(ctx)
    path = _chart_path(chart)
    view = reports.jobsearch_report(st.actor, st.uow, pipeline=pipeline, since=since, until=until)
    if as_json:
        render.emit_json(view)
    else:
        _heading(f"Job search: {view.pipeline.label}", view.since, view.until)
        cost = view.cost
        pairs: list[tuple[str, Any]] = [
            ("target salary", _money(view.target_salary, view.currency)),
            ("began", view.started_on),
        ]
        if cost is not None:
            pairs += [
                ("weekly cost", _money(cost.weekly_cost, view.currency)),
                ("weeks so far", f"{cost.weeks_elapsed}"),
                ("forgone so far", _money(cost.forgone, view.currency)),
                ("offers", cost.offers),
                ("next offer in", None if cost.projected_weeks_to_next_offer is None
                 else f"{cost.projected_weeks_to_next_offer} weeks at this pace"),
                ("forgone by then", _money(cost.projected_total, view.currency)
                 if cost.projected_total is not None else None),
            ]  # fmt: skip
        pairs.append(("", view.note))
        render.fields(pairs)
        render.table(
            None,
            ["stage", "reached", "→ next", "lost here", "open now"],
            [(s.stage, s.reached, _pct(s.conversion), s.lost_here, s.open_now) for s in view.steps],
        )
        console.print(
            f"applications {view.applications}, offers {view.offers}, accepted {view.accepted}; "
            f"referrals asked {view.referrals_asked}, received {view.referrals_received}; "
            f"interview rounds {view.interview_rounds}"
        )
    _draw(path, "jobsearch", view, as_json)


@report_app.command("attribution")
def attribution(
    ctx: typer.Context,
    pipeline: Pipeline = None,
    since: Since = None,
    until: Until = None,
    as_json: Json = False,
    chart: Chart = None,
) -> None:
    """What relationships led to: the history behind each win, and opportunities where
    you gave first against cold ones."""
    st = state(ctx)
    path = _chart_path(chart)
    view = reports.attribution_report(st.actor, st.uow, pipeline=pipeline, since=since, until=until)
    if as_json:
        render.emit_json(view)
    else:
        _heading(f"What relationships led to: {view.pipeline.label}", view.since, view.until)
        render.table(
            None,
            ["started", "opportunities", "open", "won", "lost", "conversion"],
            [
                (g.label, g.opportunities, g.open, g.won, g.lost, _pct(g.conversion))
                for g in (view.gave_first, view.cold)
            ],
        )
        if view.stories:
            console.print(f"[bold]Wins[/bold] ({view.wins}; the {len(view.stories)} most recent)")
        for story in view.stories:
            _story(story)
    _draw(path, "attribution", view, as_json)


@report_app.command("goals")
def goals(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option("--week", "--since", help="Any day of the week to report (default: today)."),
    ] = None,
    as_json: Json = False,
    chart: Chart = None,
) -> None:
    """Progress against your weekly goals (Monday to Sunday, in your time zone)."""
    st = state(ctx)
    path = _chart_path(chart)
    view = goals_service.goals_report(st.actor, st.uow, week_of=week)
    if as_json:
        render.emit_json(view)
    else:
        console.print(
            f"[bold]Goals[/bold] — week of {view.week_start:%a %d %b} to "
            f"{view.week_end:%a %d %b %Y} ({view.timezone})"
        )
        if not view.goals:
            console.print("No goals yet: goodwill goal set networking 10")
        else:
            render.table(
                None,
                ["goal", "counts", "done", "target", "%", "to go"],
                [
                    (g.metric, g.counts, g.done, g.target, f"{g.percent}%", g.remaining or "met")
                    for g in view.goals
                ],
            )
    _draw(path, "goals", view, as_json)


def _story(s: AttributionStory) -> None:
    people = " / ".join(r.label for r in (s.contact, s.organization) if r is not None)
    head = f"#{s.opportunity.id} {s.opportunity.label}" + (f" — {people}" if people else "")
    console.print(
        f"  [bold]{escape(head)}[/bold] · {_money(s.value, s.currency)} · won {s.closed_on or '—'}",
        highlight=False,
    )
    via = f" via {s.source_contact.label}" if s.source_contact else ""
    intro = f" (introduction #{s.introduction_id})" if s.introduction_id else ""
    touch = f"first touch {s.first_touch}" if s.first_touch else "no touch recorded"
    console.print(
        escape(
            f"      {s.source}{via}{intro} · {touch} · {s.interactions_before} touch(es) and "
            f"{s.gives_before} give(s) before it opened"
            + (" — you gave first" if s.gave_first else "")
        ),
        highlight=False,
    )


def _goal_rows(rows: list[GoalView], as_json: bool) -> None:
    if as_json:
        render.emit_json(rows)
        return
    render.table(
        None,
        ["goal", "weekly target", "counts"],
        [(g.metric, g.weekly_target, g.counts) for g in rows],
    )


@goal_app.command("set")
def goal_set(
    ctx: typer.Context,
    metric: Annotated[
        str, typer.Argument(help="touches, networking, applications, gives or asks.")
    ],
    target: Annotated[str, typer.Argument(help="How many a week (at least 1).")],
    as_json: Json = False,
) -> None:
    """Set a weekly target (again: change it)."""
    st = state(ctx)
    goal = goals_service.set_goal(st.actor, st.uow, metric, target)
    if as_json:
        render.emit_json(goal)
    else:
        render.ok(f"goal: {goal.weekly_target} {goal.metric} a week ({goal.counts})")


@goal_app.command("list")
def goal_list(ctx: typer.Context, as_json: Json = False) -> None:
    """Your weekly goals."""
    st = state(ctx)
    _goal_rows(goals_service.list_goals(st.actor, st.uow), as_json)


@goal_app.command("remove")
def goal_remove(
    ctx: typer.Context,
    metric: Annotated[str, typer.Argument(help="The goal's metric.")],
) -> None:
    """Stop tracking a goal."""
    st = state(ctx)
    goal = goals_service.remove_goal(st.actor, st.uow, metric)
    render.ok(f"removed the goal of {goal.weekly_target} {goal.metric} a week")
