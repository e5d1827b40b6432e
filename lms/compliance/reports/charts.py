"""Geometry of the dashboard's two charts, drawn as inline SVG by templates/compliance/includes/.

No chart library and nothing from a CDN: the server computes coordinates, the template draws rectangles and
a polyline. The numbers are always also in a table next to the chart (accessibility)."""

from collections.abc import Sequence
from dataclasses import dataclass

from ..selectors import UnitFigures
from .selectors import MonthPoint

WIDTH = 640
LABEL_WIDTH = 230
LABEL_GAP = 8  # between a label's end and its bar
VALUE_WIDTH = 56
ROW_HEIGHT = 22
LINE_HEIGHT = 13  # a unit name wraps onto at most LABEL_LINES lines of this height
LABEL_LINES = 2
BAR_HEIGHT = 14
FONT_SIZE = 11  # px, as compliance-reports.css draws the chart's text
PERCENT_TICKS = (0, 25, 50, 75, 100)

# Advance widths (in em) generous enough for the fonts the admin uses, so that an estimated line is never
# narrower than the drawn one: capitals and wide letters, narrow letters, spaces, everything else.
_WIDE, _NARROW, _SPACE, _OTHER = 0.8, 0.3, 0.3, 0.6


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """An upper estimate of the drawn width of `text` in px."""
    width = 0.0
    for char in text:
        if char.isspace():
            width += _SPACE
        elif char.isupper() or char in "mwMW@%":
            width += _WIDE
        elif char in "iljtf.,:;'|!()[]":
            width += _NARROW
        else:
            width += _OTHER
    return width * size


def wrap_label(text: str, width: float = LABEL_WIDTH - LABEL_GAP, lines: int = LABEL_LINES) -> list[str]:
    """The unit's name on at most `lines` lines, each no wider than `width` px: words wrap; what does not fit
    is cut with "…" (the full name is in the bar's tooltip and in the table)."""
    words = text.split()
    result: list[str] = []
    taken = 0
    while taken < len(words) and len(result) < lines:
        line = words[taken]
        taken += 1
        while taken < len(words) and text_width(f"{line} {words[taken]}") <= width:
            line = f"{line} {words[taken]}"
            taken += 1
        result.append(line)
    fitted = []
    for number, line in enumerate(result):
        left_out = number == len(result) - 1 and taken < len(words)
        ellipsis = "…" if left_out or text_width(line) > width else ""
        while line and text_width(line + ellipsis) > width:
            line = line[:-1]
        fitted.append(line.rstrip() + ellipsis)
    return fitted or [""]


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    percent: float | None
    y: float
    text_y: float
    width: float
    value_x: float
    lines: tuple[tuple[str, float], ...] = ()  # the label's lines with their baselines


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
    y = top
    for figure in figures:
        lines = wrap_label(figure.unit.name)
        height = max(ROW_HEIGHT, len(lines) * LINE_HEIGHT + 8)
        percent = figure.percent
        width = round(plot * (percent or 0) / 100, 1)
        middle = y + height / 2
        first = middle + 4 - (len(lines) - 1) * LINE_HEIGHT / 2
        bars.append(
            Bar(
                label=" ".join(lines),
                full_label=figure.unit.name,
                percent=percent,
                y=middle - BAR_HEIGHT / 2,
                text_y=middle + 4,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
                lines=tuple((line, first + n * LINE_HEIGHT) for n, line in enumerate(lines)),
            )
        )
        y += height
    plot_bottom = y
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
