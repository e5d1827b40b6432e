"""Writing a checked officials import: all rows or none, through the services, with the audit trail."""

from django.db import transaction

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record

from ..models import Official, OrgUnit
from ..services import official_deactivate, official_save, official_welcome_email_queue
from .results import Action, ImportRejected, ImportResult, ParsedImport


def _common_unit(units: list[OrgUnit]) -> OrgUnit | None:
    """The lowest unit above (or equal to) all of these, for the import's audit entry; None if none."""
    paths = [u.path for u in units]
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix[: len(prefix) - len(prefix) % OrgUnit.steplen]
    return OrgUnit.objects.filter(path=prefix).first() if prefix else None


@transaction.atomic
def officials_import(*, parsed: ParsedImport) -> ImportResult:
    """Write a checked file: all rows or none. New accounts get their set-your-password email after commit.

    An existing account's new email is not written: it waits for the new address to confirm it
    (`services.email_change_request`, through official_save). The audit trail gets an entry per official
    changed and one for the import, under the lowest unit that holds every official it touched.
    """
    if not parsed.ok:
        raise ImportRejected(parsed.errors)
    by = parsed.viewer
    created: list[Official] = []
    touched: list[OrgUnit] = []
    updated = unchanged = 0
    for row in parsed.rows:
        if row.action == Action.UNCHANGED:
            unchanged += 1
            continue
        target = row.target
        official, was_created = official_save(
            employee_code=target["employee_code"],
            full_name=target["full_name"],
            unit=target["unit"],
            position=target["position"],
            email=target["email"],
            phone=target["phone"],
            is_unit_head=target["is_unit_head"],
            is_active=target["is_active"],
            by=by,
        )
        touched.append(target["unit"])
        if row.official is not None:
            touched.append(row.official.unit)
        if was_created:
            created.append(official)
        else:
            updated += 1
    for official in parsed.leavers:
        official_deactivate(official=official, by=by)
        touched.append(official.unit)
    welcome = [o.user_id for o in created if o.user.email and o.user.is_active]
    official_welcome_email_queue(user_ids=welcome)
    result = ImportResult(
        created=created,
        updated=updated,
        unchanged=unchanged,
        deactivated=len(parsed.leavers),
        emails_queued=len(welcome),
        email_changes=parsed.email_changes,
    )
    if touched:
        audit_record(
            action=AuditEntry.Action.OFFICIALS_IMPORT,
            actor=by,
            object_repr=parsed.filename[:300],
            unit=_common_unit(touched),
            changes={
                "file": parsed.filename,
                "created": len(created),
                "updated": updated,
                "unchanged": unchanged,
                "deactivated": result.deactivated,
                "email_changes": result.email_changes,
            },
        )
    return result
