"""Reads of mandatory training, always through the viewer's scope (lms.people.scope)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, Count, IntegerField, Prefetch, Q, QuerySet, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lms import dates
from lms.learning.selectors import enrolments_with_progress
from lms.people.models import OrgUnit
from lms.people.scope import scope_for

from .models import Assignment, Obligation, ObligationSource
from .status import Status, status_of, status_q


def obligations_visible(viewer) -> QuerySet[Obligation]:
    """Current obligations the viewer may see: in their units, or only their own."""
    scope = scope_for(viewer)
    current = Obligation.objects.filter(is_current=True)
    if scope.manages_units:
        return current.filter(scope.unit_q("unit__path"))
    if scope.user_id is None:
        return current.none()
    return current.filter(user_id=scope.user_id)


def _day(moment: datetime | None) -> str:
    return formats.date_format(dates.local(moment), "SHORT_DATE_FORMAT") if moment else ""


@dataclass(frozen=True)
class ObligationView:
    obligation: Obligation
    status: Status
    reason: str
    lessons_done: int = 0
    lessons_total: int = 0

    @property
    def course_title(self) -> str:
        return self.obligation.course.title


def open_sources_prefetch() -> Prefetch:
    """The open sources of each duty with what the reason names, governing first (`open_sources`)."""
    return Prefetch(
        "sources",
        queryset=ObligationSource.objects.filter(closed_at__isnull=True)
        .select_related("assignment__created_by", "assignment__unit", "assignment__position")
        .order_by("due_at", "assignment_id"),
        to_attr="open_sources",
    )


def _origin(assignment: Assignment, *, first: bool) -> str:
    values = {
        "by": assignment.created_by.get_full_name() if assignment.created_by else _("an administrator"),
        "date": _day(assignment.created_at),
    }
    if assignment.unit_id is None:
        if first:
            return _("Assigned to this person by %(by)s on %(date)s") % values
        return _("and to this person by %(by)s on %(date)s") % values
    values["unit"] = assignment.unit.name
    if first:
        origin = _("Assigned by %(by)s on %(date)s through %(unit)s") % values
    else:
        origin = _("and by %(by)s on %(date)s through %(unit)s") % values
    if assignment.position_id is not None:
        origin += _(" (position: %(position)s)") % {"position": assignment.position.name}
    return origin


def explain(obligation: Obligation, *, status: Status, now: datetime, done: int, total: int) -> str:
    """The status in plain words: who assigned it, through which unit (every assignment that reaches the
    duty, the governing one first), when it is due, how far along."""
    assignment = obligation.assignment
    sources = [s.assignment for s in getattr(obligation, "open_sources", None) or []] or [assignment]
    parts = [" ".join(_origin(a, first=n == 0) for n, a in enumerate(sources))]
    if obligation.cycle > 1:
        parts.append(_("recertification, cycle %(cycle)s") % {"cycle": obligation.cycle})
        parts.append(
            _("only quiz and H5P results from %(date)s on count") % {"date": _day(obligation.opened_at)}
        )
    elif (
        assignment.due_date is not None
        and dates.local_date(obligation.opened_at) > assignment.due_date
        and obligation.opened_at > assignment.created_at
    ):
        parts.append(
            _("joined on %(date)s, after the unit's due date") % {"date": _day(obligation.opened_at)}
        )
    if status == Status.EXEMPT:
        who = obligation.exempted_by.get_full_name() if obligation.exempted_by else _("an administrator")
        parts.append(
            _("exempted by %(by)s on %(date)s: %(reason)s")
            % {"by": who, "date": _day(obligation.exempt_at), "reason": obligation.exempt_reason}
        )
    elif status == Status.COMPLETED:
        parts.append(_("completed on %(date)s") % {"date": _day(obligation.completed_at)})
        if obligation.valid_until:
            parts.append(_("valid until %(date)s") % {"date": _day(obligation.valid_until)})
    elif status == Status.EXPIRED and obligation.completed_at:
        parts.append(
            _("completed on %(date)s, no longer valid since %(until)s")
            % {"date": _day(obligation.completed_at), "until": _day(obligation.valid_until)}
        )
    else:
        if obligation.revoked_certificate_id is not None and obligation.completed_at is None:
            revoked = obligation.revoked_certificate
            parts.append(
                _("completed before, but certificate %(code)s was revoked on %(date)s: %(reason)s")
                % {"code": revoked.code, "date": _day(revoked.revoked_at), "reason": revoked.revoke_reason}
            )
        parts.append(_("due %(date)s") % {"date": _day(obligation.due_at)})
        if status in (Status.OVERDUE, Status.EXPIRED):
            late = (dates.today(now) - dates.local_date(obligation.due_at)).days
            parts.append(_("%(days)s days late") % {"days": late})
        parts.append(_("%(done)s of %(total)s lessons done") % {"done": done, "total": total})
    return "; ".join(parts) + "."


def person_obligations(*, viewer, user, now: datetime | None = None) -> list[ObligationView]:
    """A person's current obligations that the viewer may see, with status and reason. Fixed queries."""
    return obligation_views(obligations_visible(viewer).filter(user=user), user=user, now=now)


