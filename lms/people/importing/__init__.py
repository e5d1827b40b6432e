"""Bulk import of officials from a spreadsheet (XLSX or CSV): parse → preview → commit.

`officials_parse` reads the file and checks every row against the database and the uploader's scope; it
writes nothing and tells, per row, what a commit would do (new / update / unchanged) and which officials
would be deactivated as leavers. `officials_import` writes a clean parse in one transaction through
`services.official_save` / `official_deactivate`, and queues the set-your-password email of every new
account after the commit. Employee codes identify people, so importing the same file again changes nothing.
Columns, errors and the rules on re-import are documented in docs/officials-import.md. The modules:

- columns.py: the columns (template headers and other spellings), limits and words of the sheet;
- reading.py: `officials_parse` (read with lms.spreadsheets, then the checks), with the file limits;
- row_checks.py: one row on its own; database_checks.py: the rows against the database and the scope,
  the plan of each row and the leavers;
- results.py: what a parse found and would do; applying.py: `officials_import`;
- template.py: the CSV and XLSX templates and the guide to the columns.
"""

from .applying import officials_import
from .columns import COLUMN_LABELS, COLUMNS, EXAMPLE_CODE, EXAMPLE_NAME, HEADERS_VI, REQUIRED_COLUMNS
from .reading import COMMAND_MAX_ROWS, MAX_FILE_BYTES, MAX_ROWS, officials_parse, scope_of
from .results import Action, Change, ImportRejected, ImportResult, ImportRow, ParsedImport
from .template import officials_template_csv, officials_template_xlsx, template_guide

__all__ = [
    "COLUMNS",
    "COLUMN_LABELS",
    "COMMAND_MAX_ROWS",
    "EXAMPLE_CODE",
    "EXAMPLE_NAME",
    "HEADERS_VI",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "Action",
    "Change",
    "ImportRejected",
    "ImportResult",
    "ImportRow",
    "ParsedImport",
    "officials_import",
    "officials_parse",
    "officials_template_csv",
    "officials_template_xlsx",
    "scope_of",
    "template_guide",
]
