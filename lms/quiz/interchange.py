"""Question-bank interchange: spreadsheet (CSV/XLSX) import and export, and H5P content.json.

Pure services, no HTTP: the admin views in admin_interchange.py call them. Columns, limits and the H5P
mapping are documented in docs/quiz-import.md.
"""

import io
import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape
from html.parser import HTMLParser
from typing import BinaryIO

import openpyxl
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from wagtail.models import ReferenceIndex
from wagtail.tasks import update_reference_index_task

from lms.spreadsheets import (
    XLSX_SIGNATURE,
    RowError,
    SpreadsheetError,
    cell_text,
    csv_lines,
    safe_cell,
    spreadsheet_rows,
)
from lms.spreadsheets import safe_cell as neutralise_formula  # noqa: F401 — the name this module used to export
from lms.text import fold

from .models import Answer, Category, Question, Quiz, SubCategory

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

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_SHEET_ROWS = 100_000  # physical rows scanned in a workbook, blank ones included
MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 50
MAX_NAME_CHARS = Category._meta.get_field("name").max_length
MAX_QUESTION_CHARS = 5_000
MAX_EXPLANATION_CHARS = 5_000
MAX_ANSWER_CHARS = Answer._meta.get_field("text").max_length
MAX_CHOICES = 20
MAX_POINTS = Decimal("999.99")
MAX_H5P_BYTES = 2 * 1024 * 1024
MAX_H5P_QUESTIONS = 500

H5P_MULTICHOICE = "H5P.MultiChoice 1.16"
H5P_TRUEFALSE = "H5P.TrueFalse 1.8"

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


# --- Errors and results -----------------------------------------------------------------------------


class InterchangeError(Exception):
    """Input the interchange refuses; `messages` are shown to the person as they are."""

    def __init__(self, messages):
        self.messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        super().__init__("; ".join(self.messages))


class ImportRejected(InterchangeError):
    """A spreadsheet with errors: nothing was imported. `errors` are the RowErrors."""

    def __init__(self, errors: list["RowError"]):
        self.errors = list(errors)
        super().__init__([e.display for e in self.errors] or [_("There is nothing to import.")])


class H5PContentError(InterchangeError):
    """A content.json that cannot be imported: nothing was written."""


@dataclass(frozen=True)
class AnswerDraft:
    text: str
    correct: bool


@dataclass
class QuestionDraft:
    """A question read from a file, before it is written."""

    kind: str
    text: str
    points: Decimal | None = Decimal("1")
    answers: list[AnswerDraft] = field(default_factory=list)
    correct_is_true: bool | None = None
    partial_credit: bool = False
    explanation: str = ""
    answer_order: str = Question.AnswerOrder.AS_WRITTEN

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind in Kind.values else self.kind


@dataclass
class RowPreview:
    row: int
    category: str
    sub_category: str
    draft: QuestionDraft
    errors: list[RowError] = field(default_factory=list)
    new_category: bool = False
    new_sub_category: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ParseResult:
    rows: list[RowPreview] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    new_sub_categories: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # header cells that are not ours: a typo?

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]


@dataclass(frozen=True)
class H5PExport:
    content: dict
    skipped_question_ids: list[int]
    exported_question_ids: list[int]


# --- Cell helpers -------------------------------------------------------------------------------------


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
    return ANSWER_SEPARATOR.join(
        ("*" if correct and mark_correct else "") + _escape_answer(text) for text, correct in answers
    )


def _parse_kind(value: str) -> str | None:
    return KIND_ALIASES.get(fold(value).replace(" / ", "/"))


def _parse_bool(value: str, *, true: set[str], false: set[str]) -> bool | None:
    folded = fold(value)
    if folded in true:
        return True
    if folded in false:
        return False
    return None


def _parse_points(value: str) -> Decimal | None:
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


def _format_points(points: Decimal) -> str:
    return f"{points.normalize():f}"


# --- Reading files --------------------------------------------------------------------------------------


def _file_error(code: str, message: str) -> RowError:
    return RowError(row=None, code=code, message=message)


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file[: MAX_FILE_BYTES + 1])
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(MAX_FILE_BYTES + 1)


