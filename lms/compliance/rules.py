"""The rules of mandatory training, apart from the writes that apply them (services.py): whom an assignment
reaches, when each person must be done, and how long a completion stays valid. Pure functions of their
arguments, except the two reads of who is reached, which are not limited to a viewer's scope."""

import calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from lms import dates
from lms.people.models import Official, OrgUnit

from .models import Assignment


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def end_of_day(day: date) -> datetime:
    """The last moment of a calendar day in the platform's time zone (Asia/Ho_Chi_Minh)."""
    return dates.at(day, time(23, 59, 59))


def due_for(assignment: Assignment, opened_at: datetime) -> datetime:
    """When a person who received the assignment at `opened_at` must be done.

    A fixed date applies to everyone; a person who joins after it gets the late-joiner allowance
    (settings.COMPLIANCE_LATE_JOINER_DAYS) from the day they joined.
    """
    local_day = dates.local_date(opened_at)
    if assignment.due_kind == Assignment.DueKind.RELATIVE:
        return end_of_day(local_day + timedelta(days=assignment.due_days))
    if local_day > assignment.due_date:
        return end_of_day(local_day + timedelta(days=settings.COMPLIANCE_LATE_JOINER_DAYS))
    return end_of_day(assignment.due_date)


def valid_until_for(assignment: Assignment, completed_at: datetime | None) -> datetime | None:
    if completed_at is None or not assignment.validity_months:
        return None
    return add_months(completed_at, assignment.validity_months)


def officials_reached(assignment: Assignment) -> QuerySet[Official]:
    """The active officials an assignment reaches now."""
    officials = Official.objects.filter(user__is_active=True)
    if assignment.user_id is not None:
        return officials.filter(user_id=assignment.user_id)
    unit = assignment.unit
    if assignment.include_subunits:
        officials = officials.filter(unit__path__startswith=unit.path)
    else:
        officials = officials.filter(unit_id=unit.pk)
    if assignment.position_id is not None:
        officials = officials.filter(position_id=assignment.position_id)
    return officials


def assignments_reaching(official: Official) -> QuerySet[Assignment]:
    """The active assignments that reach this official by unit, position or name."""
    path, steplen = official.unit.path, OrgUnit.steplen
    ancestors = [path[:i] for i in range(steplen, len(path) + 1, steplen)]
    by_unit = (Q(unit__path=path) | Q(include_subunits=True, unit__path__in=ancestors)) & (
        Q(position__isnull=True) | Q(position_id=official.position_id)
    )
    return Assignment.objects.filter(withdrawn_at__isnull=True).filter(by_unit | Q(user_id=official.user_id))
