"""The question sheet: its columns, the limits of its cells, and how a cell's words and answers are read.

Both the import (sheet_import.py, sheet_rows.py) and the export (sheet_export.py) use these, so an export can
be edited and imported again. The columns are documented in docs/quiz-import.md.
"""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy

from lms.spreadsheets import Column, SheetLayout
from lms.text import fold

from ..models import Answer, Category, Question

COLUMNS = (
    "category",
    "sub_category",
    "kind",
    "question",
    "points",
    "answers",
    "correct",
    "partial_credit",
    "explanation",
)
REQUIRED_COLUMNS = ("category", "kind", "question")

# The template's header row: Vietnamese column names (data, the same whatever the interface language). The
# English keys, which exports and older templates write, are read too; lms.spreadsheets compares headers
# without case, accents, spaces, hyphens or underscores, in any order, so a sheet may mix both languages.
HEADERS_VI = {
    "category": "Danh mục",
    "sub_category": "Danh mục con",
    "kind": "Loại câu hỏi",
    "question": "Câu hỏi",
    "points": "Điểm",
    "answers": "Các lựa chọn",
    "correct": "Đúng/sai",
    "partial_credit": "Tính điểm từng phần",
    "explanation": "Giải thích",
}
_HEADER_ALIASES = {
    "kind": ("loai",),
    "answers": ("dap an", "lua chon"),
    "correct": ("dap an dung sai",),
    "explanation": ("huong dan cham",),
}
TEMPLATE_HEADER = [HEADERS_VI[key] for key in COLUMNS]

LAYOUT = SheetLayout(
    columns=tuple(
        Column(
            key,
            header=HEADERS_VI[key],
            aliases=(key, *_HEADER_ALIASES.get(key, ())),
            required=key in REQUIRED_COLUMNS,
        )
        for key in COLUMNS
    ),
    no_rows=gettext_lazy("The file has no questions."),
    too_many_rows=gettext_lazy("The file has more than %(max)d questions. Split it into several files."),
)

MAX_NAME_CHARS = Category._meta.get_field("name").max_length
MAX_QUESTION_CHARS = 5_000
MAX_EXPLANATION_CHARS = 5_000
MAX_ANSWER_CHARS = Answer._meta.get_field("text").max_length
MAX_CHOICES = 20
MAX_POINTS = Decimal("999.99")

ANSWER_SEPARATOR = " | "

Kind = Question.Kind

# Accepted spellings of a kind, compared after lms.text.fold (so "Đúng/Sai" and "dung/sai" both match).
_KIND_WORDS = {
    "single": Kind.SINGLE,
    "một đáp án": Kind.SINGLE,
    "multiple": Kind.MULTIPLE,
    "nhiều đáp án": Kind.MULTIPLE,
    "true_false": Kind.TRUE_FALSE,
    "true/false": Kind.TRUE_FALSE,
    "đúng/sai": Kind.TRUE_FALSE,
    "short": Kind.SHORT,
    "trả lời ngắn": Kind.SHORT,
    "essay": Kind.ESSAY,
    "tự luận": Kind.ESSAY,
}
KIND_ALIASES = {fold(word).replace(" / ", "/"): kind for word, kind in _KIND_WORDS.items()}
_TRUE_WORDS = {"true", "đúng", "1"}
_FALSE_WORDS = {"false", "sai", "0"}
TRUE_VALUES = {fold(w) for w in _TRUE_WORDS}
FALSE_VALUES = {fold(w) for w in _FALSE_WORDS}
YES_VALUES = {"yes", "true", "1", "x", "co"}  # folded: "có" -> "co"
NO_VALUES = {"no", "false", "0", "", "khong"}  # folded: "không" -> "khong"


def split_answers(cell: str) -> list[tuple[str, bool]]:
    """Split "*Đúng | Sai" into [("Đúng", True), ("Sai", False)].

    A backslash escapes "|", "*" and itself, so a choice may hold a literal pipe or start with a star.
    Empty pieces (a trailing "|") are dropped.
    """
    pieces: list[list[tuple[str, bool]]] = [[]]  # characters with an "escaped" flag
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in "|*\\":
            pieces[-1].append((cell[i + 1], True))
            i += 2
            continue
        if ch == "|":
            pieces.append([])
        else:
            pieces[-1].append((ch, False))
        i += 1
    result = []
    for chars in pieces:
        while chars and chars[0][0].isspace() and not chars[0][1]:
            chars.pop(0)
        correct = bool(chars) and chars[0] == ("*", False)
        if correct:
            chars = chars[1:]
        text = "".join(ch for ch, _escaped in chars).strip()
        if text or correct:
            result.append((text, correct))
    return result


def _escape_answer(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        following = text[i + 1 : i + 2]
        if ch == "|" or (ch == "*" and i == 0) or (ch == "\\" and following and following in "|*\\"):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def join_answers(answers: Iterable[tuple[str, bool]], *, mark_correct: bool = True) -> str:
    """The answers cell for (text, correct) pairs: the inverse of split_answers."""
    return ANSWER_SEPARATOR.join(
        ("*" if correct and mark_correct else "") + _escape_answer(text) for text, correct in answers
    )


def parse_kind(value: str) -> str | None:
    return KIND_ALIASES.get(fold(value).replace(" / ", "/"))


def parse_bool(value: str, *, true: set[str], false: set[str]) -> bool | None:
    folded = fold(value)
    if folded in true:
        return True
    if folded in false:
        return False
    return None


def parse_points(value: str) -> Decimal | None:
    """1 for an empty cell; None for anything but a number > 0, ≤ MAX_POINTS, with two decimals at most."""
    if value == "":
        return Decimal("1")
    try:
        points = Decimal(value.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if (
        not points.is_finite()
        or points <= 0
        or points > MAX_POINTS
        or points != points.quantize(Decimal("0.01"))
    ):
        return None
    return points


def format_points(points: Decimal) -> str:
    return f"{points.normalize():f}"
