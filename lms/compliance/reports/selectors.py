"""HR reports over mandatory training: figures by unit, the people list, the overdue list, completion over
time, export rows and a person's training record.

Every function starts from the viewer's scope (lms.people.scope) and computes in the database: counts are
aggregates, lists are one paginated query with the names joined in, exports stream `values_list` rows in
chunks. Only current obligations count. A viewer who manages no unit gets nothing.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lms import dates
from lms.certificates.selectors import certificates_for_user, hours_per_year, training_hours_by_unit
from lms.collation import vi_order, vietnamese_key
from lms.learning import structure
from lms.people.models import Official, OrgUnit
from lms.people.scope import officials_visible, scope_for, scope_roots

from ..models import Assignment, Obligation
from ..selectors import (
    ObligationView,
    UnitFigures,
    obligation_views,
    obligations_visible,
    person_obligations,
    status_counts,
    unit_summary,
)
from ..status import Status, status_q

PER_PAGE = 50
EXPORT_CHUNK = 2000
MONTHS = 12

# The status filter accepts every status and "late" (overdue or expired), the overdue list's filter.
LATE_FILTER = "late"
STATUS_FILTER_CHOICES = [(LATE_FILTER, _("Overdue or expired")), *Status.choices]


@dataclass(frozen=True)
class ReportFilters:
    """What HR narrowed the report to. The unit is not here: it is the page (drill-down)."""

    course_id: int | None = None
    status: str | None = None  # a Status value or LATE_FILTER
    due_from: date | None = None
    due_to: date | None = None

    def due_bounds(self) -> tuple[datetime | None, datetime | None]:
        """The period as moments: the first to the last instant of the chosen days, in Ho Chi Minh City."""
        start = dates.at(self.due_from) if self.due_from else None
        end = dates.at(self.due_to, time.max) if self.due_to else None
        return start, end

    @property
    def is_empty(self) -> bool:
        return not (self.course_id or self.status or self.due_from or self.due_to)


NO_FILTERS = ReportFilters()


def status_filter_q(status: str, now: datetime) -> Q:
    if status == LATE_FILTER:
        return status_q(Status.OVERDUE, now) | status_q(Status.EXPIRED, now)
    return status_q(status, now)


def status_case(now: datetime) -> Case:
    """The status of each row as an SQL expression, from the same conditions as `status_q`."""
    return Case(
        *(When(status_q(status, now), then=Value(status.value)) for status in Status),
        default=Value(""),
        output_field=CharField(),
    )


# --- Units -----------------------------------------------------------------------------------------------


def unit_in_scope(*, viewer, unit_id: int) -> OrgUnit | None:
    """The unit if the viewer manages it or a unit above it; None otherwise (the views answer 404)."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return None
    return OrgUnit.objects.filter(scope.unit_q()).filter(pk=unit_id).first()


