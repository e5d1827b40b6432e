"""Importing a question sheet (CSV/XLSX): parse and check everything, then write all rows or none.

The file is read by lms.spreadsheets.read_sheet (columns by name, encodings, file errors); each row is
checked by sheet_rows.row_check. Nothing is written until `questions_import` gets a clean parse.
"""

from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction

from lms.spreadsheets import ParsedSheet, read_sheet

from ..models import Question
from .columns import LAYOUT
from .drafts import category_cache, category_for, questions_create, sub_category_cache, sub_category_for
from .errors import ImportRejected
from .sheet_rows import ExistingCategories, RowPreview, row_check

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000


@dataclass
class ParseResult(ParsedSheet):
    """A checked question sheet (rows are RowPreviews), with the categories an import would create."""

    rows: list[RowPreview] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    new_sub_categories: list[str] = field(default_factory=list)


def questions_parse(*, file: BinaryIO | bytes, filename: str) -> ParseResult:
    """Read a CSV or XLSX question sheet and check every row; writes nothing.

    File-level problems (type, size, encoding, columns, row count) are RowErrors with row=None (the header's
    row for a column missing or twice), and then there are no rows.
    """
    sheet = read_sheet(file, filename=filename, layout=LAYOUT, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)
    result = ParseResult(errors=list(sheet.errors), ignored_columns=sheet.ignored_columns)
    if not sheet.ok:
        return result
    existing = ExistingCategories()
    new_categories: dict[str, str] = {}
    new_sub_categories: dict[tuple[str, str], str] = {}
    for row in sheet.rows:
        preview = row_check(row.number, row.cells, existing)
        result.rows.append(preview)
        result.errors.extend(preview.errors)
        if preview.new_category:
            new_categories.setdefault(preview.category.casefold(), preview.category)
        if preview.new_sub_category:
            key = (preview.category.casefold(), preview.sub_category.casefold())
            new_sub_categories.setdefault(key, f"{preview.category} › {preview.sub_category}")
    result.new_categories = list(new_categories.values())
    result.new_sub_categories = list(new_sub_categories.values())
    return result


def questions_import(*, parsed: ParseResult) -> list[Question]:
    """Write every row of a checked sheet in one transaction; refuse (ImportRejected) if any row has errors.

    Categories and sub-categories that do not exist yet are created (matched case-insensitively).
    """
    if not parsed.ok:
        raise ImportRejected(parsed.errors)
    with transaction.atomic():
        categories = category_cache()
        sub_categories = sub_category_cache()
        items = []
        for preview in parsed.rows:
            category = category_for(preview.category, categories)
            sub = (
                sub_category_for(category, preview.sub_category, sub_categories)
                if preview.sub_category
                else None
            )
            items.append((preview.draft, category, sub))
        return questions_create(items)
