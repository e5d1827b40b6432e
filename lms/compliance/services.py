"""Writes to mandatory training. Assignments open obligations; people's changes and course completions
move them on. Every function keeps the rule "one duty per (person, course, cycle)" (duties.py). Whom an
assignment reaches and when they must be done are rules.py's."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms import dates
from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.errors import UserError
from lms.learning import structure
from lms.learning.models import Enrolment
from lms.learning.services import enrolment_restart
from lms.people.models import Official, OrgUnit, Position
from lms.people.permissions import allows
from lms.people.scope import scope_for

from .duties import duties_of_assignment, duties_reach, duties_refresh, valid_until, validity_months
from .models import Assignment, Obligation, ObligationSource
from .rules import assignments_reaching, officials_reached

MAX_DUE_DAYS = 3650
MAX_VALIDITY_MONTHS = 120


class ComplianceError(UserError):
    """A change HR asked for that the rules refuse; the message is shown to the person."""


def _require_manager(by) -> None:
    if not allows(by, "compliance.manage_assignments"):
        raise ComplianceError(_("Only HR managers can manage mandatory training."), status=403)


@transaction.atomic
def assignment_create(
    *,
    by,
    course,
    unit: OrgUnit | None = None,
    include_subunits: bool = True,
    position: Position | None = None,
    user=None,
    due_date: date | None = None,
    due_days: int | None = None,
    validity_months: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Assignment:
    """Make a course mandatory for a unit (and its subunits, optionally one position) or one person.

    Everyone reached gets an obligation and an enrolment now; people who join later get theirs when they
    arrive (`official_sync`). Refused: units outside the HR manager's scope, unpublished courses, a fixed
    date in the past, and a target with nobody in it.
    """
    now = now or timezone.now()
    _require_manager(by)
    scope = scope_for(by)
    if not structure.course_model().objects.live().filter(pk=getattr(course, "pk", None)).exists():
        raise ComplianceError(_("Choose a published course."))
    if (unit is None) == (user is None):
        raise ComplianceError(_("Assign the course either to a unit or to one person."))
    if user is not None:
        official = Official.objects.select_related("unit").filter(user=user).first()
        if official is None or not scope.covers(official.unit):
            raise ComplianceError(_("This person is not in the units you manage."), status=403)
        if position is not None:
            raise ComplianceError(_("A position can only narrow an assignment to a unit."))
    elif not scope.covers(unit):
        raise ComplianceError(_("This unit is not one of the units you manage."), status=403)
    if (due_date is None) == (due_days is None):
        raise ComplianceError(_("Give either a due date or a number of days to complete the course."))
    if due_date is not None and due_date < dates.today(now):
        raise ComplianceError(
            _("The due date %(date)s has already passed.") % {"date": dates.date_vn(due_date)}
        )
    if due_days is not None and not 1 <= due_days <= MAX_DUE_DAYS:
        raise ComplianceError(_("The number of days must be between 1 and %(max)s.") % {"max": MAX_DUE_DAYS})
    if validity_months is not None and not 1 <= validity_months <= MAX_VALIDITY_MONTHS:
        raise ComplianceError(
            _("The validity must be between 1 and %(max)s months.") % {"max": MAX_VALIDITY_MONTHS}
        )
    assignment = Assignment(
        course_id=course.pk,
        unit=unit,
        include_subunits=include_subunits if unit is not None else False,
        position=position,
        user=user,
        due_kind=Assignment.DueKind.FIXED if due_date else Assignment.DueKind.RELATIVE,
        due_date=due_date,
        due_days=due_days,
        validity_months=validity_months,
        note=note,
        created_by=by,
        created_at=now,
    )
    people = list(officials_reached(assignment).values_list("user_id", "unit_id"))
    if not people:
        raise ComplianceError(
            _("Nobody is reached by this assignment: the unit has no active officials with this position.")
            if position is not None
            else _("Nobody is reached by this assignment: the unit has no active officials yet.")
        )
    assignment.save()
    reached = duties_reach(assignment=assignment, people=people, now=now)
    target = official.unit if user is not None else unit
    details = {
        "course": course.title,
        "person" if user is not None else "unit": user.get_full_name() if user is not None else unit.name,
        "include_subunits": assignment.include_subunits if unit is not None else None,
        "position": position.name if position is not None else None,
        "due_date": dates.date_vn(due_date) or None,
        "due_days": due_days,
        "validity_months": validity_months,
        "note": note or None,
        "people_reached": reached,
    }
    audit_record(
        action=AuditEntry.Action.ASSIGNMENT_CREATE,
        actor=by,
        obj=assignment,
        object_repr=_assignment_label(assignment),
        unit=target,
        changes={key: value for key, value in details.items() if value is not None},
    )
    return assignment


def _assignment_label(assignment: Assignment) -> str:
    """The course and whom it is assigned to, as the audit trail names an assignment."""
    target = assignment.unit.name if assignment.unit_id else assignment.user.get_full_name()
    return f"{assignment.course.title} → {target}"


def _obligation_label(obligation: Obligation) -> str:
    return f"{obligation.user.get_full_name()} — {obligation.course.title}"


@transaction.atomic
def assignment_withdraw(*, by, assignment: Assignment, now: datetime | None = None) -> int:
    """Withdraw an assignment: it stops being a source of its people's duties; a duty with no other open
    source closes (kept as history), one that another assignment still reaches stays, governed by the
    remaining sources. Returns how many duties closed."""
    now = now or timezone.now()
    _require_manager(by)
    list(Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk"))  # lock the row
    assignment = Assignment.objects.select_related("unit", "user__official__unit").get(pk=assignment.pk)
    unit = assignment.unit or assignment.user.official.unit
    if not scope_for(by).covers(unit):
        raise ComplianceError(_("This assignment is not in the units you manage."), status=404)
    if assignment.withdrawn_at is not None:
        raise ComplianceError(_("This assignment has already been withdrawn."))
    Assignment.objects.filter(pk=assignment.pk).update(withdrawn_at=now, withdrawn_by=by)
    duty_ids = duties_of_assignment(assignment)
    ObligationSource.objects.filter(
        assignment=assignment, closed_at__isnull=True, obligation_id__in=duty_ids
    ).update(closed_at=now, closed_reason=Obligation.Closed.WITHDRAWN)
    closed, kept = duties_refresh(duty_ids, now=now, reason=Obligation.Closed.WITHDRAWN)
    audit_record(
        action=AuditEntry.Action.ASSIGNMENT_WITHDRAW,
        actor=by,
        obj=assignment,
        object_repr=_assignment_label(assignment),
        unit=unit,
        changes={"active": [True, False], "obligations_closed": closed}
        | ({"obligations_kept": kept} if kept else {}),
    )
    return closed


def _obligation_in_scope(by, obligation_id: int) -> Obligation:
    _require_manager(by)
    obligation = (
        Obligation.objects.select_for_update(of=("self",))
        .filter(pk=obligation_id, is_current=True)
        .select_related("unit")
        .first()
    )
    if obligation is None or not scope_for(by).covers(obligation.unit):
        raise ComplianceError(_("This obligation does not exist or is not in the units you manage."), 404)
    return obligation


@transaction.atomic
def obligation_exempt(*, by, obligation: Obligation, reason: str, now: datetime | None = None) -> Obligation:
    """Exempt a person from an assignment (e.g. already trained elsewhere), with the reason kept."""
    obligation = _obligation_in_scope(by, obligation.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ComplianceError(_("Give the reason for the exemption."))
    if obligation.exempt_at is not None:
        raise ComplianceError(_("This person is already exempt."))
    obligation.exempt_at, obligation.exempt_reason, obligation.exempted_by = now or timezone.now(), reason, by
    obligation.save(update_fields=["exempt_at", "exempt_reason", "exempted_by"])
    audit_record(
        action=AuditEntry.Action.EXEMPTION_GRANT,
        actor=by,
        obj=obligation,
        object_repr=_obligation_label(obligation),
        unit=obligation.unit,
        changes={"exempt": [False, True], "reason": reason},
    )
    return obligation


@transaction.atomic
def obligation_exemption_remove(*, by, obligation: Obligation) -> Obligation:
    obligation = _obligation_in_scope(by, obligation.pk)
    if obligation.exempt_at is None:
        raise ComplianceError(_("This person is not exempt."))
    reason = obligation.exempt_reason
    obligation.exempt_at, obligation.exempt_reason, obligation.exempted_by = None, "", None
    obligation.save(update_fields=["exempt_at", "exempt_reason", "exempted_by"])
    audit_record(
        action=AuditEntry.Action.EXEMPTION_REMOVE,
        actor=by,
        obj=obligation,
        object_repr=_obligation_label(obligation),
        unit=obligation.unit,
        changes={"exempt": [True, False], "reason": [reason, ""]},
    )
    return obligation


@transaction.atomic
def official_sync(*, official: Official, now: datetime | None = None) -> None:
    """Bring a person's obligations in line with where they are now: a newcomer, a move to another unit
    or position, a leaver or a returning official. History is closed, never deleted."""
    now = now or timezone.now()
    official = Official.objects.select_related("user", "unit").get(pk=official.pk)
    current = Obligation.objects.filter(user_id=official.user_id, is_current=True)
    if not official.user.is_active:
        current.update(is_current=False, closed_at=now, closed_reason=Obligation.Closed.DEACTIVATED)
        return
    current.exclude(unit_id=official.unit_id).update(unit_id=official.unit_id)
    reaching = {a.pk: a for a in assignments_reaching(official).select_related("course")}
    open_sources = ObligationSource.objects.filter(
        obligation__user_id=official.user_id, obligation__is_current=True, closed_at__isnull=True
    )
    have = set(open_sources.values_list("assignment_id", flat=True))
    for assignment_id in sorted(set(reaching) - have):
        duties_reach(
            assignment=reaching[assignment_id], people=[(official.user_id, official.unit_id)], now=now
        )
    leaving = open_sources.exclude(assignment_id__in=list(reaching))
    touched = set(leaving.values_list("obligation_id", flat=True))
    leaving.update(closed_at=now, closed_reason=Obligation.Closed.LEFT)
    duties_refresh(touched, now=now, reason=Obligation.Closed.LEFT)


def obligations_complete(*, enrolment: Enrolment) -> int:
    """A completed course completes the person's open duty for it; validity runs from now, for the shortest
    validity among the duty's sources."""
    rows = list(
        Obligation.objects.filter(
            user_id=enrolment.user_id,
            course_id=enrolment.course_id,
            is_current=True,
            completed_at__isnull=True,
        )
    )
    months = validity_months(row.pk for row in rows)
    for row in rows:
        row.completed_at = enrolment.completed_at
        row.valid_until = valid_until(enrolment.completed_at, months.get(row.pk))
        row.started_at = row.started_at or enrolment.completed_at
        row.save(update_fields=["completed_at", "valid_until", "started_at"])
    return len(rows)


