"""The status of an obligation, decided in one place: in Python for one row, as SQL filters for reports.

Order of precedence: exempt; completed (expired once its validity has run out); past due (overdue, or expired
for a recertification cycle: the earlier certificate has lapsed); in progress once a lesson was opened;
otherwise not started.
"""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    # A context of its own: Wagtail's workflows say "In progress" too, of a review ("Đang duyệt").
    IN_PROGRESS = "in_progress", pgettext_lazy("training status", "In progress")
    COMPLETED = "completed", _("Completed")
    OVERDUE = "overdue", _("Overdue")
    EXPIRED = "expired", _("Expired")
    EXEMPT = "exempt", _("Exempt")


# Statuses that need HR's attention, in reports and the overdue list.
LATE = (Status.OVERDUE, Status.EXPIRED)


def status_of(obligation, now: datetime) -> Status:
    if obligation.exempt_at is not None:
        return Status.EXEMPT
    if obligation.completed_at is not None:
        if obligation.valid_until is not None and obligation.valid_until <= now:
            return Status.EXPIRED
        return Status.COMPLETED
    if obligation.due_at < now:
        return Status.EXPIRED if obligation.cycle > 1 else Status.OVERDUE
    if obligation.started_at is not None:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def status_q(status: str, now: datetime, prefix: str = "") -> Q:
    """The rows with this status, as a filter (prefix: the relation to Obligation, e.g. "obligations__")."""

    def f(**kwargs) -> Q:
        return Q(**{prefix + k: v for k, v in kwargs.items()})

    not_exempt = f(exempt_at__isnull=True)
    open_ = not_exempt & f(completed_at__isnull=True)
    if status == Status.EXEMPT:
        return f(exempt_at__isnull=False)
    if status == Status.COMPLETED:
        still_valid = f(valid_until__isnull=True) | f(valid_until__gt=now)
        return not_exempt & f(completed_at__isnull=False) & still_valid
    if status == Status.EXPIRED:
        lapsed = f(completed_at__isnull=False) & f(valid_until__lte=now)
        renewal_late = f(completed_at__isnull=True) & f(due_at__lt=now) & f(cycle__gt=1)
        return not_exempt & (lapsed | renewal_late)
    if status == Status.OVERDUE:
        return open_ & f(due_at__lt=now) & f(cycle=1)
    if status == Status.IN_PROGRESS:
        return open_ & f(due_at__gte=now) & f(started_at__isnull=False)
    if status == Status.NOT_STARTED:
        return open_ & f(due_at__gte=now) & f(started_at__isnull=True)
    raise ValueError(status)