def _spreadsheet_rows(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    return spreadsheet_rows(
        data,
        filename,
        max_bytes=MAX_FILE_BYTES,
        max_sheet_rows=MAX_SHEET_ROWS,
        max_columns=MAX_COLUMNS,
        max_unpacked_bytes=MAX_XLSX_UNCOMPRESSED_BYTES,
    )


# --- Parsing --------------------------------------------------------------------------------------------


def _normalise_header(value) -> str:
    return fold(cell_text(value)).replace("-", "_").replace(" ", "_")


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


def _category_cache() -> dict[str, Category]:
    # Matched in Python: SQLite's case-insensitive lookups fold ASCII letters only, not "Ô" and "ô".
    cache: dict[str, Category] = {}
    for category in Category.objects.order_by("pk"):
        cache.setdefault(_name_key(category.name), category)
    return cache


def _sub_category_cache() -> dict[tuple[int, str], SubCategory]:
    cache: dict[tuple[int, str], SubCategory] = {}
    for sub in SubCategory.objects.order_by("pk"):
        cache.setdefault((sub.category_id, _name_key(sub.name)), sub)
    return cache


def category_find(*, name: str) -> Category | None:
    """The category with this name, ignoring case (as imports match them)."""
    return _category_cache().get(_name_key(name))


class _Lookup:
    """Existing categories and sub-categories, matched case-insensitively."""

    def __init__(self):
        self.categories = _category_cache()
        self.sub_categories = _sub_category_cache()

    def has_category(self, name: str) -> bool:
        return _name_key(name) in self.categories

    def has_sub_category(self, category: str, name: str) -> bool:
        existing = self.categories.get(_name_key(category))
        return existing is not None and (existing.pk, _name_key(name)) in self.sub_categories


def _check_length(errors, row, column, value, limit, label) -> None:
    if len(value) > limit:
        errors.append(
            RowError(
                row,
                "too_long",
                _("%(label)s is longer than %(max)d characters.") % {"label": label, "max": limit},
                column,
            )
        )


def _parse_row(number: int, cells: dict[str, str], lookup: _Lookup) -> RowPreview:
    errors: list[RowError] = []

    def error(code, message, column=""):
        errors.append(RowError(number, code, message, column))

    category = cells.get("category", "")
    sub_category = cells.get("sub_category", "")
    text = cells.get("question", "")
    raw_kind = cells.get("kind", "")
    raw_points = cells.get("points", "")
    raw_answers = cells.get("answers", "")
    raw_correct = cells.get("correct", "")
    raw_partial = cells.get("partial_credit", "")
    explanation = cells.get("explanation", "")

    if not category:
        error("missing_category", _("The category is empty."), "category")
    _check_length(errors, number, "category", category, MAX_NAME_CHARS, _("The category"))
    _check_length(errors, number, "sub_category", sub_category, MAX_NAME_CHARS, _("The sub-category"))
    if not text:
        error("missing_question", _("The question text is empty."), "question")
    _check_length(errors, number, "question", text, MAX_QUESTION_CHARS, _("The question text"))
    _check_length(errors, number, "explanation", explanation, MAX_EXPLANATION_CHARS, _("The explanation"))

    kind = _parse_kind(raw_kind)
    if kind is None:
        if raw_kind:
            message = _(
                "Unknown kind “%(value)s”: use single, multiple, true_false, short or essay "
                "(or một đáp án, nhiều đáp án, đúng/sai, trả lời ngắn, tự luận)."
            ) % {"value": raw_kind}
        else:
            message = _("The kind is empty: use single, multiple, true_false, short or essay.")
        error("unknown_kind", message, "kind")

    points = _parse_points(raw_points)
    if points is None:
        error(
            "bad_points",
            _(
                "Points must be a number greater than 0 and at most %(max)s, with at most two decimals "
                "(found “%(value)s”)."
            )
            % {"max": MAX_POINTS, "value": raw_points},
            "points",
        )

    partial_credit = _parse_bool(raw_partial, true=YES_VALUES, false=NO_VALUES)
    if partial_credit is None:
        error(
            "bad_partial_credit",
            _("Partial credit must be yes or no (found “%(value)s”).") % {"value": raw_partial},
            "partial_credit",
        )

    pairs = split_answers(raw_answers)
    answers = [AnswerDraft(text=t, correct=c) for t, c in pairs]
    correct_is_true = None

    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        if any(not a.text for a in answers):
            error("empty_choice", _("A choice is empty (a “*” with no text)."), "answers")
        if len(answers) < 2:
            error("too_few_choices", _("A choice question needs at least 2 choices."), "answers")
        if len(answers) > MAX_CHOICES:
            error(
                "too_many_choices",
                _("A question can have at most %(max)d choices.") % {"max": MAX_CHOICES},
                "answers",
            )
        seen = set()
        for answer in answers:
            key = answer.text.casefold()
            if answer.text and key in seen:
                error(
                    "duplicate_choice",
                    _("The choice “%(text)s” is listed twice.") % {"text": answer.text},
                    "answers",
                )
            seen.add(key)
        n_correct = sum(a.correct for a in answers)
        if kind == Kind.SINGLE and n_correct != 1 and len(answers) >= 2:
            error(
                "single_needs_one_correct",
                _(
                    "A single-choice question needs exactly one correct choice, marked with *; "
                    "this row has %(count)d."
                )
                % {"count": n_correct},
                "answers",
            )
        if kind == Kind.MULTIPLE and n_correct == 0 and len(answers) >= 2:
            error(
                "multiple_needs_correct",
                _("A multiple-choice question needs at least one correct choice, marked with *."),
                "answers",
            )
        if raw_correct:
            error(
                "correct_not_applicable",
                _("The “correct” column is only for true/false questions: mark correct choices with *."),
                "correct",
            )
    elif kind == Kind.SHORT:
        answers = [AnswerDraft(text=a.text, correct=True) for a in answers if a.text]
        if not answers:
            error(
                "short_needs_answer",
                _("A short-answer question needs at least one accepted answer."),
                "answers",
            )
        if len(answers) > MAX_CHOICES:
            error(
                "too_many_choices",
                _("A question can have at most %(max)d accepted answers.") % {"max": MAX_CHOICES},
                "answers",
            )
        if raw_correct:
            error(
                "correct_not_applicable",
                _(
                    "The “correct” column is only for true/false questions: "
                    "list the accepted answers in “answers”."
                ),
                "correct",
            )
    elif kind == Kind.TRUE_FALSE:
        value = raw_correct
        if not value:
            # "*Đúng | Sai" in the answers column says the same thing.
            starred = [t for t, c in pairs if c]
            value = starred[0] if len(starred) == 1 else ""
        correct_is_true = _parse_bool(value, true=TRUE_VALUES, false=FALSE_VALUES) if value else None
        if correct_is_true is None:
            if value:
                message = _("Unknown true/false value “%(value)s”: use true or false (đúng or sai).") % {
                    "value": value
                }
            else:
                message = _("A true/false question needs the “correct” column: true or false (đúng or sai).")
            error("true_false_value", message, "correct")
        answers = []
    elif kind == Kind.ESSAY:
        if answers:
            error(
                "essay_has_answers",
                _("An essay question takes no answers: leave “answers” empty."),
                "answers",
            )
        if raw_correct:
            error(
                "correct_not_applicable",
                _("The “correct” column is only for true/false questions."),
                "correct",
            )
        answers = []

    for answer in answers:
        _check_length(errors, number, "answers", answer.text, MAX_ANSWER_CHARS, _("An answer"))

    draft = QuestionDraft(
        kind=kind or raw_kind,
        text=text,
        points=points,
        answers=answers,
        correct_is_true=correct_is_true,
        partial_credit=bool(partial_credit),
        explanation=explanation,
    )
    return RowPreview(
        row=number,
        category=category,
        sub_category=sub_category,
        draft=draft,
        errors=errors,
        new_category=bool(category) and not lookup.has_category(category),
        new_sub_category=bool(sub_category) and not lookup.has_sub_category(category, sub_category),
    )


def questions_parse(*, file: BinaryIO | bytes, filename: str) -> ParseResult:
    """Read a CSV or XLSX question sheet and check every row; writes nothing.

    File-level problems (type, size, encoding, columns, row count) are RowErrors with row=None.
    """
    result = ParseResult()
    try:
        data = _read_bytes(file)
        rows = _spreadsheet_rows(data, filename)
        header: dict[int, str] | None = None
        lookup = _Lookup()
        count = 0
        for number, values in rows:
            if header is None:
                if not any(cell_text(v) for v in values):
                    continue
                header = _read_header(number, values, result)
                if header is None:
                    return result
                continue
            cells = {name: cell_text(values[i]) if i < len(values) else "" for i, name in header.items()}
            if not any(cells.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                result.errors.append(
                    _file_error(
                        "too_many_rows",
                        _("The file has more than %(max)d questions. Split it into several files.")
                        % {"max": MAX_ROWS},
                    )
                )
                return result
            preview = _parse_row(number, cells, lookup)
            result.rows.append(preview)
            result.errors.extend(preview.errors)
    except (InterchangeError, SpreadsheetError) as exc:
        result.rows = []
        result.errors = [_file_error("bad_file", m) for m in exc.messages]
        return result
    if header is None or not result.rows:
        result.errors.insert(0, _file_error("empty", _("The file has no questions.")))
        return result
    new_categories: dict[str, str] = {}
    new_sub_categories: dict[tuple[str, str], str] = {}
    for preview in result.rows:
        if preview.new_category:
            new_categories.setdefault(preview.category.casefold(), preview.category)
        if preview.new_sub_category:
            key = (preview.category.casefold(), preview.sub_category.casefold())
            new_sub_categories.setdefault(key, f"{preview.category} › {preview.sub_category}")
    result.new_categories = list(new_categories.values())
    result.new_sub_categories = list(new_sub_categories.values())
    return result


def _read_header(number: int, values: list, result: ParseResult) -> dict[int, str] | None:
    header: dict[int, str] = {}
    for index, value in enumerate(values):
        name = _normalise_header(value)
        if name not in COLUMNS:
            if cell_text(value):
                result.ignored_columns.append(cell_text(value)[:MAX_NAME_CHARS])
            continue
        if name in header.values():
            result.errors.append(
                RowError(
                    number, "duplicate_column", _("The column “%(name)s” appears twice.") % {"name": name}
                )
            )
            return None
        header[index] = name
    missing = [c for c in REQUIRED_COLUMNS if c not in header.values()]
    if missing:
        result.errors.append(
            RowError(
                number,
                "missing_columns",
                _("The header row lacks the columns: %(columns)s. Download the template to see them.")
                % {"columns": ", ".join(missing)},
            )
        )
        return None
    return header


# --- Writing questions ---------------------------------------------------------------------------------


def _category_for(name: str, cache: dict) -> Category:
    key = _name_key(name)
    if key not in cache:
        category = Category(name=name)
        category.full_clean()
        category.save()
        cache[key] = category
    return cache[key]


def _sub_category_for(category: Category, name: str, cache: dict) -> SubCategory:
    key = (category.pk, _name_key(name))
    if key not in cache:
        sub = SubCategory(category=category, name=name)
        sub.full_clean()
        sub.save()
        cache[key] = sub
    return cache[key]


def _question_build(
    draft: QuestionDraft, *, category: Category, sub_category: SubCategory | None
) -> Question:
    question = Question(
        kind=draft.kind,
        category=category,
        sub_category=sub_category,
        text=draft.text,
        points=draft.points or Decimal("1"),
        partial_credit=draft.partial_credit,
        correct_is_true=draft.correct_is_true if draft.kind == Kind.TRUE_FALSE else None,
        explanation=draft.explanation,
        answer_order=draft.answer_order,
    )
    # The drafts are checked already; the database constraints still guard points and true/false.
    question.full_clean(
        exclude=["category", "sub_category", "figure"], validate_unique=False, validate_constraints=False
    )
    return question


def _questions_create(items: list[tuple[QuestionDraft, Category, SubCategory | None]]) -> list[Question]:
    """Insert in bulk (thousands of rows in a second, not a long write lock), inside the caller's transaction.

    bulk_create sends no post_save, so Wagtail's reference index (which questions use which categories) is
    updated the way its own signal handler does it, once the transaction has committed.
    """
    questions = [
        _question_build(draft, category=category, sub_category=sub) for draft, category, sub in items
    ]
    Question.objects.bulk_create(questions, batch_size=500)
    Answer.objects.bulk_create(
        (
            Answer(question=question, text=answer.text, correct=answer.correct, sort_order=index)
            for question, (draft, _category, _sub) in zip(questions, items, strict=True)
            for index, answer in enumerate(draft.answers)
        ),
        batch_size=1000,
    )
    pks = [question.pk for question in questions]

    def update_reference_index():
        if ReferenceIndex.is_indexed(Question):
            for pk in pks:
                update_reference_index_task.enqueue(
                    Question._meta.app_label, Question._meta.model_name, str(pk)
                )

    transaction.on_commit(update_reference_index)
    return questions


def questions_import(*, parsed: ParseResult) -> list[Question]:
    """Write every row of a checked sheet in one transaction; refuse (ImportRejected) if any row has errors.

    Categories and sub-categories that do not exist yet are created (matched case-insensitively).
    """
    if not parsed.ok:
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        categories = _category_cache()
        sub_categories = _sub_category_cache()
        items = []
        for preview in parsed.rows:
            category = _category_for(preview.category, categories)
            sub = (
                _sub_category_for(category, preview.sub_category, sub_categories)
                if preview.sub_category
                else None
            )
            items.append((preview.draft, category, sub))
        return _questions_create(items)


# --- Spreadsheet export ------------------------------------------------------------------------------------


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
        _format_points(question.points),
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
    """What each column means, for the template's second sheet."""
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
    return csv_lines([list(COLUMNS), *TEMPLATE_EXAMPLES])


def questions_template_xlsx() -> bytes:
    examples = [[*row[:4], Decimal(row[4]), *row[5:]] for row in TEMPLATE_EXAMPLES]
    return _xlsx_bytes([list(COLUMNS), *examples], title=_("Questions")[:31], guide=template_guide())


# --- H5P ---------------------------------------------------------------------------------------------------


def text_to_html(text: str) -> str:
    """Plain text as H5P HTML: escaped, one paragraph, line breaks kept."""
    return "<p>" + "<br>".join(escape(line) for line in (text or "").split("\n")) + "</p>"


_WHITESPACE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "blockquote",
        "pre",
    }
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(_WHITESPACE.sub(" ", data))


def html_to_text(value) -> str:
    """H5P HTML as plain text: tags stripped, entities unescaped, paragraphs as lines."""
    if not isinstance(value, str):
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return unicodedata.normalize("NFC", "\n".join(line for line in lines if line))


def _multichoice_params(question: Question, *, random_answers: bool) -> dict:
    answers = sorted(question.answers.all(), key=lambda a: (a.sort_order or 0, a.pk))
    multi = question.kind == Kind.MULTIPLE
    return {
        "question": text_to_html(question.text),
        "answers": [
            {
                "text": f"<div>{escape(a.text)}</div>",
                "correct": bool(a.correct),
                "tipsAndFeedback": {"tip": "", "chosenFeedback": "", "notChosenFeedback": ""},
            }
            for a in answers
        ],
        "overallFeedback": [{"from": 0, "to": 100, "feedback": escape(question.explanation)}],
        "behaviour": {
            "enableRetry": True,
            "enableSolutionsButton": True,
            "enableCheckButton": True,
            "type": "multi" if multi else "single",
            "singlePoint": multi and not question.partial_credit,
            "randomAnswers": random_answers,
            "showSolutionsRequiresInput": True,
            "confirmCheckDialog": False,
            "confirmRetryDialog": False,
            "autoCheck": False,
            "passPercentage": 100,
            "showScorePoints": True,
        },
    }


def _truefalse_params(question: Question) -> dict:
    return {
        "question": text_to_html(question.text),
        "correct": "true" if question.correct_is_true else "false",
        "behaviour": {
            "enableRetry": True,
            "enableSolutionsButton": True,
            "enableCheckButton": True,
            "confirmCheckDialog": False,
            "confirmRetryDialog": False,
            "autoCheck": False,
            "feedbackOnCorrect": escape(question.explanation),
            "feedbackOnWrong": escape(question.explanation),
        },
    }


def quiz_to_h5p_question_set(*, quiz: Quiz) -> H5PExport:
    """The quiz's fixed questions as an H5P.QuestionSet content.json.

    Short-answer and essay questions have no equivalent in H5P.MultiChoice / H5P.TrueFalse: they are left
    out and listed in `skipped_question_ids`. Random draws are not exported (H5P has no shared bank).
    """
    links = quiz.quiz_questions.select_related("question").prefetch_related("question__answers")
    items, skipped, exported = [], [], []
    for link in links.order_by("sort_order", "pk"):
        question = link.question
        random_answers = quiz.random_answer_order or question.answer_order == Question.AnswerOrder.RANDOM
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            library, params, content_type = (
                H5P_MULTICHOICE,
                _multichoice_params(question, random_answers=random_answers),
                "Multiple Choice",
            )
        elif question.kind == Kind.TRUE_FALSE:
            library, params, content_type = H5P_TRUEFALSE, _truefalse_params(question), "True/False Question"
        else:
            skipped.append(question.pk)
            continue
        exported.append(question.pk)
        items.append(
            {
                "library": library,
                "params": params,
                "subContentId": str(uuid.uuid4()),
                "metadata": {
                    "contentType": content_type,
                    "license": "U",
                    "title": " ".join(question.text.split())[:255],
                },
            }
        )
    content = {
        "introPage": {
            "showIntroPage": bool(quiz.description),
            "title": escape(quiz.title),
            "introduction": text_to_html(quiz.description) if quiz.description else "",
            "startButtonText": _("Start"),
        },
        "progressType": "dots",
        "passPercentage": quiz.pass_mark,
        "questions": items,
        "disableBackwardsNavigation": False,
        "randomQuestions": quiz.random_order,
        "endGame": {
            "showResultPage": True,
            "showSolutionButton": quiz.review >= Quiz.Review.CORRECT,
            "showRetryButton": quiz.max_attempts != 1,
            "noResultMessage": _("Finished"),
            "message": _("Your result:"),
            "overallFeedback": [{"from": 0, "to": 100}],
            "solutionButtonText": _("Show solution"),
            "retryButtonText": _("Retry"),
            "finishButtonText": _("Finish"),
            "showAnimations": False,
            "skippable": False,
        },
        "override": {"checkButton": not quiz.answers_at_end},
        "texts": {
            "prevButton": _("Previous question"),
            "nextButton": _("Next question"),
            "finishButton": _("Finish"),
            # Translators: keep @current and @total as they are (H5P replaces them).
            "textualProgress": _("Question: @current of @total questions"),
        },
    }
    if quiz.max_questions:
        content["poolSize"] = quiz.max_questions
    return H5PExport(content=content, skipped_question_ids=skipped, exported_question_ids=exported)


def h5p_content_load(*, file: BinaryIO | bytes) -> dict:
    """Read an uploaded content.json (UTF-8, at most MAX_H5P_BYTES)."""
    if isinstance(file, bytes | bytearray):
        data = bytes(file[: MAX_H5P_BYTES + 1])
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_H5P_BYTES + 1)
    if len(data) > MAX_H5P_BYTES:
        raise H5PContentError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_H5P_BYTES // (1024 * 1024)}
        )
    if data.startswith(XLSX_SIGNATURE):
        raise H5PContentError(
            _("This is a zip file (perhaps a whole .h5p package). Upload the content.json inside it.")
        )
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise H5PContentError(
            _("This file is not valid JSON: upload the content.json of an H5P content.")
        ) from None
    if not isinstance(content, dict):
        raise H5PContentError(_("The content.json must hold a JSON object."))
    return content


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _draft_from_multichoice(params: dict, label: str, errors: list[str]) -> QuestionDraft | None:
    text = html_to_text(params.get("question"))
    count = len(errors)
    if not text:
        errors.append(_("%(item)s: the question text is missing.") % {"item": label})
    elif len(text) > MAX_QUESTION_CHARS:
        errors.append(_("%(item)s: the question text is too long.") % {"item": label})
    raw_answers = params.get("answers")
    answers = []
    if isinstance(raw_answers, list):
        for raw in raw_answers:
            if not isinstance(raw, dict):
                errors.append(_("%(item)s: an answer is not an object.") % {"item": label})
                continue
            answer_text = html_to_text(raw.get("text"))
            if not answer_text:
                continue
            if len(answer_text) > MAX_ANSWER_CHARS:
                errors.append(_("%(item)s: an answer is too long.") % {"item": label})
            answers.append(AnswerDraft(text=answer_text, correct=_truthy(raw.get("correct"))))
    if len(answers) < 2:
        errors.append(_("%(item)s: a multiple-choice question needs at least 2 answers.") % {"item": label})
    elif len(answers) > MAX_CHOICES:
        errors.append(_("%(item)s: more than %(max)d answers.") % {"item": label, "max": MAX_CHOICES})
    n_correct = sum(a.correct for a in answers)
    if answers and n_correct == 0:
        errors.append(_("%(item)s: no answer is marked correct.") % {"item": label})
    if len(errors) > count:
        return None
    behaviour = params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    multiple = behaviour.get("type") == "multi" or n_correct > 1
    feedback = params.get("overallFeedback")
    explanation = ""
    if isinstance(feedback, list):
        explanation = next(
            (html_to_text(f.get("feedback")) for f in feedback if isinstance(f, dict) and f.get("feedback")),
            "",
        )
    return QuestionDraft(
        kind=Kind.MULTIPLE if multiple else Kind.SINGLE,
        text=text,
        answers=answers,
        partial_credit=multiple and not _truthy(behaviour.get("singlePoint", False)),
        explanation=explanation[:MAX_EXPLANATION_CHARS],
        answer_order=Question.AnswerOrder.RANDOM
        if _truthy(behaviour.get("randomAnswers"))
        else Question.AnswerOrder.AS_WRITTEN,
    )


