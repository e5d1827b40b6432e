"""Bulk import of officials from a spreadsheet (XLSX or CSV): parse → preview → commit.

`officials_parse` reads the file and checks every row against the database and the uploader's scope; it
writes nothing and tells, per row, what a commit would do (new / update / unchanged) and which officials
would be deactivated as leavers. `officials_import` writes a clean parse in one transaction through
`services.official_save` / `official_deactivate`, and queues the set-your-password email of every new
account after the commit. Employee codes identify people, so importing the same file again changes nothing.
Columns, errors and the rules on re-import are documented in docs/officials-import.md.
"""

import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import openpyxl
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.spreadsheets import RowError, SpreadsheetError, cell_text, csv_lines, safe_cell, spreadsheet_rows
from lms.text import fold, squash_spaces

from . import roles
from .models import Official, OrgUnit, Position, code_validator
from .scope import Scope, privileged_q, privileged_user_ids, scope_for
from .services import official_deactivate, official_save, official_welcome_email_queue

User = get_user_model()

MAX_FILE_BYTES = 5 * 1024 * 1024
# Every new official costs about 17 queries (account, group, record, assignments following the person), some
# 15 ms: a file from the admin is written within one request, so it stays small; the command takes more.
MAX_ROWS = 1_000
COMMAND_MAX_ROWS = 20_000
MAX_SHEET_ROWS = 100_000
MAX_COLUMNS = 50

COLUMNS = (
    "employee_code",
    "full_name",
    "unit_code",
    "position_code",
    "email",
    "phone",
    "is_unit_head",
    "active",
)
REQUIRED_COLUMNS = ("employee_code", "full_name", "unit_code")

# The template's header row: Vietnamese column names (data, the same whatever the interface language).
HEADERS_VI = {
    "employee_code": "Mã cán bộ",
    "full_name": "Họ và tên",
    "unit_code": "Mã đơn vị",
    "position_code": "Mã chức vụ",
    "email": "Email",
    "phone": "Số điện thoại",
    "is_unit_head": "Trưởng đơn vị",
    "active": "Đang công tác",
}
# Other spellings people use for the same columns (compared folded: no case, accents or underscores).
_HEADER_ALIASES = {
    "employee_code": ("ma nhan vien", "ma cb", "ma so can bo"),
    "full_name": ("ho ten", "ho va ten can bo"),
    "unit_code": ("ma don vi cong tac",),
    "position_code": ("ma chuc danh",),
    "email": ("thu dien tu", "e mail"),
    "phone": ("dien thoai", "sdt"),
    "is_unit_head": ("truong don vi", "la truong don vi"),
    "active": ("con cong tac", "trang thai"),
}

