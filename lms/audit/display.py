"""What changed, in words: an entry's `changes` as rows a person reads, never raw JSON.

`changes` maps a key to [old, new] (a change) or to a value (a detail of the action: a reason, a number, the
filters of an export). Keys are shown with the labels below; a key without a label is shown as it is written.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY = "—"
SUMMARY_CHARS = 160

LABELS = {
    "active": gettext_lazy("Active"),
    "added": gettext_lazy("Added"),
    "code": gettext_lazy("Code"),
    "comment": gettext_lazy("Comment"),
    "competence": gettext_lazy("Competence"),
    "course": gettext_lazy("Course"),
    "due_date": gettext_lazy("Due on"),
    "due_days": gettext_lazy("Days to complete"),
    "due_from": gettext_lazy("Due from"),
    "due_to": gettext_lazy("Due to"),
    "email": gettext_lazy("Email"),
    "employee_code": gettext_lazy("Employee code"),
    "exempt": gettext_lazy("Exempt"),
    "exported": gettext_lazy("Exported"),
    "filters": gettext_lazy("Filters"),
    "format": gettext_lazy("Format"),
    "full_name": gettext_lazy("Full name"),
    "include_subunits": gettext_lazy("Including subunits"),
    "is_active": gettext_lazy("Active"),
    "is_unit_head": gettext_lazy("Head of unit"),
    "learner": gettext_lazy("Learner"),
    "level": gettext_lazy("Level"),
    "note": gettext_lazy("Note"),
    "obligations_closed": gettext_lazy("Obligations closed"),
    "people_reached": gettext_lazy("People reached"),
    "percent": gettext_lazy("Result (%)"),
    "person": gettext_lazy("Person"),
    "phone": gettext_lazy("Phone"),
    "position": gettext_lazy("Position"),
    "question": gettext_lazy("Question"),
    "rated_as": gettext_lazy("Rated as"),
    "quiz": gettext_lazy("Quiz"),
    "reason": gettext_lazy("Reason"),
    "removed": gettext_lazy("Removed"),
    "roles": gettext_lazy("Roles"),
    "rows": gettext_lazy("Rows"),
    "score": gettext_lazy("Score"),
    "staff": gettext_lazy("Access to the Django admin"),
    "status": gettext_lazy("Status"),
    "superuser": gettext_lazy("Superuser (every permission)"),
    "unit": gettext_lazy("Unit"),
    "username": gettext_lazy("Username"),
    "validity_months": gettext_lazy("Valid for (months)"),
}


@dataclass(frozen=True)
class Line:
    label: str
    value: str = ""  # a detail
    old: str = ""  # or a change from old to new
    new: str = ""
    is_change: bool = False


def label(key: str) -> str:
    return str(LABELS.get(key) or capfirst(str(key).replace("_", " ")))


def text(value) -> str:
    """One value in words: yes/no, lists joined, nested details as "label: value"."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(k)}: {text(v)}" for k, v in value.items()) or EMPTY
    return str(value)


def lines(changes) -> list[Line]:
    if not isinstance(changes, dict):
        return [Line(label=_("Details"), value=text(changes))] if changes else []
    result = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            result.append(Line(label=label(key), old=text(value[0]), new=text(value[1]), is_change=True))
        else:
            result.append(Line(label=label(key), value=text(value)))
    return result


def summary_full(changes) -> str:
    """The changes on one line (for the CSV export)."""
    return "; ".join(
        f"{line.label}: {line.old} → {line.new}" if line.is_change else f"{line.label}: {line.value}"
        for line in lines(changes)
    )


def summary(changes) -> str:
    """The changes on one line, shortened for the list."""
    joined = summary_full(changes)
    return joined if len(joined) <= SUMMARY_CHARS else joined[: SUMMARY_CHARS - 1].rstrip() + "…"