def _draft_from_truefalse(params: dict, label: str, errors: list[str]) -> QuestionDraft | None:
    text = html_to_text(params.get("question"))
    count = len(errors)
    if not text:
        errors.append(_("%(item)s: the question text is missing.") % {"item": label})
    elif len(text) > MAX_QUESTION_CHARS:
        errors.append(_("%(item)s: the question text is too long.") % {"item": label})
    correct = params.get("correct")
    if isinstance(correct, bool):
        correct = "true" if correct else "false"
    if correct not in ("true", "false"):
        errors.append(_('%(item)s: “correct” must be "true" or "false".') % {"item": label})
    if len(errors) > count:
        return None
    behaviour = params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    explanation = html_to_text(behaviour.get("feedbackOnCorrect")) or html_to_text(
        behaviour.get("feedbackOnWrong")
    )
    return QuestionDraft(
        kind=Kind.TRUE_FALSE,
        text=text,
        correct_is_true=correct == "true",
        explanation=explanation[:MAX_EXPLANATION_CHARS],
    )


def h5p_content_parse(*, content) -> list[QuestionDraft]:
    """Questions of an H5P QuestionSet, MultiChoice or TrueFalse content.json; raises H5PContentError."""
    if not isinstance(content, dict):
        raise H5PContentError(_("The content.json must hold a JSON object."))
    errors: list[str] = []
    drafts: list[QuestionDraft | None] = []
    if isinstance(content.get("questions"), list):
        items = content["questions"]
        if not items:
            raise H5PContentError(_("The question set has no questions."))
        if len(items) > MAX_H5P_QUESTIONS:
            raise H5PContentError(
                _("The question set has more than %(max)d questions.") % {"max": MAX_H5P_QUESTIONS}
            )
        for number, item in enumerate(items, start=1):
            label = _("Question %(number)d") % {"number": number}
            if not isinstance(item, dict) or not isinstance(item.get("params"), dict):
                errors.append(_("%(item)s is malformed (no “params” object).") % {"item": label})
                continue
            library = item.get("library")
            machine_name = library.split(" ", 1)[0] if isinstance(library, str) else ""
            if machine_name == "H5P.MultiChoice":
                drafts.append(_draft_from_multichoice(item["params"], label, errors))
            elif machine_name == "H5P.TrueFalse":
                drafts.append(_draft_from_truefalse(item["params"], label, errors))
            else:
                errors.append(
                    _("%(item)s uses “%(library)s”: only H5P.MultiChoice and H5P.TrueFalse can be imported.")
                    % {"item": label, "library": str(library or "?")[:80]}
                )
    elif isinstance(content.get("answers"), list):
        drafts.append(_draft_from_multichoice(content, _("The question"), errors))
    elif isinstance(content.get("correct"), str):
        drafts.append(_draft_from_truefalse(content, _("The question"), errors))
    else:
        raise H5PContentError(
            _(
                "This content.json is not recognised: expected an H5P Question Set, Multiple Choice "
                "or True/False content."
            )
        )
    if errors:
        raise H5PContentError(errors)
    return [d for d in drafts if d is not None]


def h5p_content_import(
    *, content, category: Category | str, sub_category: SubCategory | None = None
) -> list[Question]:
    """Write the questions of an H5P content.json into the bank, all or nothing.

    `category` is a Category, or the name of one (found case-insensitively or created).
    """
    drafts = h5p_content_parse(content=content)
    with transaction.atomic():
        if isinstance(category, str):
            name = unicodedata.normalize("NFC", category).strip()
            if not name or len(name) > MAX_NAME_CHARS:
                raise H5PContentError(
                    _("Give the category a name of at most %(max)d characters.") % {"max": MAX_NAME_CHARS}
                )
            category = _category_for(name, _category_cache())
        if sub_category is not None and sub_category.category_id != category.pk:
            raise H5PContentError(_("The sub-category does not belong to the category."))
        return _questions_create([(draft, category, sub_category) for draft in drafts])
