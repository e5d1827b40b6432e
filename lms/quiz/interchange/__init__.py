"""Question-bank interchange: spreadsheet (CSV/XLSX) import and export, and H5P content.json.

Pure services, no HTTP: the admin views in admin_interchange.py call them. Columns, limits and the H5P
mapping are documented in docs/quiz-import.md. The modules:

- columns.py: the sheet's columns and limits, how kinds, yes/no words, points and the answers cell are read
  and written;
- sheet_import.py: `questions_parse` (read with lms.spreadsheets, check) and `questions_import` (write);
  sheet_rows.py: the check of one row, one small check per question kind;
- sheet_export.py: the CSV/XLSX export and the import template;
- h5p_read.py: an uploaded content.json or .h5p package read into question drafts (skipped items listed);
  h5p_question_set.py: a quiz as an H5P Question Set, and H5P questions (or a whole set, as a quiz) into the
  bank; html_text.py: H5P's HTML to plain text and back;
- drafts.py: questions read from a file and their writing into the bank; errors.py: what is refused.
"""

from .columns import COLUMNS, MAX_NAME_CHARS, REQUIRED_COLUMNS, join_answers, split_answers
from .drafts import AnswerDraft, QuestionDraft, category_find
from .errors import H5PContentError, ImportRejected, InterchangeError
from .h5p_question_set import H5PExport, h5p_content_import, h5p_quiz_import, quiz_to_h5p_question_set
from .h5p_read import (
    MAX_H5P_BYTES,
    MAX_H5P_PACKAGE_BYTES,
    H5PRead,
    H5PUpload,
    SkippedItem,
    h5p_content_load,
    h5p_content_parse,
    h5p_content_read,
    h5p_upload_load,
)
from .html_text import html_to_text, text_to_html
from .sheet_export import (
    question_to_row,
    questions_export_csv,
    questions_export_xlsx,
    questions_template_csv,
    questions_template_xlsx,
    template_guide,
)
from .sheet_import import MAX_FILE_BYTES, MAX_ROWS, ParseResult, questions_import, questions_parse
from .sheet_rows import RowPreview

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_H5P_BYTES",
    "MAX_H5P_PACKAGE_BYTES",
    "MAX_NAME_CHARS",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "AnswerDraft",
    "H5PContentError",
    "H5PExport",
    "H5PRead",
    "H5PUpload",
    "ImportRejected",
    "InterchangeError",
    "ParseResult",
    "QuestionDraft",
    "RowPreview",
    "SkippedItem",
    "category_find",
    "h5p_content_import",
    "h5p_content_load",
    "h5p_content_parse",
    "h5p_content_read",
    "h5p_quiz_import",
    "h5p_upload_load",
    "html_to_text",
    "join_answers",
    "question_to_row",
    "questions_export_csv",
    "questions_export_xlsx",
    "questions_import",
    "questions_parse",
    "questions_template_csv",
    "questions_template_xlsx",
    "quiz_to_h5p_question_set",
    "split_answers",
    "template_guide",
    "text_to_html",
]
