"""Pipelines: the list, a kanban board per pipeline (services.pipelines.pipeline_board),
stage moves from a card's "Move to" form, by keyboard or by drag and drop
(services.opportunities.move_opportunity), and the pipeline reports as pages with
charts (services.reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query
from fastapi.responses import Response

from goodwill.domain.text import SHORT_MAX
from goodwill.services import opportunities, pipelines, reports
from goodwill.web.api.models import MAX_ID
from goodwill.web.pages import _charts
from goodwill.web.pages._core import PageDep

router = APIRouter(include_in_schema=False)
PipelineId = Annotated[int, Path(ge=1, le=MAX_ID)]
OppId = Annotated[int, Path(ge=1, le=MAX_ID)]
After = Annotated[int | None, Query(ge=1, le=MAX_ID)]
ReportName = Literal["funnel", "aging", "jobsearch", "attribution"]
Day = Annotated[str, Query(max_length=40)]  # a date (YYYY-MM-DD, or what the CLI takes); "": none

REPORTS: dict[str, tuple[str, Callable[..., Any]]] = {
    "funnel": ("Funnel", reports.funnel_report),
    "aging": ("Stage aging", reports.aging_report),
    "jobsearch": ("Job search", reports.jobsearch_report),
    "attribution": ("Attribution", reports.attribution_report),
}
# Which reports fit which kind of pipeline (a custom one: the funnel and aging).
REPORTS_BY_KIND = {
    "sales": ("funnel", "aging", "attribution"),
    "job_search": ("funnel", "aging", "jobsearch"),
}
DEFAULT_REPORTS = ("funnel", "aging")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _chart(name: str, report: Any) -> _charts.BarChart:
    """The chart of a report: reached per stage (funnel, job search), open and aging per
    stage (aging), conversion with and without giving first (attribution)."""
    if name == "aging":
        return _charts.hbars(
            f"Open opportunities per stage in {report.pipeline.label}, stuck ones darker",
            [(s.stage, s.open, f"{s.open} open, {s.aging} stuck") for s in report.stages],
            overlays=[s.aging for s in report.stages],
        )
    if name == "attribution":
        groups = (report.gave_first, report.cold)
        return _charts.hbars(
            f"Win rate in {report.pipeline.label}: gave first against cold",
            [(g.label, (g.conversion or 0) * 100, _percent(g.conversion)) for g in groups],
        )
    return _charts.hbars(
        f"Opportunities that reached each stage of {report.pipeline.label}",
        [(s.stage, s.reached, f"{s.reached:,}") for s in report.steps],
    )


@router.get("/pipelines")
def pipeline_list(page: PageDep, after: After = None) -> Response:
    found = pipelines.pipelines_page(
        page.actor, page.uow, after=None if after is None else [after], limit=50
    )
    return page.render(
        "pipelines.html",
        pipelines=found.items,
        next_after=None if found.after is None else found.after[-1],
        reports_by_kind=REPORTS_BY_KIND,
        default_reports=DEFAULT_REPORTS,
        report_titles={k: v[0] for k, v in REPORTS.items()},
    )


@router.get("/pipelines/{pipeline_id}")
def pipeline_board(pipeline_id: PipelineId, page: PageDep) -> Response:
    board = pipelines.pipeline_board(page.actor, page.uow, pipeline_id)
    names = REPORTS_BY_KIND.get(board.pipeline.kind, DEFAULT_REPORTS)
    return page.render(
        "pipeline_board.html",
        board=board,
        report_links=[(n, REPORTS[n][0]) for n in names],
    )


@router.post("/opportunities/{opp_id}/move")
def move_opportunity(
    opp_id: OppId, page: PageDep, stage: Annotated[str, Form(max_length=SHORT_MAX)]
) -> Response:
    """A card's move (its form, or a drop on a column): back to the board, on the card."""
    view = opportunities.move_opportunity(page.actor, page.uow, opp_id, stage)
    return page.redirect(f"/pipelines/{view.pipeline.id}#opp-{view.id}")


@router.get("/pipelines/{pipeline_id}/reports/{name}")
def pipeline_report(
    pipeline_id: PipelineId, name: ReportName, page: PageDep, since: Day = "", until: Day = ""
) -> Response:
    """A report over the opportunities opened between `since` and `until` (inclusive)."""
    title, report_of = REPORTS[name]
    report = report_of(page.actor, page.uow, pipeline=pipeline_id, since=since, until=until)
    return page.render(
        f"report_{name}.html",
        title=title,
        name=name,
        report=report,
        chart=_chart(name, report),
        percent=_percent,
    )
