"""Reading and writing the spreadsheets people exchange with the platform (CSV and XLSX).

Reading checks what a file really is before trusting it: size, the zip signature of a workbook, the size of
the workbook once unpacked, and a text encoding for CSV (UTF-8 with or without BOM, UTF-16, or Vietnamese
Windows cp1258), always NFC-normalised. `read_sheet` is the one reader of the imports (officials, questions):
it finds the header row, matches its cells to the import's columns by name (`SheetLayout`: keys, template
headers and other spellings, compared without case or diacritics, in any order, other columns ignored),
enforces the required columns and a row limit, and reports every problem of the file as a `RowError` with a
code and a translated message. Writing goes through `safe_cell`, so a cell a spreadsheet program would run as
a formula reaches it as plain text (CSV/formula injection).
"""

import codecs
import csv
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import BinaryIO

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from lms.text import fold

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary Excel (.xls) and other Office 97 files
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DEFAULT_MAX_SHEET_ROWS = 100_000  # physical rows scanned in a workbook, blank ones included
DEFAULT_MAX_COLUMNS = 50
DEFAULT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024

# Control characters a text file never holds; tab, line feed and carriage return are fine.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


class SpreadsheetError(Exception):
    """A file that cannot be read as a spreadsheet; `messages` are shown to the person as they are."""

    def __init__(self, messages):
        self.messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class RowError:
    """One problem of an imported spreadsheet, shown to the person with its row number."""

    row: int | None  # the spreadsheet's row number (the header is usually row 1); None for the whole file
    code: str
    message: str
    column: str = ""

    @property
    def display(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


# --- Cells ---------------------------------------------------------------------------------------------


def safe_cell(value):
    """A value for an exported cell: text a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers, dates and booleans are written as what they are and returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """Undo `safe_cell` on text read back from one of our own exports."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def cell_text(value) -> str:
    """A cell as stripped, NFC-normalised text ("" for an empty cell; 12.0 reads as "12").

    A workbook read with its formulas (data_only=False) gives array and data-table formulas as objects:
    they read as formula text too, so a check for formulas sees them.
    """
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        value = value.text or "="
    elif isinstance(value, DataTableFormula):
        value = "="
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    if not isinstance(value, str):
        value = str(value)
    return unicodedata.normalize("NFC", unsafe_cell(value)).strip()


# --- Reading -------------------------------------------------------------------------------------------


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: every other byte of ASCII text is zero."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) >= len(zeros) * 0.6:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or plainly recognisable), else Vietnamese Windows (cp1258).

    The text comes back NFC-normalised; a file holding control characters is not a text file.
    """
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            text = _utf16_without_bom(data)
            if text is None:
                raise SpreadsheetError(
                    _("This file is not a text CSV file. Save it as CSV (UTF-8) or as .xlsx.")
                )
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _("The file's text encoding is not recognised. Save it as CSV UTF-8 or as .xlsx.")
        ) from None
    text = text.removesuffix("\x1a")  # the end-of-file mark of old DOS programs
    if not _CONTROL.isdisjoint(text):
        raise SpreadsheetError(_("This file is not a text CSV file. Save it as CSV (UTF-8) or as .xlsx."))
    # cp1258 writes tone marks as combining characters: compose them so "ỏ" is one character.
    return unicodedata.normalize("NFC", text)


def csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cells) of a CSV file; the number is the record's, as a spreadsheet shows it."""
    text = decode_csv_bytes(data)
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" when the list separator is a comma-decimal locale (Vietnamese Windows), tabs for
    # "Unicode text": the header's own separators tell which.
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    first_line_of_record = 1
    try:
        # A quoted cell may span lines: number the records, and remember the line each one starts on.
        for number, cells in enumerate(reader, start=1):
            yield number, cells
            first_line_of_record = reader.line_num + 1
    except csv.Error as exc:
        raise SpreadsheetError(_csv_error_message(exc, line=first_line_of_record)) from None


def _csv_error_message(error: csv.Error, *, line: int) -> str:
    """The csv module's errors are English sentences; say what they mean instead."""
    if "field larger than field limit" in str(error):
        return _(
            "From line %(line)d on, one cell is longer than %(limit)s characters. This usually comes from a "
            'quotation mark (") that opens a cell and is never closed: check the quotation marks from that '
            "line on, or save the file again as CSV (UTF-8) or as .xlsx."
        ) % {"line": line, "limit": number_format(csv.field_size_limit(), force_grouping=True)}
    return _("The CSV file is malformed from line %(line)d on. Save it again as CSV (UTF-8) or as .xlsx.") % {
        "line": line
    }


def xlsx_rows(
    data: bytes,
    *,
    data_only: bool = True,
    max_sheet_rows: int = DEFAULT_MAX_SHEET_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> Iterator[tuple[int, list]]:
    """(row number, values) of a workbook's first sheet, read without loading it whole.

    With data_only=False a formula cell reads as its formula text ("=SUM(A1:A3)"), so a caller can refuse it.
    """
    invalid = _("This .xlsx file cannot be read as an Excel workbook. Open it in Excel and save it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_unpacked_bytes:
                raise SpreadsheetError(_("This workbook is too large once unpacked."))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError):
        raise SpreadsheetError(invalid) from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(invalid)
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=max_columns), start=1):
            if number > max_sheet_rows:
                raise SpreadsheetError(_("The sheet has more than %(max)d rows.") % {"max": max_sheet_rows})
            yield number, list(values)
    except SpreadsheetError:
        raise
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile):
        raise SpreadsheetError(invalid) from None
    finally:
        workbook.close()


