"""Checking one row of an officials sheet on its own: required cells, formulas, lengths, codes, email,
phone and yes/no words. What the row asks of the database is checked in database_checks.py.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from lms.text import fold, squash_spaces

from ..models import code_validator
from .columns import (
    COLUMN_LABELS,
    EXAMPLE_CODE,
    EXAMPLE_NAME,
    FORMULA_CHECKED,
    FORMULA_START,
    MAX_LENGTHS,
    NO_WORDS,
    REQUIRED_COLUMNS,
    YES_WORDS,
)
from .results import ImportRow

_PHONE = re.compile(r"^\+?[0-9(][0-9 .()-]*$")


def _yes_no(row: ImportRow, column: str) -> bool | None:
    """True/False for a yes/no cell; None when empty or when the column is absent."""
    value = row.cells.get(column, "")
    if value == "":
        return None
    folded = fold(value)
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    row.error(
        "bad_yes_no",
        _("“%(column)s” must be có or không (also x, 1, 0, yes, no), not “%(value)s”.")
        % {"column": COLUMN_LABELS[column], "value": value[:50]},
        column,
    )
    return None


def _phone(row: ImportRow) -> str:
    value = row.cells.get("phone", "")
    raw = row.raw_phone
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        value = str(int(raw))
    if len(value) == 9 and value.isdigit() and value[0] != "0":
        # Excel turns 0901234567 into the number 901234567 (also in a CSV it opened): give the 0 back.
        value = "0" + value
    if value and (not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 6):
        row.error(
            "bad_phone",
            _("“%(value)s” is not a phone number (digits, spaces, + . - ( ) only).") % {"value": value[:50]},
            "phone",
        )
    return value


def check_cells(row: ImportRow) -> None:
    cells = row.cells
    if "full_name" in cells:
        cells["full_name"] = squash_spaces(cells["full_name"])
    for column in REQUIRED_COLUMNS:
        if not cells.get(column):
            row.error(
                f"missing_{column}",
                _("“%(column)s” is empty.") % {"column": COLUMN_LABELS[column]},
                column,
            )
    for column in FORMULA_CHECKED:
        if cells.get(column, "").startswith(FORMULA_START):
            row.error(
                "formula",
                _(
                    "“%(column)s” starts with %(char)s, like a spreadsheet formula. Formulas are not "
                    "accepted: type the value itself."
                )
                % {"column": COLUMN_LABELS[column], "char": cells[column][0]},
                column,
            )
            cells[column] = ""  # checked no further
    for column, limit in MAX_LENGTHS.items():
        if len(cells.get(column, "")) > limit:
            row.error(
                "too_long",
                _("“%(column)s” is longer than %(max)d characters.")
                % {"column": COLUMN_LABELS[column], "max": limit},
                column,
            )
            cells[column] = ""
    for column in ("employee_code", "unit_code", "position_code"):
        value = cells.get(column, "")
        if value:
            try:
                code_validator(value)
            except ValidationError:
                row.error(
                    f"bad_{column}",
                    _(
                        "“%(column)s” may hold only letters without diacritics, digits, dots, dashes or "
                        "underscores, not “%(value)s”."
                    )
                    % {"column": COLUMN_LABELS[column], "value": value},
                    column,
                )
                cells[column] = "" if column != "employee_code" else value
    email = cells.get("email", "")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            row.error("bad_email", _("“%(value)s” is not a valid email address.") % {"value": email}, "email")
    row.target["phone"] = _phone(row) if "phone" in cells else None
    row.target["is_unit_head"] = _yes_no(row, "is_unit_head") if "is_unit_head" in cells else None
    active = _yes_no(row, "active") if "active" in cells else None
    row.target["is_active"] = True if active is None else active
    if cells.get("employee_code") == EXAMPLE_CODE and cells.get("full_name") == EXAMPLE_NAME:
        row.error("example_row", _("This is the template's example row: delete it before importing."))
