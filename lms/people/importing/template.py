"""The officials import template: CSV (header and example row) or a workbook with the codes and a guide."""

import io
from collections.abc import Iterator

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from lms.spreadsheets import csv_lines, safe_cell

from ..models import OrgUnit, Position
from .columns import COLUMNS, EXAMPLE_CODE, EXAMPLE_NAME, HEADERS_VI
from .reading import scope_of


def template_guide() -> list[tuple[str, str, str]]:
    """(column header, required?, what to write) for the template's guide and the upload page."""
    yes, no = _("yes"), _("no")
    return [
        (HEADERS_VI["employee_code"], yes, _("The person's code; it identifies them on every re-import.")),
        (HEADERS_VI["full_name"], yes, _("Whole name, family name first: Nguyễn Văn An.")),
        (
            HEADERS_VI["unit_code"],
            yes,
            _("The code of the unit the person works in (see the list of codes)."),
        ),
        (
            HEADERS_VI["position_code"],
            no,
            _("The code of the position (see the list of codes); empty for none."),
        ),
        (HEADERS_VI["email"], no, _("New accounts receive an email to choose their password.")),
        (HEADERS_VI["phone"], no, _("Digits, spaces and + . - ( ) only.")),
        (HEADERS_VI["is_unit_head"], no, _("có or không (also x, 1, 0); không when empty.")),
        (HEADERS_VI["active"], no, _("không for a person who has left; có when empty.")),
    ]


def _example_row(units: list[OrgUnit], positions: list[Position]) -> list[str]:
    return [
        EXAMPLE_CODE,
        EXAMPLE_NAME,
        units[0].code if units else "MA-DON-VI",
        positions[0].code if positions else "",
        "vidu.nguyenthi@example.vn",
        "0901234567",
        "không",
        "có",
    ]


def _template_lists(viewer) -> tuple[list[OrgUnit], list[Position]]:
    scope = scope_of(viewer)
    units = list(OrgUnit.objects.filter(scope.unit_q(), is_active=True).order_by("path"))
    return units, list(Position.objects.order_by("name"))


def officials_template_csv(*, viewer=None) -> Iterator[str]:
    """The header row and the example row, UTF-8 with BOM (so Excel shows Vietnamese right)."""
    units, positions = _template_lists(viewer)
    return csv_lines([[HEADERS_VI[c] for c in COLUMNS], _example_row(units, positions)])


def officials_template_xlsx(*, viewer=None) -> bytes:
    """Sheet 1: headers and the example row; 2: the unit and position codes the viewer may use; 3: a guide."""
    units, positions = _template_lists(viewer)
    workbook = openpyxl.Workbook()
    bold = Font(bold=True)
    sheet = workbook.active
    sheet.title = _("Officials")[:31]
    sheet.append([HEADERS_VI[c] for c in COLUMNS])
    sheet.append([safe_cell(v) for v in _example_row(units, positions)])
    for cell in sheet[1]:
        cell.font = bold
    widths = (14, 28, 18, 16, 30, 16, 14, 14)
    for index, width in enumerate(widths):
        letter = openpyxl.utils.get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].number_format = "@"  # codes and phones stay text: 0901… keeps its 0
    for row in sheet.iter_rows(min_row=2, max_row=2):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"

    codes = workbook.create_sheet(_("Codes")[:31])
    codes.append([_("Unit code"), _("Unit"), _("Kind"), "", _("Position code"), _("Position")])
    for cell in codes[1]:
        cell.font = bold
    base_depth = min((u.depth for u in units), default=1)
    for index in range(max(len(units), len(positions))):
        line = ["", "", "", "", "", ""]
        if index < len(units):
            unit = units[index]
            line[0:3] = [unit.code, unit.name, str(unit.get_kind_display())]
        if index < len(positions):
            line[4:6] = [positions[index].code, positions[index].name]
        codes.append([safe_cell(v) for v in line])
        if index < len(units):  # the tree shows as indentation, not as leading spaces in the name
            codes.cell(row=index + 2, column=2).alignment = Alignment(indent=units[index].depth - base_depth)
    for letter, width in zip("ABCDEF", (20, 44, 20, 3, 18, 36), strict=True):
        codes.column_dimensions[letter].width = width
    codes.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Guide")[:31])
    guide.append([_("Column"), _("Required"), _("What to write")])
    for cell in guide[1]:
        cell.font = bold
    for header, required, text in template_guide():
        guide.append([safe_cell(header), safe_cell(str(required)), safe_cell(str(text))])
    for letter, width in zip("ABC", (18, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