COLUMN_LABELS = {
    "employee_code": gettext_lazy("Employee code"),
    "full_name": gettext_lazy("Full name"),
    "unit_code": gettext_lazy("Unit code"),
    "position_code": gettext_lazy("Position code"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "is_unit_head": gettext_lazy("Head of unit"),
    "active": gettext_lazy("Active"),
}

MAX_LENGTHS = {
    "employee_code": Official._meta.get_field("employee_code").max_length,
    "full_name": User._meta.get_field("full_name").max_length,
    "unit_code": OrgUnit._meta.get_field("code").max_length,
    "position_code": Position._meta.get_field("code").max_length,
    "email": User._meta.get_field("email").max_length,
    "phone": Official._meta.get_field("phone").max_length,
}

# Text that must never start like a formula: the cell is refused, not silently altered.
FORMULA_CHECKED = ("employee_code", "full_name", "unit_code", "position_code", "email")
_FORMULA_START = ("=", "+", "-", "@")

# Folded (no case or accents): "có", "đúng", "đang công tác" / "không", "sai", "đã nghỉ", "nghỉ việc".
YES_WORDS = {"co", "x", "1", "yes", "y", "true", "dung", "dang cong tac"}
NO_WORDS = {"khong", "0", "no", "n", "false", "sai", "nghi", "da nghi", "nghi viec"}

_PHONE = re.compile(r"^\+?[0-9(][0-9 .()-]*$")

# The template's example row: refused if it comes back, so a forgotten example never becomes a person.
EXAMPLE_CODE = "VD0001"
EXAMPLE_NAME = "Nguyễn Thị Ví Dụ"


class Action:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DEACTIVATE = "deactivate"

    LABELS = {
        NEW: gettext_lazy("New"),
        UPDATE: gettext_lazy("Update"),
        UNCHANGED: gettext_lazy("Unchanged"),
        DEACTIVATE: gettext_lazy("Deactivate"),
    }


# --- Results ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str
    key: str  # the change in language-independent terms, for the fingerprint
    note: str = ""  # e.g. that an email change waits for the new address to confirm it


@dataclass
class ImportRow:
    """One official read from the file, checked, with what a commit would do."""

    number: int
    cells: dict[str, str]  # the columns present in the file, as text
    raw_phone: object = None
    unit: OrgUnit | None = None
    position: Position | None = None
    official: Official | None = None  # the existing record with this employee code
    action: str = ""  # an Action, once the row is valid
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What official_save receives.
    target: dict = field(default_factory=dict)

    @property
    def employee_code(self) -> str:
        return self.cells.get("employee_code", "")

    @property
    def full_name(self) -> str:
        return self.cells.get("full_name", "")

    @property
    def unit_code(self) -> str:
        return self.cells.get("unit_code", "")

    @property
    def position_code(self) -> str:
        return self.cells.get("position_code", "")

    @property
    def email(self) -> str:
        return self.cells.get("email", "")

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def action_label(self) -> str:
        return str(Action.LABELS.get(self.action, ""))

    def error(self, code: str, message: str, column: str = "") -> None:
        self.errors.append(RowError(self.number, code, message, column))


@dataclass
class ParsedImport:
    """A checked file: its rows, every error (file-level ones have row=None) and the planned leavers."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    leavers: list[Official] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    deactivate_missing: bool = False
    leavers_under: OrgUnit | None = None
    scope: Scope | None = None
    viewer: object = None  # the uploader; None at the command line
    filename: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        if action == Action.DEACTIVATE:
            return len(self.leavers)
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (Action.NEW, Action.UPDATE, Action.UNCHANGED, Action.DEACTIVATE)}

    @property
    def email_changes(self) -> int:
        """Updates whose new email waits for confirmation by that address."""
        return sum(1 for r in self.rows if not r.errors and any(c.field == "email" for c in r.changes))

    @property
    def has_writes(self) -> bool:
        return any(self.count(a) for a in (Action.NEW, Action.UPDATE, Action.DEACTIVATE))

    def fingerprint(self) -> str:
        """Changes when what a commit would do changes (the data moved on since the preview)."""
        digest = hashlib.sha256()
        for row in self.rows:
            changes = [c.key for c in row.changes]
            digest.update(repr((row.number, row.employee_code, row.action, changes)).encode())
        for official in self.leavers:
            digest.update(f"leaver:{official.pk}".encode())
        return digest.hexdigest()[:32]


@dataclass(frozen=True)
class ImportResult:
    created: list[Official]
    updated: int
    unchanged: int
    deactivated: int
    emails_queued: int
    email_changes: int = 0


class ImportRejected(Exception):
    """A parse with errors was given to `officials_import`: nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        self.messages = [e.display for e in self.errors] or [_("There is nothing to import.")]
        super().__init__("; ".join(self.messages))


# --- Reading ------------------------------------------------------------------------------------------


def _header_key(value) -> str:
    return fold(cell_text(value).replace("*", "").replace("_", " ").replace("-", " "))


HEADER_NAMES: dict[str, str] = {}
for _column in COLUMNS:
    for _spelling in (_column, HEADERS_VI[_column], *_HEADER_ALIASES.get(_column, ())):
        HEADER_NAMES[_header_key(_spelling)] = _column


def _cell(value) -> str:
    """Cell text; a workbook formula reads as its formula text, so the formula checks see it."""
    if isinstance(value, ArrayFormula):
        value = value.text or "="
    elif isinstance(value, DataTableFormula):
        value = "="
    return cell_text(value)


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file[: MAX_FILE_BYTES + 1])
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(MAX_FILE_BYTES + 1)


def _file_error(code: str, message: str) -> RowError:
    return RowError(row=None, code=code, message=message)


