"""The charts plot the report's values: bar sizes, labels on bars, tick labels, titles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from goodwill.cli import charts
from goodwill.domain.funnel import cost_of_delay, forgone_by_week
from goodwill.services.goals import GoalProgress, GoalsReport
from goodwill.services.report_views import (
    AgingReport,
    AgingStage,
    AttributionGroup,
    AttributionReport,
    CurrencyForecast,
    ForecastLine,
    ForecastReport,
    FunnelReport,
    FunnelStepView,
    JobSearchReport,
)
from goodwill.services.views import Ref

SALES = Ref(1, "Sales")


def _bars(ax):
    return [p for p in ax.patches if p.get_width() > 0 or p.get_height() > 0]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _ticks(ax, axis="y"):
    """Tick labels top to bottom (y) or left to right (x), by where they stand."""
    if axis == "y":
        pairs = zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
        return [t.get_text() for _, t in sorted(pairs, key=lambda p: -p[0])]
    pairs = zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
    return [t.get_text() for _, t in sorted(pairs, key=lambda p: p[0])]


def _step(stage, reached, conversion):
    return FunnelStepView(stage, reached, conversion, 0, 0, 0, None)


def test_funnel_chart_bars_are_reached_with_conversion_labels():
    report = FunnelReport(
        SALES, "sales", None, None, 10, 3, 2, 5, 0.2857,
        [_step("prospect", 10, 0.6), _step("discovery", 6, 0.5), _step("won", 3, None)],
        [], 0,
    )  # fmt: skip
    fig = charts.funnel_chart(report)
    ax = fig.axes[0]
    assert ax.get_title() == "Funnel: Sales"
    assert ax.get_xlabel() == "opportunities that reached the stage"
    assert ax.get_ylabel() == "stage"
    assert [b.get_width() for b in ax.patches] == [10, 6, 3]
    assert [b.get_y() + b.get_height() / 2 for b in ax.patches] == [2, 1, 0]  # first on top
    assert _ticks(ax) == ["prospect", "discovery", "won"]
    assert _texts(ax) == ["10  (60% go on)", "6  (50% go on)", "3"]
    assert fig.get_size_inches()[0] * fig.dpi == 800


def test_funnel_chart_without_opportunities_says_so():
    report = FunnelReport(SALES, "sales", None, None, 0, 0, 0, 0, None, [], [], 0)
    assert "no opportunities yet" in _texts(charts.funnel_chart(report).axes[0])


def test_aging_chart_plots_open_and_aging_per_stage():
    report = AgingReport(
        SALES, None, None, datetime(2024, 1, 1, tzinfo=UTC), 2,
        [AgingStage("prospect", 5, 2.0, 1), AgingStage("proposal", 3, 7.5, 2)], 3, [],
    )  # fmt: skip
    ax = charts.aging_chart(report).axes[0]
    widths = [b.get_width() for b in ax.patches]
    assert widths == [5, 3, 1, 2]  # open bars, then aging bars
    assert _ticks(ax) == ["prospect", "proposal"]
    assert _texts(ax) == ["5", "3", "1", "2"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["open", "aging"]
    assert "Stage aging: Sales" in ax.get_title()


def test_forecast_chart_has_one_panel_per_currency_with_weighted_bars():
    report = ForecastReport(
        SALES, None, None, 1, 2, 0.5, 10.0,
        [
            CurrencyForecast("EUR", 2, Decimal(3000), Decimal(1100), Decimal(1500), None),
            CurrencyForecast("USD", 1, Decimal(800), Decimal(80), Decimal(800), None),
        ],
        [
            ForecastLine("prospect", 0.1, "EUR", 1, Decimal(1000), Decimal(100)),
            ForecastLine("proposal", 0.5, "EUR", 1, Decimal(2000), Decimal(1000)),
            ForecastLine("prospect", 0.1, "USD", 1, Decimal(800), Decimal(80)),
        ],
        0,
    )  # fmt: skip
    fig = charts.forecast_chart(report)
    eur, usd = fig.axes
    assert fig.get_suptitle() == "Weighted forecast: Sales"
    assert eur.get_title() == "EUR: 1,100 weighted of 3,000"
    assert [b.get_width() for b in eur.patches] == [100.0, 1000.0]
    assert _texts(eur) == ["100", "1,000"]
    assert _ticks(eur) == ["prospect (10%)", "proposal (50%)"]
    assert eur.get_xlabel() == "value × stage probability (EUR)"
    assert [b.get_width() for b in usd.patches] == [80.0]


def _jobsearch(cost):
    return JobSearchReport(
        Ref(2, "Search"), None, None, Decimal(104_000), "EUR", date(2024, 1, 1), cost,
        [] if cost is None else forgone_by_week(cost), "note" if cost is None else cost.note,
        [], 0, 0, 0 if cost is None else cost.offers, 0, 0, 0, 0,
    )  # fmt: skip


def test_jobsearch_chart_plots_forgone_by_week_and_the_projection():
    cost = cost_of_delay(Decimal(104_000), date(2024, 1, 1), date(2024, 1, 29), offers=2)
    ax = charts.jobsearch_chart(_jobsearch(cost)).axes[0]
    heights = [b.get_height() for b in ax.patches]
    assert heights == [0.0, 2000.0, 4000.0, 6000.0, 8000.0, 12000.0]  # 4 weeks, then +2 weeks
    assert [b.get_x() + b.get_width() / 2 for b in ax.patches][-1] == 6.0
    assert [t for t in _texts(ax) if t] == ["8,000", "12,000"]
    assert ax.get_ylabel() == "money forgone (EUR)"
    assert ax.get_xlabel() == "weeks since the search began"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "forgone so far",
        "projected at the next offer",
    ]


def test_jobsearch_chart_without_a_salary_shows_the_note():
    assert "note" in _texts(charts.jobsearch_chart(_jobsearch(None)).axes[0])


def test_attribution_chart_compares_gave_first_with_cold():
    report = AttributionReport(
        SALES, None, None, 3, [],
        AttributionGroup("gave first", 5, 1, 3, 1, 0.75),
        AttributionGroup("cold", 9, 2, 1, 6, 0.1429),
    )  # fmt: skip
    ax = charts.attribution_chart(report).axes[0]
    assert [b.get_height() for b in ax.patches] == [4, 7, 3, 1]  # closed, then won
    assert _ticks(ax, "x") == ["gave first (75%)", "cold (14%)"]
    assert _texts(ax) == ["4", "7", "3", "1"]
    assert ax.get_ylabel() == "closed opportunities"


def test_goals_chart_plots_done_with_the_target_marked():
    report = GoalsReport(
        date(2024, 5, 6), date(2024, 5, 12), "UTC",
        [
            GoalProgress("networking", "meetings", 10, 4, 40, 6, False),
            GoalProgress("gives", "given", 3, 3, 100, 0, True),
        ],
    )  # fmt: skip
    ax = charts.goals_chart(report).axes[0]
    assert [b.get_width() for b in ax.patches] == [4, 3]
    assert _texts(ax) == ["4 / 10", "3 / 3"]
    assert [line.get_xdata()[0] for line in ax.lines] == [10, 3]
    assert ax.get_title() == "Weekly goals: Mon 06 May to Sun 12 May"


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_save_writes_the_format_of_the_suffix(tmp_path, suffix):
    report = FunnelReport(
        SALES, "sales", None, None, 1, 1, 0, 0, None, [_step("a", 1, None)], [], 0
    )
    path = tmp_path / f"chart.{suffix}"
    charts.save(charts.funnel_chart(report), path)
    head = path.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in head or b"<?xml" in head
