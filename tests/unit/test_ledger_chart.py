"""The Ledger chart's geometry (web/pages/_ledger_chart.py): bars to scale, the balance line."""

from __future__ import annotations

from datetime import date

from goodwill.domain.ledger import Balance
from goodwill.services.ledger_history import LedgerHistory, LedgerMonth
from goodwill.web.pages._ledger_chart import HEIGHT, ledger_chart


def _history(*months: tuple[int, int, int]) -> LedgerHistory:
    found = [LedgerMonth(date(2026, i + 1, 1), g, r, 1, 1, b) for i, (g, r, b) in enumerate(months)]
    return LedgerHistory(found, 0, Balance())


def test_bars_are_to_scale_from_a_common_baseline():
    chart = ledger_chart(_history((4, 2, 2), (0, 1, 1)))
    tallest = chart.given[0]
    assert tallest.value == chart.top_value == 4
    assert chart.received[0].height * 2 == tallest.height
    assert chart.given[1].height == 0
    for bar in chart.given + chart.received:
        assert bar.y + bar.height == chart.baseline < HEIGHT


def test_the_balance_line_has_a_point_per_month_and_ends_labelled():
    chart = ledger_chart(_history((3, 0, 3), (0, 5, -2), (1, 0, -1)))
    points = chart.balance_points.split()
    assert len(points) == 3 and chart.marks[0].label == "Jan"
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] < ys[2] < ys[1]  # higher balance, higher on the chart (smaller y)
    assert chart.balance_end == tuple(float(v) for v in points[-1].split(","))


def test_an_empty_history_draws_no_line():
    chart = ledger_chart(_history())
    assert chart.balance_points == "" and chart.balance_end is None and chart.top_value == 1