def obligations_reopen(*, certificate) -> int:
    """A revoked certificate takes back the completion it recorded: the obligations that completion
    completed open again (status by their due date: in progress, overdue or, for a recertification,
    expired), their validity is gone, and the reason names the certificate. Returns how many.

    Current obligations and closed ones (which come back as they were if the person returns) reopen; a
    cycle already followed by a recertification stays as history, since its successor is open anyway."""
    return (
        Obligation.objects.filter(
            user_id=certificate.user_id,
            course_id=certificate.course_id,
            completed_at=certificate.completed_at,
        )
        .filter(Q(is_current=True) | Q(closed_at__isnull=False))
        .update(
            completed_at=None,
            valid_until=None,
            revoked_certificate=certificate,
            reopen_count=F("reopen_count") + 1,
        )
    )


def obligations_start(*, enrolment: Enrolment) -> int:
    return Obligation.objects.filter(
        user_id=enrolment.user_id, course_id=enrolment.course_id, is_current=True, started_at__isnull=True
    ).update(started_at=timezone.now())


def renewals_open(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Open the next cycle for completions whose validity ends within the notice period
    (settings.COMPLIANCE_RENEWAL_NOTICE_DAYS): the new cycle is due when the validity ends, and the
    person's enrolment restarts. Idempotent: each renewal happens in its own transaction under a row lock.
    Returns the number of cycles opened."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.COMPLIANCE_RENEWAL_NOTICE_DAYS)
    candidates = Obligation.objects.filter(
        is_current=True,
        exempt_at__isnull=True,
        valid_until__isnull=False,
        valid_until__lte=horizon,
        assignment__withdrawn_at__isnull=True,
    ).values_list("pk", flat=True)[:limit]
    opened = 0
    for pk in list(candidates):
        with transaction.atomic():
            row = (
                Obligation.objects.select_for_update()
                .filter(pk=pk, is_current=True, valid_until__isnull=False)
                .first()
            )
            if row is None:
                continue
            Obligation.objects.filter(pk=row.pk).update(is_current=False)
            due_at = max(row.valid_until, now)
            renewed = Obligation.objects.create(
                assignment_id=row.assignment_id,
                user_id=row.user_id,
                course_id=row.course_id,
                unit_id=row.unit_id,
                cycle=row.cycle + 1,
                opened_at=now,
                due_at=due_at,
            )
            ObligationSource.objects.bulk_create(
                [
                    ObligationSource(obligation=renewed, assignment_id=aid, opened_at=now, due_at=due_at)
                    for aid in row.sources.filter(closed_at__isnull=True).values_list(
                        "assignment_id", flat=True
                    )
                ]
            )
            enrolment = Enrolment.objects.filter(user_id=row.user_id, course_id=row.course_id).first()
            if enrolment is not None:  # the new cycle is redone: earlier results no longer count
                enrolment_restart(enrolment=enrolment, redo_from=now)
            opened += 1
    return opened
