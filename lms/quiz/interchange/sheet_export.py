"""Exporting questions as a sheet (CSV streamed, or XLSX), and the import template with its examples.

The same columns and escapes as the import (columns.py), so an export can be edited and imported again.
Every text cell goes through lms.spreadsheets.safe_cell (formula injection).
"""

import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

import openpyxl
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from lms.spreadsheets import csv_lines, safe_cell

from ..models import Question
from .columns import COLUMNS, HEADERS_VI, TEMPLATE_HEADER, Kind, format_points, join_answers


def question_to_row(question: Question) -> list[str]:
    """The question as one sheet row, in COLUMNS order (not yet protected against formula injection)."""
    answers = list(question.answers.all())
    answers.sort(key=lambda a: (a.sort_order if a.sort_order is not None else 0, a.pk))
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        answers_cell = join_answers((a.text, a.correct) for a in answers)
    elif question.kind == Kind.SHORT:
        answers_cell = join_answers(((a.text, True) for a in answers if a.correct), mark_correct=False)
    else:
        answers_cell = ""
    correct = ""
    if question.kind == Kind.TRUE_FALSE:
        correct = "true" if question.correct_is_true else "false"
    return [
        question.category.name if question.category_id else "",
        question.sub_category.name if question.sub_category_id else "",
        question.kind,
        question.text,
        format_points(question.points),
        answers_cell,
        correct,
        "yes" if question.partial_credit else "no",
        question.explanation,
    ]


def _export_questions(questions: Iterable[Question]) -> Iterator[Question]:
    if isinstance(questions, QuerySet):
        questions = (
            questions.select_related("category", "sub_category")
            .prefetch_related("answers")
            .iterator(chunk_size=500)
        )
    yield from questions


def questions_export_csv(*, questions: Iterable[Question]) -> Iterator[str]:
    """CSV lines (header first), for StreamingHttpResponse; the first chunk is a UTF-8 BOM."""

    def rows():
        yield list(COLUMNS)
        for question in _export_questions(questions):
            yield question_to_row(question)

    return csv_lines(rows())


def _xlsx_bytes(rows: Iterable[list], *, title: str, guide: list[tuple[str, str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    widths = {"A": 24, "B": 20, "C": 14, "D": 60, "E": 8, "F": 50, "G": 10, "H": 14, "I": 40}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for index, row in enumerate(rows):
        cells = []
        for value in row:
            if index > 0 and isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            elif isinstance(value, str):
                value = safe_cell(value)
            cell = WriteOnlyCell(sheet, value=value)
            if index == 0:
                cell.font = bold
            elif isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        sheet.append(cells)
    if guide:
        guide_sheet = workbook.create_sheet(title=_("Guide")[:31])
        guide_sheet.column_dimensions["A"].width = 18
        guide_sheet.column_dimensions["B"].width = 110
        for column, text in guide:
            guide_sheet.append([WriteOnlyCell(guide_sheet, value=column), safe_cell(text)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def questions_export_xlsx(*, questions: Iterable[Question]) -> bytes:
    """The same columns as the CSV, as an .xlsx workbook (points as numbers)."""

    def rows():
        yield list(COLUMNS)
        for question in _export_questions(questions):
            row: list = question_to_row(question)
            row[4] = question.points
            yield row

    return _xlsx_bytes(rows(), title=_("Questions")[:31])


# Examples of the template: Vietnamese data, one of each kind (content, not interface text).
TEMPLATE_EXAMPLES = [
    [
        "An toàn thông tin",
        "Mật khẩu",
        "một đáp án",
        "Mật khẩu nào dưới đây an toàn nhất?",
        "1",
        "123456 | matkhau | *T@m#2025!xQ | ngày sinh của bạn",
        "",
        "no",
        "Mật khẩu mạnh dài, trộn chữ hoa, chữ thường, số và ký tự đặc biệt.",
    ],
    [
        "An toàn thông tin",
        "Thư điện tử",
        "nhiều đáp án",
        "Dấu hiệu nào cho thấy một thư điện tử có thể là lừa đảo?",
        "2",
        "*Người gửi lạ, địa chỉ gần giống cơ quan | *Yêu cầu cung cấp mật khẩu gấp | Có chữ ký số hợp lệ",
        "",
        "yes",
        "Không bao giờ gửi mật khẩu qua thư điện tử.",
    ],
    [
        "Chuyển đổi số",
        "",
        "đúng/sai",
        "Văn bản điện tử có chữ ký số hợp lệ có giá trị pháp lý như văn bản giấy.",
        "1",
        "",
        "đúng",
        "no",
        "",
    ],
    [
        "Chuyển đổi số",
        "Dịch vụ công",
        "trả lời ngắn",
        "Viết tắt của Cổng Dịch vụ công quốc gia là gì?",
        "1",
        "DVCQG | Cổng DVCQG",
        "",
        "no",
        "",
    ],
    [
        "Chuyển đổi số",
        "",
        "tự luận",
        "Nêu ba việc phường có thể làm để người dân dùng dịch vụ công trực tuyến nhiều hơn.",
        "5",
        "",
        "",
        "no",
        "Hướng dẫn chấm: mỗi giải pháp cụ thể, khả thi được 1–2 điểm.",
    ],
]


def template_guide() -> list[tuple[str, str]]:
    """What each column means, for the template's second sheet: "Danh mục (category)", what to write."""
    return [(f"{HEADERS_VI[key]} ({key})", text) for key, text in _guide()]


def _guide() -> list[tuple[str, str]]:
    return [
        ("category", _("Required. The question's category; created on import if it does not exist.")),
        ("sub_category", _("Optional. A sub-category of that category; created if it does not exist.")),
        (
            "kind",
            _(
                "Required. single, multiple, true_false, short or essay "
                "(or một đáp án, nhiều đáp án, đúng/sai, trả lời ngắn, tự luận)."
            ),
        ),
        ("question", _("Required. The question text.")),
        ("points", _("Optional, 1 by default. A number greater than 0, at most two decimals.")),
        (
            "answers",
            _(
                "Choice questions: the choices separated by “ | ”, correct ones starting with *. "
                "Short answer: the accepted answers separated by “ | ”. Empty for true/false and essays."
            ),
        ),
        ("correct", _("True/false only: true or false (đúng or sai).")),
        ("partial_credit", _("Optional: yes or no. Multiple choice: each right choice earns a share.")),
        ("explanation", _("Optional. Shown after answering; for essays, a marking guide.")),
    ]


def questions_template_csv() -> Iterator[str]:
    return csv_lines([TEMPLATE_HEADER, *TEMPLATE_EXAMPLES])


def questions_template_xlsx() -> bytes:
    examples = [[*row[:4], Decimal(row[4]), *row[5:]] for row in TEMPLATE_EXAMPLES]
    return _xlsx_bytes([TEMPLATE_HEADER, *examples], title=_("Questions")[:31], guide=template_guide())
