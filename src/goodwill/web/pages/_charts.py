"""Server-rendered charts: the geometry of simple bar charts, drawn by the
`_charts.html` macros as inline SVG with presentation attributes only (the
Content-Security-Policy forbids style attributes). Every chart has a title, and
the page shows its numbers as a table too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
ROW = 30
BAR = 20
LABEL = 170  # room for the labels left of the bars
FIGURE = 90  # room for the figure right of the bars


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the figure written next to the bar
    y: float
    width: float
    overlay: float  # a second, darker part from the left (0: none)


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    x0: int  # where the bars start
    bar_height: int
    bars: list[Bar]


def hbars(
    title: str,
    rows: Sequence[tuple[str, float, str]],
    *,
    overlays: Sequence[float] | None = None,
) -> BarChart:
    """Horizontal bars, one per (label, value, figure), scaled to the largest value;
    `overlays` (one per row, in the same unit) are drawn over the start of each bar."""
    top = max([value for _, value, _ in rows] + list(overlays or []) + [0.0])
    span = WIDTH - LABEL - FIGURE
    scale = span / top if top > 0 else 0.0
    bars = [
        Bar(
            label=label[:28],
            text=text,
            y=index * ROW + (ROW - BAR) / 2,
            width=round(max(value, 0.0) * scale, 1),
            overlay=round(max(overlays[index], 0.0) * scale, 1) if overlays else 0.0,
        )
        for index, (label, value, text) in enumerate(rows)
    ]
    return BarChart(title, WIDTH, max(len(rows), 1) * ROW, LABEL, BAR, bars)
