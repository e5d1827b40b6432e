"""Reads behind HR's assignment pages: the assignments a viewer manages or that reach their units, their
figures and the people they reach (always within the viewer's units) with each status and its reason, and
the unit tree and people search used by the form.

Every function answers in a fixed number of queries, whatever the number of rows on the page."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.learning import structure
from lms.learning.models import LessonCompletion
from lms.people.models import Official, OrgUnit
from lms.people.scope import officials_visible, scope_for

from ..models import Assignment, Obligation, ObligationSource
from ..selectors import explain, open_sources_prefetch
from ..status import Status, status_of, status_q

MAX_PERSON_MATCHES = 20


def _target_in(scope_q_for) -> Q:
    return scope_q_for("unit__path") | scope_q_for("user__official__unit__path")


def assignments_managed(viewer) -> QuerySet[Assignment]:
    """Assignments the viewer may change (withdraw): to a unit in their scope, or to a person in it."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return Assignment.objects.none()
    return Assignment.objects.filter(_target_in(scope.unit_q))


def assignments_visible(viewer) -> QuerySet[Assignment]:
    """Assignments the viewer manages, and those made higher up that reach people in the viewer's units
    (a city-wide assignment, seen by a ward's HR manager, who may exempt their own people from it)."""
    scope = scope_for(viewer)
    if not scope.manages_units:
        return Assignment.objects.none()
    if scope.everything:
        return Assignment.objects.all()
    reaching = ObligationSource.objects.filter(scope.unit_q("obligation__unit__path")).values("assignment_id")
    return Assignment.objects.filter(_target_in(scope.unit_q) | Q(pk__in=reaching))


def is_managed(viewer, assignment: Assignment) -> bool:
    scope = scope_for(viewer)
    if assignment.unit_id is not None:
        return scope.covers(assignment.unit)
    official = getattr(assignment.user, "official", None)
    return official is not None and scope.covers(official.unit)


def assignments_for_list(viewer, *, course_id=None, unit: OrgUnit | None = None, state: str = "active"):
    """The list page's rows, newest first, with everything a row shows joined in. The unit filter keeps
    the assignments made to that unit's subtree or reaching people in it."""
    rows = assignments_visible(viewer).select_related(
        "course", "unit", "position", "user__official", "created_by", "withdrawn_by"
    )
    if course_id:
        rows = rows.filter(course_id=course_id)
    if unit is not None:
        in_unit = ObligationSource.objects.filter(obligation__unit__path__startswith=unit.path).values(
            "assignment_id"
        )
        rows = rows.filter(
            Q(unit__path__startswith=unit.path)
            | Q(user__official__unit__path__startswith=unit.path)
            | Q(pk__in=in_unit)
        )
    if state == "active":
        rows = rows.filter(withdrawn_at__isnull=True)
    elif state == "withdrawn":
        rows = rows.filter(withdrawn_at__isnull=False)
    return rows.order_by("-created_at", "-pk")


def _reached_q(assignment_q: Q) -> Q:
    """The duties that make up an assignment's people: the current ones it is an open source of, or, once
    it is withdrawn, those its withdrawal let go (their duty may live on through another assignment).
    One condition on the same source row (a single filter() call)."""
    return assignment_q & (
        Q(sources__closed_at__isnull=True, is_current=True)
        | Q(sources__closed_reason=Obligation.Closed.WITHDRAWN)
    )


def _people_of(viewer, assignment_q: Q) -> QuerySet[Obligation]:
    """Duties of the assignments' people, limited to the viewer's units."""
    return Obligation.objects.filter(_reached_q(assignment_q)).filter(scope_for(viewer).unit_q("unit__path"))


@dataclass(frozen=True)
class AssignmentFigures:
    reached: int = 0
    completed: int = 0
    late: int = 0


def assignment_figures(
    *, viewer, assignment_ids: list[int], now: datetime | None = None
) -> dict[int, AssignmentFigures]:
    """People reached, completed and late per assignment, among the viewer's units, in one query for the
    whole page."""
    if not assignment_ids:
        return {}
    now = now or timezone.now()
    rows = (
        _people_of(viewer, Q(sources__assignment_id__in=assignment_ids))
        .values("sources__assignment_id")
        .annotate(
            reached=Count("pk"),
            completed=Count("pk", filter=status_q(Status.COMPLETED, now)),
            late=Count("pk", filter=status_q(Status.OVERDUE, now) | status_q(Status.EXPIRED, now)),
        )
        .order_by()
    )
    return {
        row["sources__assignment_id"]: AssignmentFigures(
            reached=row["reached"], completed=row["completed"], late=row["late"]
        )
        for row in rows
    }