def _read_header(number: int, values: list, result: ParsedImport) -> dict[int, str] | None:
    header: dict[int, str] = {}
    for index, value in enumerate(values):
        column = HEADER_NAMES.get(_header_key(value))
        if column is None:
            if _cell(value):
                result.ignored_columns.append(_cell(value)[:100])
            continue
        if column in header.values():
            result.errors.append(
                RowError(
                    number,
                    "duplicate_column",
                    _("The column “%(name)s” appears twice.") % {"name": HEADERS_VI[column]},
                )
            )
            return None
        header[index] = column
    missing = [HEADERS_VI[c] for c in REQUIRED_COLUMNS if c not in header.values()]
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
    result.columns = [c for c in COLUMNS if c in header.values()]
    return header


def _read_rows(data: bytes, filename: str, result: ParsedImport, *, max_rows: int) -> None:
    if not data:
        result.errors.append(_file_error("empty", _("The file is empty.")))
        return
    rows = spreadsheet_rows(
        data,
        filename,
        max_bytes=MAX_FILE_BYTES,
        data_only=False,
        max_sheet_rows=MAX_SHEET_ROWS,
        max_columns=MAX_COLUMNS,
    )
    header: dict[int, str] | None = None
    for number, values in rows:
        if header is None:
            if not any(_cell(v) for v in values):
                continue
            header = _read_header(number, values, result)
            if header is None:
                return
            continue
        cells = {name: _cell(values[i]) if i < len(values) else "" for i, name in header.items()}
        if not any(cells.values()):
            continue
        if len(result.rows) >= max_rows:
            result.rows = []
            result.errors.append(
                _file_error(
                    "too_many_rows",
                    _("The file has more than %(max)d officials. Split it into several files.")
                    % {"max": max_rows},
                )
            )
            return
        phone_index = next((i for i, name in header.items() if name == "phone"), None)
        raw_phone = values[phone_index] if phone_index is not None and phone_index < len(values) else None
        result.rows.append(ImportRow(number=number, cells=cells, raw_phone=raw_phone))
    if header is None or not result.rows:
        result.errors.append(_file_error("empty", _("The file has no officials.")))


# --- Checking one row on its own ------------------------------------------------------------------------


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


def _check_cells(row: ImportRow) -> None:
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
        if cells.get(column, "").startswith(_FORMULA_START):
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


# --- Checking rows against the database --------------------------------------------------------------


def _lower_map(queryset, field_name: str, values: set[str]) -> dict[str, list]:
    """Objects whose field, lower-cased, is one of values (codes are ASCII: SQLite and PostgreSQL agree)."""
    found: dict[str, list] = defaultdict(list)
    if values:
        for obj in queryset.annotate(_key=Lower(field_name)).filter(_key__in=values):
            found[obj._key].append(obj)
    return found


def _by_code(found: dict[str, list], code: str):
    """Exact spelling first, else the only match ignoring case."""
    candidates = found.get(code.lower(), [])
    for obj in candidates:
        if obj.code == code:
            return obj
    return candidates[0] if len(candidates) == 1 else None


def _protected_user_ids(user_ids: set[int]) -> set[int]:
    """Administrators' accounts among these: only an administrator may change or deactivate them."""
    if not user_ids:
        return set()
    return set(
        User.objects.filter(pk__in=user_ids)
        .filter(Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATOR))
        .values_list("pk", flat=True)
    )


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def _plan(row: ImportRow) -> None:
    """Decide new / update / unchanged for a valid row and list what an update changes."""
    official, target = row.official, row.target
    if official is None:
        row.action = Action.NEW
        if target["position"] is ...:
            target["position"] = None
        if target["email"] is None:
            target["email"] = ""
        if target["phone"] is None:
            target["phone"] = ""
        if target["is_unit_head"] is None:
            target["is_unit_head"] = False
        if not target["email"] and target["is_active"]:
            row.warnings.append(_("No email: this person cannot set a password until an email is added."))
        return
    user = official.user
    if target["position"] is ...:  # no position column: keep
        target["position"] = official.position
    if target["phone"] is None:
        target["phone"] = official.phone
    if target["is_unit_head"] is None:
        target["is_unit_head"] = official.is_unit_head
    if target["email"] is None or target["email"] == "" or target["email"].lower() == user.email.lower():
        target["email"] = user.email  # empty or the same letters: keep the address as it is
    pairs = [
        ("full_name", _("Full name"), user.full_name, target["full_name"]),
        ("email", _("Email"), user.email, target["email"]),
        ("unit", _("Unit"), official.unit, target["unit"]),
        ("position", _("Position"), official.position, target["position"]),
        ("phone", _("Phone"), official.phone, target["phone"]),
        ("is_unit_head", _("Head of unit"), official.is_unit_head, target["is_unit_head"]),
        ("active", _("Active"), user.is_active, target["is_active"]),
    ]
    for name, label, old, new in pairs:
        if old != new:
            raw = [getattr(v, "pk", v) for v in (old, new)]
            row.changes.append(
                Change(
                    field=name,
                    label=str(label),
                    old=_display(old),
                    new=_display(new),
                    key=f"{name}:{raw[0]!r}->{raw[1]!r}",
                    note=_("waits for the new address to confirm it") if name == "email" else "",
                )
            )
    row.action = Action.UPDATE if row.changes else Action.UNCHANGED


