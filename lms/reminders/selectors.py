"""Reads for the notification centre, the preferences page, the weekly digest, the sweep and the reminders
admin."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lms import dates
from lms.compliance.models import Assignment, Obligation
from lms.compliance.selectors import obligations_visible
from lms.learning.selectors import trained_courses
from lms.people.models import Official
from lms.people.permissions import allows
from lms.people.scope import scope_for

from . import planning
from .models import OPTIONAL_KINDS, Kind, Notification, Preference, Reminder, SweepRun

# The notification centre ------------------------------------------------------------------------------


NUDGE = "reminders.nudge_people"
OPERATE = "reminders.operate_reminders"  # the reminder list, operations and templates


def notifications_for(user) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_for(user) -> Preference:
    """The stored preference, or the default one (nothing turned off, mandatory notices one by one)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def optional_kinds() -> list[Kind]:
    """The kinds a person may turn off, in the order of the kinds."""
    return [kind for kind in Kind if kind in OPTIONAL_KINDS]


def mandatory_kinds() -> list[Kind]:
    return [kind for kind in Kind if kind not in OPTIONAL_KINDS]


# Nudges -----------------------------------------------------------------------------------------------


def can_nudge(user) -> bool:
    """HR managers (and administrators) and the trainers of a course may remind people by hand: the
    permission, and units in scope or a course they train."""
    if not allows(user, NUDGE, units=False):
        return False
    return scope_for(user).manages_units or trained_courses(user).exists()


def obligations_nudgeable(viewer) -> QuerySet[Obligation]:
    """Open obligations the viewer may remind people of: those HR may see in their units
    (`compliance.selectors.obligations_visible`) and those of the courses the viewer trains."""
    trained = Obligation.objects.filter(is_current=True, course_id__in=trained_courses(viewer))
    reachable = (obligations_visible(viewer) | trained) if scope_for(viewer).manages_units else trained
    return reachable.filter(completed_at__isnull=True, exempt_at__isnull=True, user__is_active=True)


def nudge_candidates(viewer, *, now: datetime) -> QuerySet[Obligation]:
    """The people with open obligations the viewer may nudge (`obligations_nudgeable`), with `nudged_today`
    (a nudge already exists for today: another one would be refused), their person, unit and course joined
    in. Ordered by due date; one query per page."""
    return (
        obligations_nudgeable(viewer)
        .select_related("user", "unit", "course")
        .annotate(
            nudged_today=Exists(
                Reminder.objects.filter(
                    obligation=OuterRef("pk"), kind=Kind.NUDGE, offset=planning.nudge_day(now)
                )
            )
        )
        .order_by("due_at", "user__full_name", "pk")
    )


# Planning and the reminders admin -----------------------------------------------------------------------