def unit_trail(*, viewer, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors inside the viewer's scope, from the scope root down to the unit (one query)."""
    scope = scope_for(viewer)
    steplen = OrgUnit.steplen
    prefixes = [unit.path[:end] for end in range(steplen, len(unit.path) + 1, steplen)]
    units = (
        OrgUnit.objects.filter(path__in=prefixes).only("pk", "path", "depth", "name", "code").order_by("path")
    )
    return [u for u in units if scope.covers(u)]


def units_for_choice(*, viewer) -> QuerySet[OrgUnit]:
    """The units the viewer may report on, in tree order (for the unit filter)."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(scope.unit_q()).only("pk", "path", "depth", "name", "code").order_by("path")


def courses_for_choice() -> QuerySet:
    """Courses that were ever made mandatory (course titles are not private)."""
    return (
        structure.course_model()
        .objects.filter(pk__in=Assignment.objects.values("course_id"))
        .only("pk", "title")
        .order_by(vi_order("title"))
    )


# --- Figures -----------------------------------------------------------------------------------------------


def dashboard_summary(
    *,
    viewer,
    unit: OrgUnit | None,
    filters: ReportFilters = NO_FILTERS,
    now: datetime | None = None,
    counts: Callable[[list[int]], dict[int, dict[Status, int]]] | None = None,
) -> tuple[UnitFigures, list[UnitFigures]]:
    """Figures of a unit and of each direct subunit (with its subtree); without a unit, of the whole scope and
    of each of its top units (an HR manager of several wards). Course and period filters apply; the status
    filter does not (the figures are counts per status). Two or three queries, whatever the size.

    `counts` (unit ids → {unit id: {status: count}}, already filtered by course) stands for the live count:
    the dashboard passes a snapshot's (reports.dashboard).
    """
    now = now or timezone.now()
    start, end = filters.due_bounds()
    course_ids = [filters.course_id] if filters.course_id else None
    if unit is not None:
        return unit_summary(
            viewer=viewer,
            root=unit,
            course_ids=course_ids,
            due_from=start,
            due_to=end,
            now=now,
            counts=counts,
        )
    return _scope_summary(
        viewer=viewer, course_ids=course_ids, due_from=start, due_to=end, now=now, counts=counts
    )


def _scope_rows(*, viewer, course_ids, due_from, due_to, now, counts) -> Iterator[tuple[str, dict]]:
    """(unit path, {status: count}) of the units of the viewer's scope that hold obligations."""
    if counts is not None:
        path_of = dict(OrgUnit.objects.filter(scope_for(viewer).unit_q()).values_list("pk", "path"))
        for unit_id, unit_counts in counts(list(path_of)).items():
            yield path_of[unit_id], unit_counts
        return
    obligations = obligations_visible(viewer)
    if course_ids:
        obligations = obligations.filter(course_id__in=course_ids)
    if due_from:
        obligations = obligations.filter(due_at__gte=due_from)
    if due_to:
        obligations = obligations.filter(due_at__lte=due_to)
    for row in status_counts(obligations.annotate(unit_path=F("unit__path")), now=now, by="unit_path"):
        yield row["unit_path"], {status: row[status.value] for status in Status}


def _scope_summary(
    *, viewer, course_ids, due_from, due_to, now, counts=None
) -> tuple[UnitFigures, list[UnitFigures]]:
    scope = scope_for(viewer)
    top = UnitFigures(unit=None)
    if not scope.manages_units:
        return top, []
    roots = {
        u.path: UnitFigures(unit=u) for u in scope_roots(viewer).only("pk", "path", "depth", "name", "code")
    }
    root_lengths = sorted({len(path) for path in roots})
    for unit_path, row in _scope_rows(
        viewer=viewer, course_ids=course_ids, due_from=due_from, due_to=due_to, now=now, counts=counts
    ):
        bucket = next((roots[unit_path[:n]] for n in root_lengths if unit_path[:n] in roots), None)
        for status in Status:
            count = row[status]
            top.counts[status] = top.counts.get(status, 0) + count
            if bucket is not None:
                bucket.counts[status] = bucket.counts.get(status, 0) + count
    return top, sorted(roots.values(), key=lambda f: vietnamese_key(f.unit.name))


@dataclass(frozen=True)
class MonthPoint:
    month: date  # the first day of the month
    completed: int  # completions in that month (still valid now)
    cumulative: int  # completions up to the end of that month
    percent: float | None  # cumulative against today's obligations that count (all but the exempt)


def completion_over_time(
    *,
    viewer,
    unit: OrgUnit | None,
    filters: ReportFilters = NO_FILTERS,
    now: datetime | None = None,
    months: int = MONTHS,
    figures: UnitFigures | None = None,
    by_month: Callable[[date], dict[date, int]] | None = None,
) -> list[MonthPoint]:
    """Completions per month over the last `months` months (the current one included), and the completion
    rate reached at the end of each month against today's obligations.

    The month boundaries are computed here, in Ho Chi Minh City time, and one query counts the completions
    since the first boundary with a conditional count per boundary (`completed_at < boundary`): no date is
    converted row by row. The completions before the window and the obligations that count are the unit's
    `figures` (the dashboard passes its headline figures; computed here when not given), so only completions
    that still count today are counted and the last point equals the headline figure.

    `by_month` (first month → {first day of a month: completions}) stands for that query: the dashboard
    passes a snapshot's (reports.dashboard).
    """
    now = now or timezone.now()
    filters = replace(filters, status=None)
    if figures is None:
        figures, _children = dashboard_summary(viewer=viewer, unit=unit, filters=filters, now=now)
    today = dates.today(now)
    index = today.year * 12 + today.month - 1
    firsts = [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 2)]
    if by_month is not None:
        completed = by_month(firsts[0])
        counts = {"since": sum(completed.values())}
        for n, first in enumerate(firsts[1:]):
            counts[f"before_{n}"] = sum(c for month, c in completed.items() if month < first)
    else:
        counts = _completions_since(viewer=viewer, unit=unit, filters=filters, now=now, firsts=firsts)
    counted = figures.counted
    before = max(figures.completed - counts["since"], 0)  # a completion between the two reads: not below 0
    points, previous = [], before
    for n, first in enumerate(firsts[:-1]):
        cumulative = before + counts[f"before_{n}"]
        percent = round(100 * cumulative / counted, 1) if counted else None
        points.append(
            MonthPoint(month=first, completed=cumulative - previous, cumulative=cumulative, percent=percent)
        )
        previous = cumulative
    return points


