"""Reading an officials sheet and checking it: `officials_parse` writes nothing.

The file is read by lms.spreadsheets.read_sheet (columns by name, encodings, file errors), each row is checked
on its own (row_checks.py), then all rows against the database and the uploader's scope (database_checks.py).
"""

from typing import BinaryIO

from lms.spreadsheets import read_sheet

from ..models import OrgUnit
from ..scope import Scope, scope_for
from .columns import LAYOUT
from .database_checks import check_against_database, find_leavers
from .results import ImportRow, ParsedImport
from .row_checks import check_cells

MAX_FILE_BYTES = 5 * 1024 * 1024
# Every new official costs about 17 queries (account, group, record, assignments following the person), some
# 15 ms: a file from the admin is written within one request, so it stays small; the command takes more.
MAX_ROWS = 1_000
COMMAND_MAX_ROWS = 20_000


def scope_of(viewer) -> Scope:
    """The uploader's scope; no viewer (the command line) means an administrator's: everything."""
    if viewer is None:
        return Scope(user_id=None, everything=True, paths=())
    return scope_for(viewer)


def officials_parse(
    *,
    file: BinaryIO | bytes,
    filename: str,
    viewer=None,
    deactivate_missing: bool = False,
    leavers_under: OrgUnit | None = None,
    max_rows: int | None = None,
) -> ParsedImport:
    """Read and check an officials file; writes nothing.

    `viewer` is the uploader (rows outside their scope are errors; None = an administrator at the command
    line). With `deactivate_missing`, active officials of the scope (or of `leavers_under`'s subtree) who are
    not in the file are planned as leavers. `max_rows` defaults to MAX_ROWS.
    """
    scope = scope_of(viewer)
    if leavers_under is not None and not scope.covers(leavers_under):
        leavers_under = None
    result = ParsedImport(
        deactivate_missing=deactivate_missing,
        leavers_under=leavers_under,
        scope=scope,
        viewer=viewer,
        filename=filename,
    )
    sheet = read_sheet(
        file, filename=filename, layout=LAYOUT, max_bytes=MAX_FILE_BYTES, max_rows=max_rows or MAX_ROWS
    )
    result.errors = list(sheet.errors)
    result.ignored_columns = sheet.ignored_columns
    if not sheet.ok:
        return result
    result.columns = sheet.columns
    result.rows = [
        ImportRow(number=r.number, cells=r.cells, raw_phone=r.values.get("phone")) for r in sheet.rows
    ]
    for row in result.rows:
        check_cells(row)
    check_against_database(result, viewer=viewer)
    for row in result.rows:
        result.errors.extend(row.errors)
    if deactivate_missing and not result.errors:
        result.leavers = find_leavers(result, viewer=viewer)
    return result