@dataclass
class _Lookups:
    """What the rows refer to, loaded with one query per kind whatever the number of rows."""

    units: dict[str, list[OrgUnit]]
    positions: dict[str, list[Position]]
    officials: dict[str, list[Official]]
    email_owners: dict[str, set[int]]  # lower-cased email -> accounts using it
    usernames: set[str]  # lower-cased usernames equal to a code of the file
    protected: set[int]  # administrators' accounts, when the uploader is not one
    privileged: set[int]  # accounts with a role beyond learner, when the uploader is not an administrator


def _load_lookups(rows: list[ImportRow], scope: Scope) -> _Lookups:
    codes = {r.employee_code.lower() for r in rows if r.employee_code}
    emails = {r.email.lower() for r in rows if r.email}
    officials = _lower_map(
        Official.objects.select_related("user", "unit", "position"), "employee_code", codes
    )
    email_owners: dict[str, set[int]] = defaultdict(set)
    if emails:
        owners = User.objects.annotate(_key=Lower("email")).filter(_key__in=emails).values_list("pk", "email")
        for pk, email in owners:
            email_owners[email.lower()].add(pk)
    usernames: set[str] = set()
    if codes:
        matching = User.objects.annotate(_key=Lower("username")).filter(_key__in=codes)
        usernames = set(matching.values_list("_key", flat=True))
    protected: set[int] = set()
    privileged: set[int] = set()
    if not scope.everything:
        user_ids = {o.user_id for found in officials.values() for o in found}
        protected = _protected_user_ids(user_ids)
        privileged = privileged_user_ids(user_ids)
    return _Lookups(
        units=_lower_map(OrgUnit.objects.all(), "code", {r.unit_code.lower() for r in rows if r.unit_code}),
        positions=_lower_map(
            Position.objects.all(), "code", {r.position_code.lower() for r in rows if r.position_code}
        ),
        officials=officials,
        email_owners=email_owners,
        usernames=usernames,
        protected=protected,
        privileged=privileged,
    )


def _check_duplicates(rows: list[ImportRow]) -> None:
    """The same employee code (ignoring case) or email twice: the later rows name the first one."""
    first_of: dict[tuple[str, str], int] = {}
    for row in rows:
        for column, value in (("employee_code", row.employee_code), ("email", row.email)):
            key = (column, value.lower())
            if not value:
                continue
            if key not in first_of:
                first_of[key] = row.number
            elif column == "employee_code":
                row.error(
                    "duplicate_employee_code",
                    _("The employee code “%(code)s” is also in row %(row)d.")
                    % {"code": value, "row": first_of[key]},
                    column,
                )
            else:
                row.error(
                    "duplicate_email",
                    _("The email %(email)s is also in row %(row)d.") % {"email": value, "row": first_of[key]},
                    column,
                )


def _find_official(row: ImportRow, lookups: _Lookups) -> Official | None:
    matches = lookups.officials.get(row.employee_code.lower(), []) if row.employee_code else []
    official = next((o for o in matches if o.employee_code == row.employee_code), None)
    if official is None and len(matches) > 1:
        row.error(
            "ambiguous_employee_code",
            _("Several officials have the employee code “%(code)s” in different letter cases.")
            % {"code": row.employee_code},
            "employee_code",
        )
    elif official is None and matches:
        official = matches[0]
    return official


