"""Reading the audit trail: administrators see everything, HR managers the entries of their units."""

from django.db.models import QuerySet

from lms.people.scope import scope_for

from .models import AuditEntry


def entries_visible(viewer) -> QuerySet[AuditEntry]:
    scope = scope_for(viewer)
    if scope.everything:
        return AuditEntry.objects.all()
    if not scope.paths:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(scope.unit_q("unit_path")).exclude(unit_path="")