def _completions_since(*, viewer, unit, filters, now, firsts: list[date]) -> dict[str, int]:
    bounds = [dates.at(first) for first in firsts]
    # completed_at is never null in these rows: counting it (not the key) keeps an index-only plan possible.
    return (
        _obligations(viewer=viewer, unit=unit, filters=filters, now=now)
        .filter(status_q(Status.COMPLETED, now), completed_at__gte=bounds[0])
        .aggregate(
            since=Count("completed_at"),
            **{
                f"before_{n}": Count("completed_at", filter=Q(completed_at__lt=bound))
                for n, bound in enumerate(bounds[1:])
            },
        )
    )


# --- Training hours ---------------------------------------------------------------------------------------

NO_HOURS = Decimal(0)


def current_year(now: datetime | None = None) -> int:
    """This year in Ho Chi Minh City: the training hours' default year."""
    return dates.today(now).year


@dataclass(frozen=True)
class DashboardHours:
    total: Decimal  # the page's unit (or all the viewer's units)
    by_unit: dict[int, Decimal]  # each unit of the table, with its subtree


def dashboard_hours(
    *,
    viewer,
    unit: OrgUnit | None,
    children: list[OrgUnit],
    year: int,
    filters: ReportFilters = NO_FILTERS,
    hours_by_unit: Callable[..., dict[int, Decimal]] | None = None,
) -> DashboardHours:
    """Training hours of a year for the dashboard: its unit and each unit of its table, each with its subtree.

    Read from the certificates that are not revoked (`certificates.selectors.training_hours_by_unit`), by the
    officials' current units, only below the units shown and within the viewer's scope: two queries. The
    course filter applies; status and period do not (hours belong to the year of completion).
    `hours_by_unit(year=, units=, course_ids=)` → {unit id: hours with its subtree} stands for that read: the
    dashboard passes a snapshot's (reports.dashboard).
    """
    scope = scope_for(viewer)
    if not scope.manages_units:
        return DashboardHours(total=NO_HOURS, by_unit={})
    own = [u for u in children if getattr(u, "own_staff", False)]
    children = [u for u in children if not getattr(u, "own_staff", False)]
    shown = [u.pk for u in children] + ([unit.pk] if unit is not None else [])
    units = OrgUnit.objects.filter(scope.unit_q()).filter(pk__in=shown)
    course_ids = [filters.course_id] if filters.course_id else None
    if hours_by_unit is not None:
        by_unit = hours_by_unit(year=year, units=units, course_ids=course_ids)
    else:
        per_unit = training_hours_by_unit(year=year, units=units, course_ids=course_ids)
        by_unit = {pk: hours.total for pk, hours in per_unit.items()}
    if unit is not None:
        total = by_unit.get(unit.pk, NO_HOURS)
        if own:  # the unit's own staff: what its subunits do not account for
            by_unit = {
                **by_unit,
                unit.pk: total - sum((by_unit.get(u.pk, NO_HOURS) for u in children), NO_HOURS),
            }
    else:  # the viewer's top units: separate subtrees
        total = sum((by_unit.get(u.pk, NO_HOURS) for u in children), NO_HOURS)
    return DashboardHours(total=total, by_unit=by_unit)