def _check_unit_and_position(row: ImportRow, lookups: _Lookups, scope: Scope) -> None:
    if row.unit_code:
        unit = _by_code(lookups.units, row.unit_code)
        if unit is None:
            row.error(
                "unknown_unit",
                _("No unit has the code “%(code)s”. The template's list of codes shows the valid ones.")
                % {"code": row.unit_code},
                "unit_code",
            )
        elif not unit.is_active:
            row.error(
                "inactive_unit",
                _("The unit “%(unit)s” (%(code)s) is closed.") % {"unit": unit.name, "code": unit.code},
                "unit_code",
            )
        elif not scope.covers(unit):
            row.error(
                "unit_out_of_scope",
                _("The unit “%(unit)s” (%(code)s) is not among the units you manage.")
                % {"unit": unit.name, "code": unit.code},
                "unit_code",
            )
        else:
            row.unit = unit
    if row.position_code:
        row.position = _by_code(lookups.positions, row.position_code)
        if row.position is None:
            row.error(
                "unknown_position",
                _("No position has the code “%(code)s”.") % {"code": row.position_code},
                "position_code",
            )


def _check_person(row: ImportRow, lookups: _Lookups, scope: Scope, viewer_id: int | None) -> None:
    """May this uploader change the person this row names, and is the email theirs to use?"""
    official = row.official
    if official is not None:
        if not scope.covers(official.unit):
            row.error(
                "official_out_of_scope",
                _(
                    "The employee code “%(code)s” belongs to an official of “%(unit)s”, which you do "
                    "not manage."
                )
                % {"code": official.employee_code, "unit": official.unit.name},
                "employee_code",
            )
        elif official.user_id in lookups.protected:
            row.error(
                "protected_account",
                _("This official's account is an administrator's: only an administrator may change it."),
                "employee_code",
            )
        elif official.user_id == viewer_id and row.target["is_active"] is False:
            row.error("self_deactivation", _("You cannot deactivate your own account."), "active")
    elif row.employee_code and row.employee_code.lower() in lookups.usernames:
        row.error(
            "username_taken",
            _(
                "An account named “%(code)s” already exists and is not an official's. Ask an "
                "administrator to rename that account or link it."
            )
            % {"code": row.employee_code},
            "employee_code",
        )
    if row.email:
        owners = lookups.email_owners.get(row.email.lower(), set()) - {getattr(official, "user_id", None)}
        if owners:
            row.error(
                "email_taken",
                _("The email %(email)s is already used by another person's account.") % {"email": row.email},
                "email",
            )


def _check_against_database(result: ParsedImport, *, viewer) -> None:
    scope, rows = result.scope, result.rows
    lookups = _load_lookups(rows, scope)
    viewer_id = getattr(viewer, "pk", None)
    _check_duplicates(rows)
    for row in rows:
        row.official = _find_official(row, lookups)
        _check_unit_and_position(row, lookups, scope)
        _check_person(row, lookups, scope, viewer_id)
        if row.errors:
            continue
        official = row.official
        row.target.update(
            employee_code=official.employee_code if official else row.employee_code,
            full_name=row.full_name,
            unit=row.unit,
            position=row.position if "position_code" in result.columns else ...,  # ... = keep
            email=row.email if "email" in result.columns else None,  # None = keep
        )
        _plan(row)
        _check_login_data(row, lookups)


def _check_login_data(row: ImportRow, lookups: _Lookups) -> None:
    """An HR manager may not change the email or active flag of an account with a role beyond learner."""
    if row.official is None or row.official.user_id not in lookups.privileged:
        return
    fields = {c.field for c in row.changes}
    if "email" in fields:
        row.error(
            "protected_login_data",
            _(
                "This official's account has a role beyond learner (trainer, HR manager or administrator): "
                "only an administrator may change its email."
            ),
            "email",
        )
    if "active" in fields:
        row.error(
            "protected_login_data",
            _(
                "This official's account has a role beyond learner (trainer, HR manager or administrator): "
                "only an administrator may deactivate or reactivate it."
            ),
            "active",
        )


