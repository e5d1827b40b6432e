"""What an officials import found and would do: the rows with their actions and changes, the whole parse."""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.spreadsheets import ParsedSheet, RowError

from ..models import Official, OrgUnit, Position
from ..scope import Scope


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
class ParsedImport(ParsedSheet):
    """A checked file: its rows, every error (file-level ones have row=None) and the planned leavers."""

    rows: list[ImportRow] = field(default_factory=list)
    leavers: list[Official] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    deactivate_missing: bool = False
    leavers_under: OrgUnit | None = None
    scope: Scope | None = None
    viewer: object = None  # the uploader; None at the command line
    filename: str = ""

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
