"""Reminders: what people change themselves — email preferences, the unsubscribe link, reading notifications
— and the app's error. Planning and claiming reminders is lms.reminders.scheduling; sending them,
lms.reminders.delivery."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.errors import UserError

from .models import MANDATORY_KINDS, OPTIONAL_KINDS, Kind, Notification, Preference


class ReminderError(UserError):
    """A request this app's rules refuse."""


def preference_update(*, user, muted_kinds, mandatory_in_digest: bool) -> Preference:
    """Save what a person wants by email. Only optional kinds can be turned off; mandatory notices can be
    moved into the weekly digest instead."""
    muted = set(muted_kinds)
    unknown = muted - set(Kind.values)
    if unknown:
        raise ReminderError(_("Unknown kind of notice: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    if muted & MANDATORY_KINDS:
        raise ReminderError(
            _("Mandatory notices cannot be turned off; they can be moved into the weekly digest instead.")
        )
    preference, _created = Preference.objects.update_or_create(
        user=user,
        defaults={
            "muted_kinds": [kind for kind in Kind.values if kind in muted],
            "mandatory_in_digest": bool(mandatory_in_digest),
        },
    )
    return preference


@dataclass(frozen=True)
class Unsubscribed:
    kind: str
    muted: bool  # True: the optional kind is turned off; False: mandatory notices go into the digest
    changed: bool  # False when the preference already said so


def unsubscribe_apply(*, user_id: int, kind: str) -> Unsubscribed:
    """What an unsubscribe link does for its person: an optional kind is turned off; a mandatory kind cannot
    be silenced, so mandatory notices are moved into the weekly digest."""
    if kind not in Kind.values:
        raise ReminderError(_("This unsubscribe link is not valid."))
    with transaction.atomic():
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise ReminderError(_("This unsubscribe link belongs to an account that no longer exists."))
        preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
        if kind in OPTIONAL_KINDS:
            if kind in preference.muted_kinds:
                return Unsubscribed(kind=kind, muted=True, changed=False)
            preference.muted_kinds = [k for k in Kind.values if k in {*preference.muted_kinds, kind}]
            preference.save(update_fields=["muted_kinds", "updated_at"])
            return Unsubscribed(kind=kind, muted=True, changed=True)
        if preference.mandatory_in_digest:
            return Unsubscribed(kind=kind, muted=False, changed=False)
        preference.mandatory_in_digest = True
        preference.save(update_fields=["mandatory_in_digest", "updated_at"])
        return Unsubscribed(kind=kind, muted=False, changed=True)


def notification_read(*, user, notification_id: int, now: datetime | None = None) -> Notification | None:
    """Mark one of the person's notifications read (someone else's is None) and return it."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_read_all(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