def _find_leavers(result: ParsedImport, *, viewer) -> list[Official]:
    """Active officials of the uploader's units (or of one unit's subtree) whom the file does not list."""
    scope = result.scope
    listed = {r.official.pk for r in result.rows if r.official is not None}
    codes = {r.employee_code.lower() for r in result.rows}
    candidates = Official.objects.filter(scope.unit_q("unit__path"), user__is_active=True)
    if result.leavers_under is not None:
        candidates = candidates.filter(unit__path__startswith=result.leavers_under.path)
    viewer_id = getattr(viewer, "pk", None)
    if viewer_id is not None:
        candidates = candidates.exclude(user_id=viewer_id)
    if not scope.everything:  # only an administrator deactivates an account with a role beyond learner
        candidates = candidates.exclude(pk__in=Official.objects.filter(privileged_q("user__")).values("pk"))
    leavers = []
    for official in candidates.select_related("user", "unit").order_by("unit__path", "employee_code"):
        if official.pk not in listed and official.employee_code.lower() not in codes:
            leavers.append(official)
    return leavers


# --- Public API ------------------------------------------------------------------------------------------


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
    try:
        _read_rows(_read_bytes(file), filename, result, max_rows=max_rows or MAX_ROWS)
    except SpreadsheetError as exc:
        result.rows = []
        result.columns = []
        result.errors = [_file_error("bad_file", m) for m in exc.messages]
        return result
    if result.errors:
        result.rows = []
        return result
    for row in result.rows:
        _check_cells(row)
    _check_against_database(result, viewer=viewer)
    for row in result.rows:
        result.errors.extend(row.errors)
    if deactivate_missing and not result.errors:
        result.leavers = _find_leavers(result, viewer=viewer)
    return result


def _common_unit(units: list[OrgUnit]) -> OrgUnit | None:
    """The lowest unit above (or equal to) all of these, for the import's audit entry; None if none."""
    paths = [u.path for u in units]
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix[: len(prefix) - len(prefix) % OrgUnit.steplen]
    return OrgUnit.objects.filter(path=prefix).first() if prefix else None


@transaction.atomic
def officials_import(*, parsed: ParsedImport) -> ImportResult:
    """Write a checked file: all rows or none. New accounts get their set-your-password email after commit.

    An existing account's new email is not written: it waits for the new address to confirm it
    (`services.email_change_request`, through official_save). The audit trail gets an entry per official
    changed and one for the import, under the lowest unit that holds every official it touched.
    """
    if not parsed.ok:
        raise ImportRejected(parsed.errors)
    by = parsed.viewer
    created: list[Official] = []
    touched: list[OrgUnit] = []
    updated = unchanged = 0
    for row in parsed.rows:
        if row.action == Action.UNCHANGED:
            unchanged += 1
            continue
        target = row.target
        official, was_created = official_save(
            employee_code=target["employee_code"],
            full_name=target["full_name"],
            unit=target["unit"],
            position=target["position"],
            email=target["email"],
            phone=target["phone"],
            is_unit_head=target["is_unit_head"],
            is_active=target["is_active"],
            by=by,
        )
        touched.append(target["unit"])
        if row.official is not None:
            touched.append(row.official.unit)
        if was_created:
            created.append(official)
        else:
            updated += 1
    for official in parsed.leavers:
        official_deactivate(official=official, by=by)
        touched.append(official.unit)
    welcome = [o.user_id for o in created if o.user.email and o.user.is_active]
    official_welcome_email_queue(user_ids=welcome)
    result = ImportResult(
        created=created,
        updated=updated,
        unchanged=unchanged,
        deactivated=len(parsed.leavers),
        emails_queued=len(welcome),
        email_changes=parsed.email_changes,
    )
    if touched:
        audit_record(
            action=AuditEntry.Action.OFFICIALS_IMPORT,
            actor=by,
            object_repr=parsed.filename[:300],
            unit=_common_unit(touched),
            changes={
                "file": parsed.filename,
                "created": len(created),
                "updated": updated,
                "unchanged": unchanged,
                "deactivated": result.deactivated,
                "email_changes": result.email_changes,
            },
        )
    return result