# --- Lists -------------------------------------------------------------------------------------------------

# The columns of a list row, as names annotated on the obligations (the people table, the overdue list and
# the exports read the same names in the same order).
ROW_FIELDS = (
    "pk",
    "user_id",
    "person_name",
    "username",
    "employee_code",
    "unit_code",
    "unit_name",
    "position_name",
    "course_title",
    "status",
    "due_at",
    "completed_at",
    "email",
    "phone",
)
# Names in Vietnamese dictionary order (lms.collation: ICU in PostgreSQL, the same key on SQLite).
PEOPLE_ORDER = ("unit__path", vi_order("person_name"), "user_id", "due_at", "pk")
LATE_ORDER = ("unit__path", "due_at", vi_order("person_name"), "user_id", "pk")
LATE_FIELDS = (*ROW_FIELDS, "course_id", "valid_until")  # the overdue list computes days late from them


class _Paginator(Paginator):
    """Counts the plain obligations (one join, to the units) rather than the rows with every name joined, and
    reads a page in two steps: the ids of its rows in list order (the obligations with the two columns the
    order needs: unit path and name), then those rows with every column. A ward's first unit holds about
    12,000 rows; joining every column to each of them before keeping 50 was most of the page's time.

    `known_count` (the count of a snapshot the dashboard shows, as of its moment) stands for the count; the
    last page then reads a full page of live rows, not only up to that count."""

    def __init__(self, object_list, per_page, *, counted: QuerySet, order, known_count: int | None = None):
        super().__init__(object_list, per_page)
        self._counted = counted
        self._order = order
        self._known_count = known_count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else self._counted.count()

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self._known_count is None and top + self.orphans >= self.count:
            top = self.count
        keys = (
            self._counted.annotate(person_name=F("user__full_name"))
            .order_by(*self._order)
            .values_list("pk", flat=True)
        )
        pks = list(keys[bottom:top])
        rows = {row["pk"]: row for row in self.object_list.filter(pk__in=pks).order_by()} if pks else {}
        return self._get_page([rows[pk] for pk in pks if pk in rows], number, self)


