"""Issue 15, item 5: bar labels are never clipped — a long unit name wraps onto two lines and what does not
fit ends with "…", the full name staying in the bar's tooltip (<title>) and in the table of units."""

from types import SimpleNamespace

from django.template.loader import render_to_string

from lms.compliance.reports import charts
from lms.compliance.selectors import UnitFigures

LONG = "Ủy ban Nhân dân Phường Bến Thành – Văn phòng Hội đồng Nhân dân và Ủy ban Nhân dân Quận Một cũ"
WIDE = "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM"


def figures(name: str) -> UnitFigures:
    return UnitFigures(unit=SimpleNamespace(pk=1, name=name), counts={"completed": 1, "overdue": 1})


def test_a_short_name_stays_on_one_line():
    assert charts.wrap_label("Phường Bến Thành") == ["Phường Bến Thành"]


def test_every_label_line_fits_left_of_the_bars():
    room = charts.LABEL_WIDTH - charts.LABEL_GAP
    for name in (LONG, WIDE, "Phường 1", "A" * 3, "Đ" * 80, "x " * 80):
        lines = charts.wrap_label(name)
        assert 1 <= len(lines) <= charts.LABEL_LINES
        assert all(charts.text_width(line) <= room for line in lines), (name, lines)
        # the lines are the name, word by word, until a cut marked with an ellipsis
        shown = " ".join(lines)
        assert shown == name.strip() or shown.endswith("…")
    assert charts.wrap_label(LONG)[-1].endswith("…")


def test_the_chart_gives_long_names_room_and_the_full_name_as_tooltip():
    chart = charts.bar_chart([figures(LONG), figures("Phường 2")])
    long_bar, short_bar = chart.bars
    assert len(long_bar.lines) == 2 and len(short_bar.lines) == 1
    assert short_bar.y > long_bar.y + charts.BAR_HEIGHT  # the next row starts below the two lines
    assert chart.height >= chart.plot_bottom
    svg = render_to_string("compliance/includes/bar_chart.html", {"chart": chart})
    assert f"<title>{LONG}: 50,0%" in svg or f"<title>{LONG}: 50.0%" in svg
    assert svg.count("<tspan") == 3
