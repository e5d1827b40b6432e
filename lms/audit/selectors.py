"""Reading the audit trail: administrators see everything, HR managers the entries of their units."""

from django.db.models import QuerySet

from lms.people.models import OrgUnit
from lms.people.scope import scope_for

from .models import AuditEntry


def entries_visible(viewer) -> QuerySet[AuditEntry]:
    scope = scope_for(viewer)
    if scope.everything:
        return AuditEntry.objects.all()
    if not scope.paths:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(scope.unit_q("unit_path")).exclude(unit_path="")


def person_unit(user) -> OrgUnit | None:
    """The unit of a person's official record (for entries about them), None for an account without one.

    Lets apps that must not import `people` (the quiz engine) give their entries the unit HR managers see."""
    if user is None or getattr(user, "pk", None) is None:
        return None
    return OrgUnit.objects.filter(officials__user_id=user.pk).first()