def _obligations(
    *, viewer, unit: OrgUnit | None, filters: ReportFilters, now: datetime
) -> QuerySet[Obligation]:
    """Current obligations in the unit's subtree (or the whole scope), within the viewer's scope, filtered.

    The units are read first (one small query) and the obligations filtered by their ids: with a literal
    list PostgreSQL estimates a ward's few thousand rows well and starts from the (unit, course) index,
    where a join on a path prefix made it walk every person in name order."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return Obligation.objects.none()
    obligations = Obligation.objects.filter(is_current=True)
    if unit is not None or not scope.everything:
        units = OrgUnit.objects.filter(scope.unit_q())
        if unit is not None:
            units = units.filter(path__startswith=unit.path)
        obligations = obligations.filter(unit_id__in=list(units.values_list("pk", flat=True)))
    if filters.course_id:
        obligations = obligations.filter(course_id=filters.course_id)
    start, end = filters.due_bounds()
    if start:
        obligations = obligations.filter(due_at__gte=start)
    if end:
        obligations = obligations.filter(due_at__lte=end)
    if filters.status:
        obligations = obligations.filter(status_filter_q(filters.status, now))
    return obligations


def _rows(queryset: QuerySet[Obligation], now: datetime) -> QuerySet[Obligation]:
    return queryset.annotate(
        person_name=F("user__full_name"),
        username=F("user__username"),
        email=F("user__email"),
        employee_code=F("user__official__employee_code"),
        phone=F("user__official__phone"),
        position_name=F("user__official__position__name"),
        unit_code=F("unit__code"),
        unit_name=F("unit__name"),
        course_title=F("course__title"),
        status=status_case(now),
    )


def obligation_rows(
    *, viewer, unit: OrgUnit | None, filters: ReportFilters = NO_FILTERS, now: datetime | None = None
) -> QuerySet:
    """One dict per current obligation (ROW_FIELDS), ordered by person: the people table's rows."""
    now = now or timezone.now()
    return (
        _rows(_obligations(viewer=viewer, unit=unit, filters=filters, now=now), now)
        .values(*ROW_FIELDS)
        .order_by(*PEOPLE_ORDER)
    )


def people_page(
    *,
    viewer,
    unit: OrgUnit | None,
    filters: ReportFilters = NO_FILTERS,
    page_number=1,
    now: datetime | None = None,
    count: int | None = None,
) -> Page:
    """A page of the people table (PER_PAGE rows): three queries, the count, the ids of the page's rows and
    the rows. `count`, when given (a snapshot's, as of its moment), stands for the count."""
    now = now or timezone.now()
    base = _obligations(viewer=viewer, unit=unit, filters=filters, now=now)
    rows = _rows(base, now).values(*ROW_FIELDS).order_by(*PEOPLE_ORDER)
    return _Paginator(rows, PER_PAGE, counted=base, order=PEOPLE_ORDER, known_count=count).get_page(
        page_number
    )


def overdue_page(
    *,
    viewer,
    unit: OrgUnit | None,
    filters: ReportFilters = NO_FILTERS,
    page_number=1,
    now: datetime | None = None,
) -> Page:
    """A page of the overdue list: overdue or expired obligations with contact details, unit by unit (tree
    order) and the longest late first within a unit."""
    now = now or timezone.now()
    late_filters = replace(filters, status=LATE_FILTER)
    base = _obligations(viewer=viewer, unit=unit, filters=late_filters, now=now)
    rows = _rows(base, now).values(*LATE_FIELDS).order_by(*LATE_ORDER)
    return _Paginator(rows, PER_PAGE, counted=base, order=LATE_ORDER).get_page(page_number)


def display_name(row: dict) -> str:
    return (row.get("person_name") or "").strip() or row.get("username") or ""


# --- Exports -----------------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    _("Full name"),
    _("Employee code"),
    _("Unit code"),
    _("Unit"),
    _("Position"),
    _("Course"),
    _("Status"),
    _("Due date"),
    _("Completed on"),
    _("Email"),
    _("Phone"),
)
EXPORT_DATE_COLUMNS = (7, 8)  # due date and completion date: dates, not text


def export_headers() -> list[str]:
    return [str(column) for column in EXPORT_COLUMNS]


