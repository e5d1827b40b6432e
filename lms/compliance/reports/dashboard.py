"""What the HR dashboard shows above its people list: the figures of the unit and of the units below it, the
12-month completion curve and the training hours of a year, counted live or read from the latest snapshot.

A dashboard holding more than `snapshot.live_limit()` current obligations (a city: two million) reads the
latest snapshot when one is fresh (`snapshot.max_age()`) and no due period is chosen (a snapshot has no due
dates): its figures are those of the snapshot's moment, given as `as_of`, which the page shows ("as of …").
Every other dashboard (a ward, a filtered view, no fresh snapshot) counts live, as of now. Either way the
scope is the viewer's: the snapshot's rows are read for the units the viewer manages only, and the figures
mean the same (the same statuses, the same roll-up along the tree). The people list's rows are always live;
with a snapshot its length (the number of rows and pages) is the snapshot's, as of its moment, which spares
counting two million rows on each view.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.utils import timezone

from lms.people.models import OrgUnit

from ..selectors import UnitFigures
from . import snapshot as snapshots
from .selectors import (
    LATE_FILTER,
    NO_FILTERS,
    DashboardHours,
    MonthPoint,
    ReportFilters,
    completion_over_time,
    dashboard_hours,
    dashboard_summary,
)


@dataclass(frozen=True)
class DashboardFigures:
    top: UnitFigures
    children: list[UnitFigures]
    months: list[MonthPoint]
    hours: DashboardHours
    as_of: datetime | None  # the snapshot's moment; None when counted live
    people_count: int | None = None  # the people list's length as of the snapshot (None: count it live)


def dashboard_figures(
    *,
    viewer,
    unit: OrgUnit | None,
    year: int,
    filters: ReportFilters = NO_FILTERS,
    now: datetime | None = None,
    live: bool = False,
) -> DashboardFigures:
    """The dashboard's figures, curve and hours: from the latest fresh snapshot for a large dashboard,
    otherwise (or with `live`) counted now."""
    now = now or timezone.now()
    snapshot = None if live or filters.due_from or filters.due_to else snapshots.snapshot_fresh(now)
    if snapshot is not None:
        figures = _from_snapshot(snapshot, viewer=viewer, unit=unit, year=year, filters=filters)
        if figures is not None:
            return figures
    top, children = dashboard_summary(viewer=viewer, unit=unit, filters=filters, now=now)
    return DashboardFigures(
        top=top,
        children=children,
        months=completion_over_time(viewer=viewer, unit=unit, filters=filters, now=now, figures=top),
        hours=dashboard_hours(
            viewer=viewer, unit=unit, children=[c.unit for c in children], year=year, filters=filters
        ),
        as_of=None,
    )


def _from_snapshot(snapshot, *, viewer, unit, year, filters) -> DashboardFigures | None:
    """The figures as of the snapshot, or None when the dashboard is small enough to count live."""
    course_ids = [filters.course_id] if filters.course_id else None
    seen: list[int] = []

    def counts(unit_ids: list[int]):
        seen[:] = unit_ids
        return snapshots.counts_by_unit(snapshot, unit_ids, course_ids)

    now = snapshot.taken_at
    top, children = dashboard_summary(viewer=viewer, unit=unit, filters=filters, now=now, counts=counts)
    if top.total <= snapshots.live_limit():
        return None
    months = completion_over_time(
        viewer=viewer,
        unit=unit,
        filters=filters,
        now=now,
        figures=top,
        by_month=partial(snapshots.completions_by_month, snapshot, seen, course_ids),
    )
    hours = dashboard_hours(
        viewer=viewer,
        unit=unit,
        children=[c.unit for c in children],
        year=year,
        filters=filters,
        hours_by_unit=partial(snapshots.hours_by_unit, snapshot),
    )
    if filters.status == LATE_FILTER:
        people = top.late
    elif filters.status:
        people = top.counts.get(filters.status, 0)
    else:
        people = top.total
    return DashboardFigures(
        top=top, children=children, months=months, hours=hours, as_of=now, people_count=people
    )