def assignment_people_queryset(
    assignment: Assignment, *, viewer, status: str = "", now: datetime | None = None
):
    """The obligations of an assignment's people in the viewer's units, optionally of one status."""
    now = now or timezone.now()
    rows = _people_of(viewer, Q(sources__assignment=assignment))
    if status:
        rows = rows.filter(status_q(status, now))
    return (
        rows.select_related(
            "user__official",
            "unit",
            "exempted_by",
            "assignment__created_by",
            "assignment__unit",
            "assignment__position",
            "revoked_certificate",
        )
        .prefetch_related(open_sources_prefetch())
        .order_by("unit__name", "user__full_name", "pk")
    )


@dataclass(frozen=True)
class PersonRow:
    obligation: Obligation
    status: Status
    reason: str

    @property
    def official(self) -> Official | None:
        return getattr(self.obligation.user, "official", None)

    @property
    def can_change_exemption(self) -> bool:
        return self.obligation.is_current


def people_rows(obligations: list[Obligation], *, course, now: datetime | None = None) -> list[PersonRow]:
    """Status and reason for a page of obligations of one course. Two queries: the course's required
    lessons, and the required lessons each person has completed."""
    now = now or timezone.now()
    if not obligations:
        return []
    required = structure.required_lessons(course=course).values("pk")
    total = structure.required_lessons(course=course).count()
    done = dict(
        LessonCompletion.objects.filter(
            enrolment__course_id=course.pk,
            enrolment__user_id__in=[o.user_id for o in obligations],
            lesson_id__in=required,
        )
        .values("enrolment__user_id")
        .annotate(n=Count("pk"))
        .values_list("enrolment__user_id", "n")
        .order_by()
    )
    rows = []
    for obligation in obligations:
        status = status_of(obligation, now)
        reason = explain(
            obligation, status=status, now=now, done=done.get(obligation.user_id, 0), total=total
        )
        rows.append(PersonRow(obligation=obligation, status=status, reason=reason))
    return rows


def status_counts_of(assignment: Assignment, *, viewer, now: datetime | None = None) -> dict[str, int]:
    """How many of the assignment's people in the viewer's units are in each status (one query)."""
    now = now or timezone.now()
    aggregates = {status.value: Count("pk", filter=status_q(status, now)) for status in Status}
    return _people_of(viewer, Q(sources__assignment=assignment)).aggregate(**aggregates)


def unit_tree_choices(viewer) -> list[tuple[int, str]]:
    """The viewer's units in tree order, each indented by its depth below the top of the scope."""
    units = list(
        OrgUnit.objects.filter(scope_for(viewer).unit_q(), is_active=True)
        .order_by("path")
        .only("pk", "name", "depth", "path")
    )
    if not units:
        return []
    top = min(unit.depth for unit in units)
    return [
        (unit.pk, "\u2003" * (unit.depth - top) + ("— " if unit.depth > top else "") + unit.name)
        for unit in units
    ]


def officials_matching(viewer, query: str) -> list[Official]:
    """Active officials in the viewer's scope whose employee code is `query`, or else whose code starts
    with it or whose name contains it (at most MAX_PERSON_MATCHES + 1, so the caller can say "more")."""
    query = " ".join((query or "").split())
    if not query:
        return []
    people = officials_visible(viewer).filter(user__is_active=True).select_related("user", "unit", "position")
    exact = list(people.filter(employee_code__iexact=query)[:1])
    if exact:
        return exact
    return list(
        people.filter(Q(employee_code__istartswith=query) | Q(user__full_name__icontains=query)).order_by(
            "user__full_name", "employee_code"
        )[: MAX_PERSON_MATCHES + 1]
    )


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def describe_target(assignment: Assignment) -> str:
    """ "Phường Bến Thành and its subunits, position Chủ tịch UBND" or "Nguyễn Văn An (BT-001)"."""
    if assignment.user_id is not None:
        official = getattr(assignment.user, "official", None)
        name = assignment.user.get_full_name()
        return f"{name} ({official.employee_code})" if official else name
    if assignment.include_subunits:
        text = _("%(unit)s and its subunits") % {"unit": assignment.unit.name}
    else:
        text = _("%(unit)s only") % {"unit": assignment.unit.name}
    if assignment.position_id is not None:
        text += _(", position %(position)s") % {"position": assignment.position.name}
    return text


def describe_due(assignment: Assignment) -> str:
    if assignment.due_kind == Assignment.DueKind.FIXED:
        return _("By %(date)s") % {"date": _day(assignment.due_date)}
    return ngettext(
        "%(days)s day after assignment", "%(days)s days after assignment", assignment.due_days
    ) % {"days": assignment.due_days}


def describe_validity(assignment: Assignment) -> str:
    if not assignment.validity_months:
        return _("Once (no renewal)")
    return ngettext(
        "Redo every %(months)s month", "Redo every %(months)s months", assignment.validity_months
    ) % {"months": assignment.validity_months}