def export_rows(
    *, viewer, unit: OrgUnit | None, filters: ReportFilters = NO_FILTERS, now: datetime | None = None
) -> Iterator[tuple]:
    """The people table's rows for an export, as plain tuples (EXPORT_COLUMNS), streamed from the database in
    chunks: constant memory, no query per row. Dates are calendar days in Ho Chi Minh City; status labels are
    resolved now, in the active language, so the rows read the same wherever they are consumed."""
    now = now or timezone.now()
    labels = {status.value: str(status.label) for status in Status}
    rows = (
        _rows(_obligations(viewer=viewer, unit=unit, filters=filters, now=now), now)
        .values_list(
            "person_name",
            "username",
            "employee_code",
            "unit_code",
            "unit_name",
            "position_name",
            "course_title",
            "status",
            "due_at",
            "completed_at",
            "email",
            "phone",
        )
        .order_by(*PEOPLE_ORDER)
    )

    def generate() -> Iterator[tuple]:
        for (
            name,
            username,
            code,
            unit_code,
            unit_name,
            position,
            course,
            status,
            due,
            done,
            email,
            phone,
        ) in rows.iterator(chunk_size=EXPORT_CHUNK):
            yield (
                (name or "").strip() or username,
                code or "",
                unit_code,
                unit_name,
                position or "",
                course,
                labels.get(status, status),
                dates.local_date(due),
                dates.local_date(done),
                email or "",
                phone or "",
            )

    return generate()


# --- A person's training record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedCourse:
    """One completion of a course, read from its certificate: the title and hours it certified that day."""

    course_id: int
    title: str
    completed_at: datetime
    hours: Decimal
    code: str
    revoked_at: datetime | None = None
    revoke_reason: str = ""


@dataclass
class PersonRecord:
    user: object
    official: Official | None
    obligations: list[ObligationView] = field(default_factory=list)
    completed: list[CompletedCourse] = field(default_factory=list)  # counted: certificates not revoked
    revoked: list[CompletedCourse] = field(default_factory=list)  # shown to HR apart, never counted

    @property
    def total_hours(self) -> Decimal:
        return sum((c.hours for c in self.completed), Decimal(0))

    @property
    def hours_by_year(self) -> list[tuple[int, Decimal]]:
        """(year, hours), newest year first, as `certificates.selectors.training_hours_by_official` counts."""
        return list(hours_per_year(self.completed).items())


def official_in_scope(*, viewer, user_id: int) -> Official | None:
    """The official if the viewer manages their unit (or is them); None otherwise."""
    return (
        officials_visible(viewer)
        .filter(user_id=user_id, user__isnull=False)
        .select_related("user", "unit", "position")
        .first()
    )


def completions(*, user) -> tuple[list[CompletedCourse], list[CompletedCourse]]:
    """The person's completions, latest first, one per certificate (a course completed again in a new cycle
    is there twice, with its own date): (those that count, those whose certificate was revoked). One query."""
    rows = certificates_for_user(user).values_list(
        "course_id", "course_title", "completed_at", "hours", "code", "revoked_at", "revoke_reason"
    )
    counted, revoked = [], []
    for course_id, title, completed_at, hours, code, revoked_at, reason in rows:
        completion = CompletedCourse(
            course_id=course_id,
            title=title,
            completed_at=completed_at,
            hours=hours,
            code=code,
            revoked_at=revoked_at,
            revoke_reason=reason,
        )
        (revoked if revoked_at is not None else counted).append(completion)
    return counted, revoked


def own_obligations(*, user, now: datetime | None = None) -> list[ObligationView]:
    """The person's own current obligations with status and reason, whatever units the person manages: an HR
    manager's own record must not depend on their scope (their own unit may lie outside it)."""
    return obligation_views(Obligation.objects.filter(is_current=True, user=user), user=user, now=now)


def person_record(
    *, viewer, user, official: Official | None = None, now: datetime | None = None
) -> PersonRecord:
    """What the training record shows: the person, their current obligations with status and reason (as far
    as the viewer may see them; all of them for the person themself), and the courses they completed as their
    certificates record them. A fixed number of queries."""
    now = now or timezone.now()
    if official is None:
        official = Official.objects.select_related("unit", "position").filter(user=user).first()
    if viewer.pk == user.pk:
        obligations = own_obligations(user=user, now=now)
    else:
        obligations = person_obligations(viewer=viewer, user=user, now=now)
    counted, revoked = completions(user=user)
    return PersonRecord(
        user=user, official=official, obligations=obligations, completed=counted, revoked=revoked
    )
