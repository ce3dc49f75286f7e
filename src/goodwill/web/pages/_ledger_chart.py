"""Geometry for the server-rendered SVG charts (presentation attributes only: the
Content-Security-Policy allows no style attribute). Templates draw what this computes."""

from __future__ import annotations

from dataclasses import dataclass

from goodwill.services.ledger_history import LedgerHistory

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 44, 12, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int


@dataclass(frozen=True)
class MonthMark:
    x: float
    label: str


@dataclass(frozen=True)
class LedgerChart:
    width: int
    height: int
    given: list[Bar]
    received: list[Bar]
    balance_points: str  # the running balance, as an SVG polyline's points
    marks: list[MonthMark]
    baseline: float  # y of zero on the bars' scale
    top_value: int
    left: int
    right: float
    balance_end: tuple[float, float] | None  # where the balance line ends (its label)


def ledger_chart(history: LedgerHistory) -> LedgerChart:
    """Given and received weight per month as paired bars (zero at the bottom), and the
    running balance as a line on its own scale over the same months."""
    months = history.months
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    top = max([1, *(m.given_weight for m in months), *(m.received_weight for m in months)])
    slot = plot_w / max(1, len(months))
    bar_w = slot * 0.35
    given: list[Bar] = []
    received: list[Bar] = []
    marks: list[MonthMark] = []
    points: list[str] = []
    balances = [m.balance for m in months] or [0]
    low, high = min(0, *balances), max(0, *balances)
    span = (high - low) or 1
    for i, m in enumerate(months):
        x0 = LEFT + i * slot + slot * 0.12
        for bars, value, x in (
            (given, m.given_weight, x0),
            (received, m.received_weight, x0 + bar_w),
        ):
            h = plot_h * value / top
            bars.append(Bar(round(x, 1), round(base - h, 1), round(bar_w, 1), round(h, 1), value))
        marks.append(MonthMark(round(LEFT + i * slot + slot / 2, 1), m.month.strftime("%b")))
        y = TOP + plot_h * (high - m.balance) / span
        points.append(f"{round(LEFT + i * slot + slot / 2, 1)},{round(y, 1)}")
    end = None
    if points:
        last_x, last_y = points[-1].split(",")
        end = (float(last_x), float(last_y))
    return LedgerChart(
        WIDTH,
        HEIGHT,
        given,
        received,
        " ".join(points),
        marks,
        base,
        top,
        LEFT,
        WIDTH - RIGHT,
        end,
    )
