"""Horizontal bar charts laid out on the server, drawn as inline SVG by ``_bar_chart.html``.

No script and no web font: the labels are ordinary (translated) text in the page's fonts, so a
chart reads in every interface language. For right-to-left pages the geometry is mirrored and the
SVG's ``direction`` is set, under which ``text-anchor`` start/end mirror too.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 56
ROW_HEIGHT = 26
BAR_HEIGHT = 16
PADDING = 6
MAX_LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    label: str  # as shown, shortened with … when long
    full_label: str
    value: int
    bar_x: float
    bar_width: float
    y: float
    text_y: float
    label_x: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    direction: str  # "ltr" or "rtl"
    bar_height: int = BAR_HEIGHT


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(title: str, rows: list[tuple[str, int]], *, rtl: bool = False) -> BarChart:
    """Lay out one bar per (label, value); the longest bar spans the plot area."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = max((value for _label, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = PADDING + index * ROW_HEIGHT
        length = plot * value / top
        if rtl:
            bar_x, label_x, value_x = (
                WIDTH - LABEL_WIDTH - length,
                WIDTH - LABEL_WIDTH + 8,
                WIDTH - LABEL_WIDTH - length - 4,
            )
        else:
            bar_x, label_x, value_x = LABEL_WIDTH, LABEL_WIDTH - 8, LABEL_WIDTH + length + 4
        bars.append(
            Bar(
                label=_short(label),
                full_label=label,
                value=value,
                bar_x=round(bar_x, 1),
                bar_width=round(length, 1),
                y=y,
                text_y=y + BAR_HEIGHT - 3,
                label_x=label_x,
                value_x=round(value_x, 1),
            )
        )
    height = PADDING * 2 + max(len(rows), 1) * ROW_HEIGHT
    return BarChart(title, bars, WIDTH, height, "rtl" if rtl else "ltr")