def obligation_views(
    obligations: QuerySet[Obligation], *, user, now: datetime | None = None
) -> list[ObligationView]:
    """One person's obligations (already scoped by the caller) with status, reason and lessons done.
    Two queries: the obligations with what the reason names, and the person's progress per course."""
    now = now or timezone.now()
    rows = list(
        obligations.select_related(
            "course",
            "assignment__created_by",
            "assignment__unit",
            "assignment__position",
            "exempted_by",
            "revoked_certificate",
        )
        .prefetch_related(open_sources_prefetch())
        .order_by("due_at", "pk")
    )
    progress = {e.course_id: e for e in enrolments_with_progress(user=user)} if rows else {}
    views = []
    for row in rows:
        enrolment = progress.get(row.course_id)
        done = getattr(enrolment, "required_done", 0) or 0
        total = getattr(enrolment, "required_total", 0) or 0
        status = status_of(row, now)
        views.append(
            ObligationView(
                obligation=row,
                status=status,
                reason=explain(row, status=status, now=now, done=done, total=total),
                lessons_done=done,
                lessons_total=total,
            )
        )
    return views


@dataclass(frozen=True)
class OwnStaff:
    """A unit's own staff (not those of its subunits), as a row of the unit's table: stands in for a unit
    wherever a row reads one (pk, name, path), so the rows of a table add up to its headline."""

    unit: OrgUnit
    own_staff = True

    @property
    def pk(self) -> int:
        return self.unit.pk

    @property
    def name(self) -> str:
        return _("Staff of %(unit)s directly") % {"unit": self.unit.name}

    @property
    def path(self) -> str:
        return self.unit.path

    @property
    def depth(self) -> int:
        return self.unit.depth

    @property
    def code(self) -> str:
        return self.unit.code


@dataclass
class UnitFigures:
    unit: OrgUnit | OwnStaff
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def counted(self) -> int:
        """Obligations that count toward the completion rate: the exempt do not."""
        return self.total - self.counts.get(Status.EXEMPT, 0)

    @property
    def completed(self) -> int:
        return self.counts.get(Status.COMPLETED, 0)

    @property
    def late(self) -> int:
        return self.counts.get(Status.OVERDUE, 0) + self.counts.get(Status.EXPIRED, 0)

    @property
    def percent(self) -> float | None:
        return round(100 * self.completed / self.counted, 1) if self.counted else None


def status_counts(queryset: QuerySet[Obligation], *, now: datetime, by: str | None = None):
    """Counts per status in one query, optionally grouped by a field (e.g. "unit_id")."""
    aggregates = {status.value: Count("pk", filter=status_q(status, now)) for status in Status}
    if by is None:
        return queryset.aggregate(**aggregates)
    return queryset.values(by).annotate(**aggregates).order_by()