def spreadsheet_rows(
    data: bytes, filename: str, *, max_bytes: int, **xlsx_options
) -> Iterator[tuple[int, list]]:
    """The rows of a .csv or .xlsx upload, after checking that it is what its name says.

    Raises SpreadsheetError at once for a wrong size or type; reading errors surface while iterating.
    """
    extension = PurePath(filename or "").suffix.lower()
    if len(data) > max_bytes:
        raise SpreadsheetError(
            _("The file is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    if extension == ".xlsx":
        if not data.startswith(XLSX_SIGNATURE):
            raise SpreadsheetError(
                _(
                    "This file is named .xlsx but is not an Excel workbook. "
                    "Open it in Excel and save it again."
                )
            )
        return xlsx_rows(data, **xlsx_options)
    if extension == ".csv":
        if data.startswith(XLSX_SIGNATURE) or data.startswith(OLE_SIGNATURE):
            raise SpreadsheetError(
                _("This file is named .csv but is an Excel workbook. Save it as .xlsx or as CSV UTF-8.")
            )
        return csv_rows(data)
    if extension == ".xls":
        raise SpreadsheetError(_("The old Excel format (.xls) is not supported. Save the file as .xlsx."))
    raise SpreadsheetError(_("Upload a spreadsheet: a .csv or .xlsx file."))


# --- Reading an import: named columns ----------------------------------------------------------------

MAX_IGNORED_HEADER_CHARS = 100  # an ignored header cell, as the preview lists it


def header_key(value) -> str:
    """A header cell as it is compared: no case, diacritics or stars; "_" and "-" count as spaces."""
    return fold(cell_text(value).replace("*", "").replace("_", " ").replace("-", " "))


@dataclass(frozen=True)
class Column:
    """One column an import reads: its key, the header the template writes, and other names people use."""

    key: str
    header: str = ""  # the template's header, named in messages; the key when empty
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def title(self) -> str:
        return self.header or self.key


@dataclass(frozen=True)
class SheetLayout:
    """The columns of an import, in the template's order, and how its messages name the rows."""

    columns: tuple[Column, ...]
    no_rows: str  # the file has a header but no data row: "The file has no officials."
    too_many_rows: str  # with %(max)d: "The file has more than %(max)d officials. Split it …"
    read_formulas: bool = False  # a workbook formula reads as its text ("=SUM(A1)"), not its value

    @cached_property
    def _by_spelling(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for column in self.columns:
            for spelling in (column.key, column.title, *column.aliases):
                found[header_key(spelling)] = column
        return found

    def column_for(self, header_cell) -> Column | None:
        return self._by_spelling.get(header_key(header_cell))


@dataclass(frozen=True)
class SheetRow:
    """A data row: its number in the spreadsheet and the cells of the columns the file has."""

    number: int
    cells: dict[str, str]  # column key -> text (see cell_text)
    values: dict[str, object]  # column key -> the value as read (a number stays a number)


@dataclass
class Sheet:
    """What `read_sheet` found. With any error there are no rows: the file cannot be used as it is."""

    rows: list[SheetRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the keys the header holds, in the layout's order
    ignored_columns: list[str] = field(default_factory=list)  # header cells that are not ours: a typo?
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ParsedSheet:
    """What an import made of a sheet: its checked rows (each with `.errors`) and every error of the file."""

    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # file-level ones (row None) stop the reading
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def invalid_rows(self) -> list:
        return [r for r in self.rows if r.errors]


def upload_bytes(file: BinaryIO | bytes, *, max_bytes: int) -> bytes:
    """An upload's bytes, read from its start: at most max_bytes + 1, enough to tell that it is too large."""
    if isinstance(file, bytes | bytearray):
        return bytes(file[: max_bytes + 1])
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(max_bytes + 1)


def read_sheet(
    file: BinaryIO | bytes, *, filename: str, layout: SheetLayout, max_bytes: int, max_rows: int
) -> Sheet:
    """The data rows of an uploaded .csv or .xlsx, their cells named by the layout's columns.

    The first non-empty row is the header; its cells are matched by name (see `header_key`), so the columns
    may come in any order, and cells that name no column are ignored and listed. Blank rows are skipped. Never
    raises for a bad file: the problem is in `errors` (row None, or the header's row), with a code —
    `empty`, `bad_file`, `missing_columns`, `duplicate_column`, `too_many_rows` — and a translated message.
    """
    sheet = Sheet()
    data = upload_bytes(file, max_bytes=max_bytes)
    if not data:
        sheet.errors.append(RowError(None, "empty", _("The file is empty.")))
        return sheet
    try:
        _read_rows(sheet, data, filename, layout, max_bytes=max_bytes, max_rows=max_rows)
    except SpreadsheetError as exc:
        sheet.columns = []
        sheet.errors = [RowError(None, "bad_file", message) for message in exc.messages]
    if sheet.errors:
        sheet.rows = []
    return sheet


def _read_rows(sheet: Sheet, data: bytes, filename: str, layout: SheetLayout, *, max_bytes, max_rows) -> None:
    rows = spreadsheet_rows(data, filename, max_bytes=max_bytes, data_only=not layout.read_formulas)
    header: dict[int, str] | None = None
    for number, values in rows:
        if header is None:
            if any(cell_text(v) for v in values):
                header = _read_header(sheet, layout, number, values)
                if header is None:
                    return
            continue
        present = {key: values[i] if i < len(values) else None for i, key in header.items()}
        cells = {key: cell_text(value) for key, value in present.items()}
        if not any(cells.values()):
            continue
        if len(sheet.rows) >= max_rows:
            sheet.errors.append(RowError(None, "too_many_rows", layout.too_many_rows % {"max": max_rows}))
            return
        sheet.rows.append(SheetRow(number=number, cells=cells, values=present))
    if not sheet.rows:
        sheet.errors.append(RowError(None, "empty", str(layout.no_rows)))


def _read_header(sheet: Sheet, layout: SheetLayout, number: int, values: list) -> dict[int, str] | None:
    """Column index -> key of the header row; None (and an error) if a column is twice or one is missing."""
    header: dict[int, str] = {}
    for index, value in enumerate(values):
        column = layout.column_for(value)
        if column is None:
            if text := cell_text(value):
                sheet.ignored_columns.append(text[:MAX_IGNORED_HEADER_CHARS])
            continue
        if column.key in header.values():
            message = _("The column “%(name)s” appears twice.") % {"name": column.title}
            sheet.errors.append(RowError(number, "duplicate_column", message))
            return None
        header[index] = column.key
    missing = [c.title for c in layout.columns if c.required and c.key not in header.values()]
    if missing:
        message = _("The header row lacks the columns: %(columns)s. Download the template to see them.") % {
            "columns": ", ".join(missing)
        }
        sheet.errors.append(RowError(number, "missing_columns", message))
        return None
    sheet.columns = [c.key for c in layout.columns if c.key in header.values()]
    return header


# --- Writing -------------------------------------------------------------------------------------------


class Echo:
    """A file-like object whose write returns what it is given: csv.writer then formats one row at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text for a StreamingHttpResponse: a UTF-8 BOM first (so Excel reads Vietnamese), safe cells."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])