# --- Template ------------------------------------------------------------------------------------------


def template_guide() -> list[tuple[str, str, str]]:
    """(column header, required?, what to write) for the template's guide and the upload page."""
    yes, no = _("yes"), _("no")
    return [
        (HEADERS_VI["employee_code"], yes, _("The person's code; it identifies them on every re-import.")),
        (HEADERS_VI["full_name"], yes, _("Whole name, family name first: Nguyễn Văn An.")),
        (
            HEADERS_VI["unit_code"],
            yes,
            _("The code of the unit the person works in (see the list of codes)."),
        ),
        (
            HEADERS_VI["position_code"],
            no,
            _("The code of the position (see the list of codes); empty for none."),
        ),
        (HEADERS_VI["email"], no, _("New accounts receive an email to choose their password.")),
        (HEADERS_VI["phone"], no, _("Digits, spaces and + . - ( ) only.")),
        (HEADERS_VI["is_unit_head"], no, _("có or không (also x, 1, 0); không when empty.")),
        (HEADERS_VI["active"], no, _("không for a person who has left; có when empty.")),
    ]


def _example_row(units: list[OrgUnit], positions: list[Position]) -> list[str]:
    return [
        EXAMPLE_CODE,
        EXAMPLE_NAME,
        units[0].code if units else "MA-DON-VI",
        positions[0].code if positions else "",
        "vidu.nguyenthi@example.vn",
        "0901234567",
        "không",
        "có",
    ]


def _template_lists(viewer) -> tuple[list[OrgUnit], list[Position]]:
    scope = scope_of(viewer)
    units = list(OrgUnit.objects.filter(scope.unit_q(), is_active=True).order_by("path"))
    return units, list(Position.objects.order_by("name"))


def officials_template_csv(*, viewer=None) -> Iterator[str]:
    """The header row and the example row, UTF-8 with BOM (so Excel shows Vietnamese right)."""
    units, positions = _template_lists(viewer)
    return csv_lines([[HEADERS_VI[c] for c in COLUMNS], _example_row(units, positions)])


def officials_template_xlsx(*, viewer=None) -> bytes:
    """Sheet 1: headers and the example row; 2: the unit and position codes the viewer may use; 3: a guide."""
    units, positions = _template_lists(viewer)
    workbook = openpyxl.Workbook()
    bold = Font(bold=True)
    sheet = workbook.active
    sheet.title = _("Officials")[:31]
    sheet.append([HEADERS_VI[c] for c in COLUMNS])
    sheet.append([safe_cell(v) for v in _example_row(units, positions)])
    for cell in sheet[1]:
        cell.font = bold
    widths = (14, 28, 18, 16, 30, 16, 14, 14)
    for index, width in enumerate(widths):
        letter = openpyxl.utils.get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].number_format = "@"  # codes and phones stay text: 0901… keeps its 0
    for row in sheet.iter_rows(min_row=2, max_row=2):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"

    codes = workbook.create_sheet(_("Codes")[:31])
    codes.append([_("Unit code"), _("Unit"), _("Kind"), "", _("Position code"), _("Position")])
    for cell in codes[1]:
        cell.font = bold
    base_depth = min((u.depth for u in units), default=1)
    for index in range(max(len(units), len(positions))):
        line = ["", "", "", "", "", ""]
        if index < len(units):
            unit = units[index]
            line[0:3] = [unit.code, unit.name, str(unit.get_kind_display())]
        if index < len(positions):
            line[4:6] = [positions[index].code, positions[index].name]
        codes.append([safe_cell(v) for v in line])
        if index < len(units):  # the tree shows as indentation, not as leading spaces in the name
            codes.cell(row=index + 2, column=2).alignment = Alignment(indent=units[index].depth - base_depth)
    for letter, width in zip("ABCDEF", (20, 44, 20, 3, 18, 36), strict=True):
        codes.column_dimensions[letter].width = width
    codes.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Guide")[:31])
    guide.append([_("Column"), _("Required"), _("What to write")])
    for cell in guide[1]:
        cell.font = bold
    for header, required, text in template_guide():
        guide.append([safe_cell(header), safe_cell(str(required)), safe_cell(str(text))])
    for letter, width in zip("ABC", (18, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
