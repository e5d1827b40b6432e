"""The overdue list HR acts on: days late, last activity and progress of each row, the unit path, and the
overdue export with its own columns.

Rows come from `selectors.overdue_page` / `selectors._obligations` (scoped, filtered, Vietnamese name order);
this module adds what a row of the overdue list shows beyond the people table, in a fixed number of queries:
one for the progress of a page's rows, one for the unit paths of an export.
"""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms import dates
from lms.learning.models import Enrolment
from lms.learning.selectors import progress_percent, with_progress
from lms.people.models import OrgUnit
from lms.people.scope import scope_for

from ..status import Status
from .selectors import (
    EXPORT_CHUNK,
    LATE_FILTER,
    LATE_ORDER,
    NO_FILTERS,
    ReportFilters,
    _obligations,
    _rows,
)

UNIT_SEPARATOR = " › "


def late_since(*, due_at: datetime, completed_at: datetime | None, valid_until: datetime | None) -> datetime:
    """Since when a late row is late: the end of a lapsed completion's validity, else the due date."""
    if completed_at is not None and valid_until is not None:
        return valid_until
    return due_at


def days_late(since: datetime | None, *, today: date) -> int:
    """Whole days past `since`, in Ho Chi Minh City days (0 on the day itself)."""
    if since is None:
        return 0
    return max((today - dates.local_date(since)).days, 0)


def progress_by_pair(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[datetime | None, int]]:
    """{(user id, course id): (last activity, percent of required lessons done)} for the pairs enrolled. One
    query, whatever the number of pairs (a page of the overdue list)."""
    if not pairs:
        return {}
    wanted = Q()
    for user_id, course_id in pairs:
        wanted |= Q(user_id=user_id, course_id=course_id)
    enrolments = with_progress(Enrolment.objects.filter(wanted))
    return {(e.user_id, e.course_id): (e.last_activity_at, progress_percent(e)) for e in enrolments}


def overdue_rows(rows: list[dict], *, now: datetime | None = None) -> list[dict]:
    """The rows of a page of the overdue list with `days_late`, `last_activity` (None: never opened the
    course) and `progress` (percent of required lessons, 0 when not enrolled)."""
    today = dates.today(now or timezone.now())
    progress = progress_by_pair({(row["user_id"], row["course_id"]) for row in rows})
    result = []
    for row in rows:
        since = late_since(
            due_at=row["due_at"], completed_at=row["completed_at"], valid_until=row.get("valid_until")
        )
        activity, percent = progress.get((row["user_id"], row["course_id"]), (None, 0))
        result.append({**row, "days_late": days_late(since, today=today), "last_activity": activity,
                       "progress": percent})  # fmt: skip
    return result


def unit_paths(*, viewer, units: list[int] | None = None) -> dict[int, str]:
    """{unit id: "City › Ward › Office"}, from the top of the viewer's scope down (one query)."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return {}
    visible = list(OrgUnit.objects.filter(scope.unit_q()).values_list("pk", "path", "name"))
    by_path = {path: name for _pk, path, name in visible}
    steplen = OrgUnit.steplen
    paths = {}
    for pk, path, _name in visible:
        if units is not None and pk not in units:
            continue
        prefixes = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
        names = [by_path[prefix] for prefix in prefixes if prefix in by_path]
        paths[pk] = UNIT_SEPARATOR.join(names)
    return paths


# --- The overdue export ---------------------------------------------------------------------------------

OVERDUE_EXPORT_COLUMNS = (
    gettext_lazy("Full name"),
    gettext_lazy("Employee code"),
    gettext_lazy("Unit code"),
    gettext_lazy("Unit path"),
    gettext_lazy("Position"),
    gettext_lazy("Course"),
    gettext_lazy("Status"),
    gettext_lazy("Due date"),
    gettext_lazy("Days late"),
    gettext_lazy("Reason"),
    gettext_lazy("Email"),
    gettext_lazy("Phone"),
)
OVERDUE_COLUMN_WIDTHS = (28, 14, 12, 48, 22, 36, 14, 12, 10, 60, 28, 14)


def overdue_export_headers() -> list[str]:
    return [str(column) for column in OVERDUE_EXPORT_COLUMNS]


def _reason(*, status, since, late, cycle, by, created_at, via) -> str:
    by = (by or "").strip() or _("an administrator")
    if via:
        parts = [_("Assigned by %(by)s on %(date)s through %(unit)s") % {"by": by, "date": _day(created_at),
                                                                           "unit": via}]  # fmt: skip
    else:
        parts = [_("Assigned to this person by %(by)s on %(date)s") % {"by": by, "date": _day(created_at)}]
    if cycle > 1:
        parts.append(_("recertification, cycle %(cycle)s") % {"cycle": cycle})
    if status == Status.EXPIRED and since is not None:
        parts.append(_("no longer valid since %(date)s") % {"date": _day(since)})
    parts.append(_("%(days)s days late") % {"days": late})
    return "; ".join(parts) + "."


def _day(moment) -> str:
    return dates.date_vn(dates.local_date(moment)) if moment else ""


def overdue_export_rows(
    *, viewer, unit: OrgUnit | None, filters: ReportFilters = NO_FILTERS, now: datetime | None = None
) -> Iterator[tuple]:
    """The overdue list's rows for its export (OVERDUE_EXPORT_COLUMNS), streamed in chunks like
    `selectors.export_rows`: the longest late first within a unit, units in tree order."""
    now = now or timezone.now()
    today = dates.today(now)
    labels = {status.value: str(status.label) for status in Status}
    paths = unit_paths(viewer=viewer)
    late_filters = replace(filters, status=LATE_FILTER)
    rows = (
        _rows(_obligations(viewer=viewer, unit=unit, filters=late_filters, now=now), now)
        .annotate(
            via=F("assignment__unit__name"),
            by=F("assignment__created_by__full_name"),
            assigned_at=F("assignment__created_at"),
        )
        .values_list(
            "person_name",
            "username",
            "employee_code",
            "unit_code",
            "unit_id",
            "position_name",
            "course_title",
            "status",
            "due_at",
            "completed_at",
            "valid_until",
            "cycle",
            "via",
            "by",
            "assigned_at",
            "email",
            "phone",
        )  # fmt: skip
        .order_by(*LATE_ORDER)
    )

    def generate() -> Iterator[tuple]:
        for (
            name, username, code, unit_code, unit_id, position, course, status, due, done, valid_until,
            cycle, via, by, assigned_at, email, phone,
        ) in rows.iterator(chunk_size=EXPORT_CHUNK):  # fmt: skip
            since = late_since(due_at=due, completed_at=done, valid_until=valid_until)
            late = days_late(since, today=today)
            yield (
                (name or "").strip() or username,
                code or "",
                unit_code,
                paths.get(unit_id, ""),
                position or "",
                course,
                labels.get(status, status),
                dates.local_date(due),
                late,
                _reason(
                    status=status, since=since, late=late, cycle=cycle, by=by, created_at=assigned_at, via=via
                ),  # fmt: skip
                email or "",
                phone or "",
            )

    return generate()
