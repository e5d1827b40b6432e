"""Writing to the audit trail. Call inside the transaction of the action, so both land or neither does."""

from django.conf import settings
from django.db import models
from django.utils import translation

from lms.people.models import OrgUnit

from . import context
from .models import AuditEntry


def _plain(value):
    """A JSON-safe, readable form of a changed value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_repr: str = "",
    unit: OrgUnit | None = None,
    changes: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry. The actor and address default to those of the request being served.

    `changes` maps a field to [old, new], or holds details of the action ({"reason": …, "rows": 12});
    `unit` is the unit the entry concerns, which decides which HR managers see it.
    """
    request_actor, request_ip = context.current()
    if actor is None:
        actor = request_actor
    if ip_address is None:
        ip_address = request_ip
    # Translatable texts are kept in the platform's language, whatever the language of the screen.
    with translation.override(settings.LANGUAGE_CODE):
        entry = AuditEntry(
            action=action,
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            actor_name=(actor.get_full_name() if actor is not None else "")[:200],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=(str(object_repr) or (str(obj) if obj is not None else ""))[:300],
            unit_path=unit.path if unit is not None else "",
            unit_name=unit.name[:200] if unit is not None else "",
            changes=_plain(changes or {}),
            ip_address=ip_address,
        )
    entry.save()
    return entry
