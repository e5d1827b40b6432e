"""Geometry of the dashboard's two charts, drawn as inline SVG by templates/compliance/includes/.

No chart library and nothing from a CDN: the server computes coordinates, the template draws rectangles and
a polyline. The numbers are always also in a table next to the chart (accessibility)."""

from collections.abc import Sequence
from dataclasses import dataclass

from ..selectors import UnitFigures
from .selectors import MonthPoint

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 56
ROW_HEIGHT = 22
BAR_HEIGHT = 14
LABEL_CHARS = 34
PERCENT_TICKS = (0, 25, 50, 75, 100)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    percent: float | None
    y: float
    text_y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class Tick:
    value: int
    x: float = 0
    y: float = 0


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_x: int
    bar_height: int
    plot_bottom: int
    bars: list[Bar]
    ticks: list[Tick]


def bar_chart(figures: Sequence[UnitFigures]) -> BarChart | None:
    """Completion % by unit, one horizontal bar per unit (units without obligations get no bar)."""
    if not figures:
        return None
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = 8
    bars = []
    for index, figure in enumerate(figures):
        y = top + index * ROW_HEIGHT
        percent = figure.percent
        width = round(plot * (percent or 0) / 100, 1)
        bars.append(
            Bar(
                label=_short(figure.unit.name),
                full_label=figure.unit.name,
                percent=percent,
                y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                text_y=y + ROW_HEIGHT / 2 + 4,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    plot_bottom = top + len(figures) * ROW_HEIGHT
    ticks = [Tick(value=t, x=LABEL_WIDTH + plot * t / 100, y=plot_bottom + 16) for t in PERCENT_TICKS]
    return BarChart(
        width=WIDTH,
        height=plot_bottom + 24,
        bar_x=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        plot_bottom=plot_bottom,
        bars=bars,
        ticks=ticks,
    )


@dataclass(frozen=True)
class LinePoint:
    point: MonthPoint
    x: float
    y: float | None
    label_y: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[LinePoint]
    polyline: str
    ticks: list[Tick]


def line_chart(points: Sequence[MonthPoint]) -> LineChart | None:
    """The completion rate reached at the end of each month, as a line from 0 to 100 %."""
    if not points or all(p.percent is None for p in points):
        return None
    left, right, top, bottom, height = 44, WIDTH - 24, 12, 200, 236
    step = (right - left) / max(len(points) - 1, 1)
    drawn = []
    for index, point in enumerate(points):
        x = round(left + index * step, 1)
        y = None if point.percent is None else round(bottom - (bottom - top) * point.percent / 100, 1)
        drawn.append(LinePoint(point=point, x=x, y=y, label_y=bottom + 18))
    polyline = " ".join(f"{p.x},{p.y}" for p in drawn if p.y is not None)
    ticks = [Tick(value=t, x=left - 6, y=round(bottom - (bottom - top) * t / 100, 1)) for t in PERCENT_TICKS]
    return LineChart(
        width=WIDTH,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=drawn,
        polyline=polyline,
        ticks=ticks,
    )