def status_counts_by_unit(queryset: QuerySet[Obligation], *, now: datetime) -> dict[int, dict[Status, int]]:
    """{unit id: {status: count}} of the current obligations in `queryset`, in one query.

    The same statuses as `status_q`, counted from Obligation's partial indexes only (index-only scans, no
    table rows read): every current row per unit (obligation_report), the exempt, the open rows started and
    not started with their due dates (the open rows decide not started, in progress, overdue and late
    renewals), and the completions whose validity has run out. Completed is what remains. At 2 million
    obligations this costs about a third of evaluating every status on every row (docs/performance.md).
    """
    current = queryset.filter(is_current=True).order_by()
    open_ = current.filter(exempt_at__isnull=True, completed_at__isnull=True)
    zero = Value(0, output_field=IntegerField())
    by_due = {
        "n": Count("*"),
        # due_at is never null and is in the index: counting it keeps the scan index-only.
        "future": Count("due_at", filter=Q(due_at__gte=now)),
        "overdue": Count("due_at", filter=Q(due_at__lt=now, cycle=1)),
        "renewal_late": Count("due_at", filter=Q(due_at__lt=now, cycle__gt=1)),
    }
    just_count = {"n": Count("*"), "future": zero, "overdue": zero, "renewal_late": zero}

    def part(kind: str, rows: QuerySet[Obligation], counts: dict) -> QuerySet:
        return (
            rows.values("unit_id")
            .annotate(kind=Value(kind, output_field=CharField()), **counts)
            .values_list("unit_id", "kind", *counts)
        )

    parts = [
        part("all", current, just_count),
        part("exempt", current.filter(exempt_at__isnull=False), just_count),
        part("started", open_.filter(started_at__isnull=False), by_due),
        part("new", open_.filter(started_at__isnull=True), by_due),
        # A validity implies a completion (constraint obligation_validity_after_completion).
        part("lapsed", current.filter(exempt_at__isnull=True, valid_until__lte=now), just_count),
    ]
    seen: dict[int, dict[str, tuple[int, int, int, int]]] = {}
    for unit_id, kind, n, future, overdue, renewal_late in parts[0].union(*parts[1:], all=True):
        seen.setdefault(unit_id, {})[kind] = (n, future, overdue, renewal_late)
    result = {}
    for unit_id, kinds in seen.items():
        nothing = (0, 0, 0, 0)
        every, exempt, lapsed = (
            kinds.get("all", nothing)[0],
            kinds.get("exempt", nothing)[0],
            kinds.get("lapsed", nothing)[0],
        )
        started, new = kinds.get("started", nothing), kinds.get("new", nothing)
        result[unit_id] = {
            Status.NOT_STARTED: new[1],
            Status.IN_PROGRESS: started[1],
            Status.COMPLETED: every - exempt - started[0] - new[0] - lapsed,
            Status.OVERDUE: started[2] + new[2],
            Status.EXPIRED: started[3] + new[3] + lapsed,
            Status.EXEMPT: exempt,
        }
    return result


def unit_summary(
    *,
    viewer,
    root: OrgUnit,
    course_ids: list[int] | None = None,
    due_from: datetime | None = None,
    due_to: datetime | None = None,
    now: datetime | None = None,
    counts: Callable[[list[int]], dict[int, dict[Status, int]]] | None = None,
) -> tuple[UnitFigures, list[UnitFigures]]:
    """Figures for a unit and for each of its direct subunits (each with its whole subtree), and a row of the
    unit's own staff (`OwnStaff`, when it has obligations): the rows add up to the unit's figures.

    Two queries: the units of the subtree, and the obligations counted per unit and status in the database
    (`status_counts_by_unit`); the roll-up to subunits is done over the (few hundred) units in Python. A unit
    outside the viewer's scope answers as empty. A unit moved since the caller read it (a report open while
    the tree changes) is read again, so its subtree is the one it has now.

    `counts` (unit ids → {unit id: {status: count}}) replaces the live count, e.g. by a snapshot's
    (reports.snapshot.counts_by_unit); the course and period filters are then the caller's.
    """
    now = now or timezone.now()
    scope = scope_for(viewer)
    fields = ("pk", "path", "depth", "name", "code", "kind", "numchild")
    units = list(OrgUnit.objects.filter(path__startswith=root.path).filter(scope.unit_q()).only(*fields))
    if all(u.pk != root.pk for u in units):
        moved = OrgUnit.objects.filter(pk=root.pk).first()
        if moved is None or moved.path == root.path:
            return UnitFigures(unit=root), []
        root = moved
        units = list(OrgUnit.objects.filter(path__startswith=root.path).filter(scope.unit_q()).only(*fields))
    top = UnitFigures(unit=root)
    children = {u.path: UnitFigures(unit=u) for u in units if u.depth == root.depth + 1}
    own = UnitFigures(unit=OwnStaff(root))
    children[root.path] = own
    if not scope.covers(root):
        return top, []
    if counts is None:
        obligations = Obligation.objects.filter(is_current=True, unit_id__in=[u.pk for u in units])
        if course_ids:
            obligations = obligations.filter(course_id__in=course_ids)
        if due_from:
            obligations = obligations.filter(due_at__gte=due_from)
        if due_to:
            obligations = obligations.filter(due_at__lte=due_to)
        by_unit = status_counts_by_unit(obligations, now=now)
    else:
        by_unit = counts([u.pk for u in units])
    path_of = {u.pk: u.path for u in units}
    child_len = OrgUnit.steplen * (root.depth + 1)
    for unit_id, unit_counts in by_unit.items():
        path = path_of[unit_id]
        bucket = children.get(path[:child_len] if len(path) > len(root.path) else root.path)
        for status in Status:
            n = unit_counts[status]
            top.counts[status] = top.counts.get(status, 0) + n
            if bucket is not None:
                bucket.counts[status] = bucket.counts.get(status, 0) + n
    del children[root.path]
    rows = sorted(children.values(), key=lambda f: f.unit.name)
    return top, ([own] if own.total else []) + rows
