"""Checking the rows of an officials sheet against the database and the uploader's scope.

One query per kind of thing the rows refer to (units, positions, officials, emails, usernames), whatever
the number of rows. Each valid row is then planned (new / update / unchanged, with its changes), and with the
leavers option the officials of the scope whom the file does not list are found.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .. import roles
from ..models import Official, OrgUnit, Position
from ..scope import Scope, privileged_q, privileged_user_ids
from .results import Action, Change, ImportRow, ParsedImport

User = get_user_model()


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


def check_against_database(result: ParsedImport, *, viewer) -> None:
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


def find_leavers(result: ParsedImport, *, viewer) -> list[Official]:
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