def assignments_to_sweep() -> list[int]:
    """The assignments the sweep plans: not withdrawn, with someone's current obligation."""
    return list(
        Assignment.objects.filter(withdrawn_at__isnull=True, obligations__is_current=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def reminders_listed() -> QuerySet[Reminder]:
    """Every reminder for the administrators' list, newest first, with what its row shows joined in."""
    return Reminder.objects.select_related("recipient", "obligation__course", "created_by").order_by(
        "-created_at", "-pk"
    )


# The weekly digest ----------------------------------------------------------------------------------


def digest_rows(reminder: Reminder, *, now: datetime) -> list[dict]:
    """The lines of a person's weekly digest: the overdue people of the units they manage or head, and their
    own mandatory notices that they asked to receive in the digest."""
    user = reminder.recipient
    today = dates.today(now)
    late = Q(completed_at__isnull=True, exempt_at__isnull=True, due_at__lt=now)
    areas = Q(pk__in=[])
    scope = scope_for(user)
    if scope.manages_units:
        areas |= scope.unit_q("unit__path")
    head_of = Official.objects.filter(user=user, is_unit_head=True).select_related("unit").first()
    if head_of is not None:
        areas |= Q(unit__path__startswith=head_of.unit.path)
    overdue = (
        Obligation.objects.filter(late, areas, is_current=True, user__is_active=True)
        .select_related("user__official", "unit", "course")
        .order_by("unit__path", "due_at")[:500]
    )
    rows = [
        {
            "name": o.user.get_full_name(),
            "unit": o.unit.name,
            "course": o.course.title,
            "due": dates.date_vn(o.due_at),
            "days_late": (today - dates.local_date(o.due_at)).days,
            "email": o.user.email,
            "phone": getattr(getattr(o.user, "official", None), "phone", ""),
        }
        for o in overdue
    ]
    own = (
        Reminder.objects.filter(
            recipient=user, state=Reminder.State.DIGESTED, created_at__gte=now - timedelta(days=8)
        )
        .select_related("obligation__course")
        .order_by("created_at")
    )
    seen = set()
    for r in own:
        if r.obligation_id in seen or r.obligation is None or r.obligation.completed_at is not None:
            continue
        seen.add(r.obligation_id)
        rows.append(
            {
                "name": user.get_full_name(),
                "unit": "",
                "course": r.obligation.course.title,
                "due": dates.date_vn(r.obligation.due_at),
                "days_late": max(0, (today - dates.local_date(r.obligation.due_at)).days),
                "email": "",
                "phone": "",
            }
        )
    return rows


SWEEP_TASK = "reminders.sweep"
SWEEP_MINUTES = 15  # the default interval, when the schedule does not exist


def sweep_interval() -> timedelta:
    """The interval of the enabled sweep schedule (as an administrator may have edited it)."""
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(name=SWEEP_TASK).select_related("interval").first()
    if task is not None and task.interval is not None:
        return timedelta(seconds=task.interval.schedule.run_every.total_seconds())
    return timedelta(minutes=SWEEP_MINUTES)


@dataclass(frozen=True)
class BrokerQueue:
    length: int | None  # None: not available
    note: str = ""


def broker_queue(queue: str = "celery") -> BrokerQueue:
    """How many tasks wait in the default Celery queue, when the broker is Redis."""
    from lms.celery import app

    broker = app.conf.broker_url or ""
    if urlsplit(broker).scheme not in ("redis", "rediss"):
        return BrokerQueue(None, "broker")
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            channel = connection.default_channel
            # LLEN of the queue's list, and of the sibling lists kombu keeps for messages with a priority
            names = {channel._q_for_pri(queue, step) for step in channel.priority_steps}
            return BrokerQueue(sum(int(channel.client.llen(name)) for name in names))
    except Exception as exc:  # noqa: BLE001 — the status page reports it instead of failing
        return BrokerQueue(None, f"{type(exc).__name__}: {exc}"[:200])


@dataclass(frozen=True)
class OpsStatus:
    now: datetime
    last_sweep: SweepRun | None
    sweeps_24h: int
    interval: timedelta
    sweep_late: bool
    pending: int
    queued: int
    failed_24h: int
    failures: list[Reminder]
    failed_total: int
    broker: BrokerQueue


def ops_status(*, now: datetime | None = None, failures_shown: int = 20) -> OpsStatus:
    """The figures of the operations view; the failures are those of the last 24 hours, newest first."""
    now = now or timezone.now()
    since = now - timedelta(hours=24)
    last = SweepRun.objects.order_by("-started_at").first()
    interval = sweep_interval()
    pending = Reminder.objects.filter(state=Reminder.State.PENDING)
    failed_recent = Reminder.objects.filter(state=Reminder.State.FAILED, failed_at__gte=since)
    return OpsStatus(
        now=now,
        last_sweep=last,
        sweeps_24h=SweepRun.objects.filter(started_at__gte=since).count(),
        interval=interval,
        sweep_late=last is None or last.started_at < now - 2 * interval,
        pending=pending.filter(queued_at__isnull=True).count(),
        queued=pending.filter(queued_at__isnull=False).count(),
        failed_24h=failed_recent.count(),
        failures=list(
            failed_recent.select_related("recipient", "obligation__course").order_by("-failed_at", "-pk")[
                :failures_shown
            ]
        ),
        failed_total=Reminder.objects.filter(state=Reminder.State.FAILED).count(),
        broker=broker_queue(),
    )
