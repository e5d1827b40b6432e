"""Reads for the notification centre and the preferences page."""

from django.db.models import QuerySet

from .models import OPTIONAL_KINDS, Kind, Notification, Preference


def notifications_for(user) -> QuerySet[Notification]:
    """The person's notifications, newest first (without the bodies' reminders)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_of(user, pk: int) -> Notification | None:
    """One of the person's own notifications; someone else's is None, like one that does not exist."""
    return Notification.objects.filter(user=user, pk=pk).first()


def preference_for(user) -> Preference:
    """The stored preference, or the default one (nothing turned off, mandatory notices one by one)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def optional_kinds() -> list[Kind]:
    """The kinds a person may turn off, in the order of the kinds."""
    return [kind for kind in Kind if kind in OPTIONAL_KINDS]


def mandatory_kinds() -> list[Kind]:
    return [kind for kind in Kind if kind not in OPTIONAL_KINDS]
