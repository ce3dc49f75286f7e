"""Charts of the reports (matplotlib, no display): the services return the data, this face
draws it. 800 px wide at 100 dpi, a title, labelled axes and the values on the bars.

Imported only when `--chart` is given, so the CLI does not pay for matplotlib otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from goodwill.services.goals import GoalsReport
from goodwill.services.report_views import (
    AgingReport,
    AttributionReport,
    ForecastReport,
    FunnelReport,
    JobSearchReport,
)

WIDTH_INCHES = 8.0
DPI = 100  # 800 px wide
MAX_CURRENCIES = 4
BAR = "#4C72B0"
SECOND = "#DD8452"
MUTED = "#B0B0B0"


def _figure(height: float = 4.8) -> Figure:
    return Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")


def _money(value: Decimal | float) -> str:
    return f"{value:,.0f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _hbars(ax: Axes, labels: Sequence[str], values: Sequence[float], texts: Sequence[str],
           color: str = BAR) -> None:  # fmt: skip
    """Horizontal bars, first label on top, each with its text."""
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, values, color=color)
    ax.set_yticks(positions, labels=list(labels))
    ax.bar_label(bars, labels=list(texts), padding=3)
    ax.margins(x=0.25)


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _window(since: Any, until: Any) -> str:
    if since is None and until is None:
        return ""
    return f" (opened {since or '…'} to {until or '…'})"


def funnel_chart(report: FunnelReport) -> Figure:
    """Reached per stage as horizontal bars, with the conversion to the next stage."""
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_title(f"Funnel: {report.pipeline.label}{_window(report.since, report.until)}")
    ax.set_xlabel("opportunities that reached the stage")
    ax.set_ylabel("stage")
    if not report.total:
        _empty(ax, "no opportunities yet")
        return fig
    texts = [
        f"{s.reached}" + ("" if s.conversion is None else f"  ({_percent(s.conversion)} go on)")
        for s in report.steps
    ]
    _hbars(ax, [s.stage for s in report.steps], [s.reached for s in report.steps], texts)
    return fig


def aging_chart(report: AgingReport) -> Figure:
    """Open and aging opportunities per stage."""
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_title(f"Stage aging: {report.pipeline.label} (over {report.factor}× the median stay)")
    ax.set_xlabel("open opportunities")
    ax.set_ylabel("stage")
    if not report.stages:
        _empty(ax, "no open stages")
        return fig
    n = len(report.stages)
    positions = list(range(n))[::-1]
    height = 0.4
    open_bars = ax.barh([p + height / 2 for p in positions], [s.open for s in report.stages],
                        height=height, color=MUTED, label="open")  # fmt: skip
    aging_bars = ax.barh([p - height / 2 for p in positions], [s.aging for s in report.stages],
                         height=height, color=SECOND, label="aging")  # fmt: skip
    ax.set_yticks(positions, labels=[s.stage for s in report.stages])
    ax.bar_label(open_bars, padding=3)
    ax.bar_label(aging_bars, padding=3)
    ax.legend(loc="lower right")
    ax.margins(x=0.2)
    return fig


def forecast_chart(report: ForecastReport) -> Figure:
    """Weighted value per stage, one panel per currency (no conversion between them)."""
    codes = [c.currency for c in report.currencies][:MAX_CURRENCIES]
    fig = _figure(2.2 + 2.4 * max(1, len(codes)))
    fig.suptitle(f"Weighted forecast: {report.pipeline.label}")
    if not codes:
        ax = fig.add_subplot()
        _empty(ax, "no open opportunities with a value")
        return fig
    axes = fig.subplots(len(codes), 1, squeeze=False)
    for ax, code in zip(axes[:, 0], codes, strict=True):
        lines = [line for line in report.lines if line.currency == code]
        total = next(c for c in report.currencies if c.currency == code)
        ax.set_title(f"{code}: {_money(total.weighted)} weighted of {_money(total.value)}")
        ax.set_xlabel(f"value × stage probability ({code})")
        ax.set_ylabel("stage")
        _hbars(
            ax,
            [f"{line.stage} ({line.probability:.0%})" for line in lines],
            [float(line.weighted) for line in lines],
            [_money(line.weighted) for line in lines],
        )
    return fig


def jobsearch_chart(report: JobSearchReport) -> Figure:
    """Money forgone week by week since the search began, and the projection to the next
    offer at the current pace."""
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_title(f"Cost of delay: {report.pipeline.label}")
    ax.set_xlabel("weeks since the search began")
    ax.set_ylabel(f"money forgone ({report.currency or 'salary currency'})")
    cost = report.cost
    if cost is None:
        _empty(ax, report.note)
        return fig
    weeks = [float(w) for w, _ in report.forgone_by_week]
    amounts = [float(a) for _, a in report.forgone_by_week]
    bars = ax.bar(weeks, amounts, width=0.8, color=BAR, label="forgone so far")
    ax.bar_label(bars, labels=["" for _ in bars[:-1]] + [_money(cost.forgone)], padding=3)
    if cost.projected_total is not None and cost.projected_weeks_to_next_offer is not None:
        at = float(cost.weeks_elapsed + cost.projected_weeks_to_next_offer)
        projected = ax.bar([at], [float(cost.projected_total)], width=0.8, color=SECOND,
                           hatch="//", label="projected at the next offer")  # fmt: skip
        ax.bar_label(projected, labels=[_money(cost.projected_total)], padding=3)
        ax.plot([float(cost.weeks_elapsed), at], [float(cost.forgone), float(cost.projected_total)],
                linestyle="--", color=SECOND)  # fmt: skip
    ax.legend(loc="upper left")
    ax.margins(y=0.15)
    return fig


def attribution_chart(report: AttributionReport) -> Figure:
    """Closed and won opportunities where you gave first against cold ones."""
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_title(f"Gave first vs cold: {report.pipeline.label}")
    ax.set_ylabel("closed opportunities")
    ax.set_xlabel("how the opportunity started (conversion: won / closed)")
    groups = [report.gave_first, report.cold]
    width = 0.38
    positions = [0.0, 1.0]
    closed = ax.bar([p - width / 2 for p in positions], [g.won + g.lost for g in groups],
                    width=width, color=MUTED, label="closed")  # fmt: skip
    won = ax.bar([p + width / 2 for p in positions], [g.won for g in groups], width=width,
                 color=BAR, label="won")  # fmt: skip
    ax.bar_label(closed, padding=3)
    ax.bar_label(won, padding=3)
    ax.set_xticks(positions, labels=[f"{g.label} ({_percent(g.conversion)})" for g in groups])
    ax.legend(loc="upper right")
    ax.margins(y=0.15)
    return fig


def goals_chart(report: GoalsReport) -> Figure:
    """This week's count per goal against its target."""
    fig = _figure()
    ax = fig.add_subplot()
    ax.set_title(f"Weekly goals: {report.week_start:%a %d %b} to {report.week_end:%a %d %b}")
    ax.set_xlabel("done this week (the mark is the target)")
    ax.set_ylabel("goal")
    if not report.goals:
        _empty(ax, "no goals yet: goodwill goal set METRIC N")
        return fig
    labels = [g.metric for g in report.goals]
    _hbars(ax, labels, [g.done for g in report.goals],
           [f"{g.done} / {g.target}" for g in report.goals])  # fmt: skip
    positions = list(range(len(labels)))[::-1]
    for pos, goal in zip(positions, report.goals, strict=True):
        ax.plot([goal.target, goal.target], [pos - 0.4, pos + 0.4], color=SECOND, linewidth=3)
    ax.set_xlim(
        0, max(max(g.target for g in report.goals), max(g.done for g in report.goals)) * 1.3
    )
    return fig


def save(fig: Figure, path: Path) -> None:
    fig.savefig(path, format=path.suffix.lower().lstrip("."))
