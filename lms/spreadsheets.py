"""Reading and writing the spreadsheets people exchange with the platform (CSV and XLSX).

Reading checks what a file really is before trusting it: size, the zip signature of a workbook, the size of
the workbook once unpacked, and a text encoding for CSV (UTF-8 with or without BOM, UTF-16, or Vietnamese
Windows cp1258), always NFC-normalised. Writing goes through `safe_cell`, so a cell a spreadsheet program
would run as a formula reaches it as plain text (CSV/formula injection).
"""

import codecs
import csv
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

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
    """A cell as stripped, NFC-normalised text ("" for an empty cell; 12.0 reads as "12")."""
    if value is None:
        return ""
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


# --- Writing -------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text for a StreamingHttpResponse: a UTF-8 BOM first (so Excel reads Vietnamese), safe cells."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(["" if v is None else safe_cell(str(v)) for v in row])
