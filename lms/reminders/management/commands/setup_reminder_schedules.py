"""Create the Celery beat schedules of reminders and renewals (django-celery-beat), idempotently.

- "reminders.sweep" every 15 minutes (IntervalSchedule);
- "compliance.renewals" daily at 06:00 Asia/Ho_Chi_Minh (CrontabSchedule with its time zone), when the task
  lms.compliance.tasks.renewals_open_task exists;
- "compliance.dashboard_figures" every 10 minutes: the HR dashboard's figures counted again
  (lms.compliance.tasks.dashboard_figures_refresh_task), when the task exists.
- "learning.completions" every 5 minutes: announces again the course completions whose after-commit task was
  lost (lms.learning.tasks.course_completions_catch_up_task; certificates and mandatory training follow).
- "skills.map_figures" every 10 minutes: the skills map counted again for the large maps that read it "as of"
  (lms.skills.tasks.map_snapshot_refresh_task), when the task exists.

A schedule that already exists is left exactly as it is — enabled or not, whatever interval or time an
administrator gave it in the admin — so running the command again (every deploy, every load_demo) never
undoes an administrator's choice. Only missing schedules are created. To stop a schedule, disable it in the
admin: a deleted one comes back the next time the command runs.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

SWEEP_NAME = "reminders.sweep"
SWEEP_TASK = "reminders.sweep"
SWEEP_MINUTES = 15
RENEWALS_NAME = "compliance.renewals"
RENEWALS_HOUR = 6
FIGURES_NAME = "compliance.dashboard_figures"
FIGURES_MINUTES = 10
COMPLETIONS_NAME = "learning.completions"
COMPLETIONS_MINUTES = 5
SKILLS_MAP_NAME = "skills.map_figures"
SKILLS_MAP_MINUTES = 10


def _task_name(module: str, attribute: str) -> str | None:
    """The Celery name of a task if the code defines it, else None."""
    try:
        task = getattr(importlib.import_module(module), attribute, None)
    except ImportError:
        return None
    return getattr(task, "name", None)


def _every_minutes(outcome: dict, *, name: str, task: str | None, minutes: int, description) -> None:
    """One interval schedule, created unless it exists (then kept as it is) or its task is missing."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if PeriodicTask.objects.filter(name=name).exists():
        outcome[name] = "kept"
    elif task is None:
        outcome[name] = "missing task"
    else:
        interval, _created = IntervalSchedule.objects.get_or_create(
            every=minutes, period=IntervalSchedule.MINUTES
        )
        PeriodicTask.objects.create(
            name=name, task=task, interval=interval, enabled=True, description=str(description)
        )
        outcome[name] = "created"


@transaction.atomic
def schedules_setup() -> dict[str, str]:
    """Returns what happened to each schedule: "created", "kept" or "missing task"."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    outcome: dict[str, str] = {}
    with translation.override(settings.LANGUAGE_CODE):
        _every_minutes(
            outcome,
            name=SWEEP_NAME,
            task=_task_name("lms.reminders.tasks", "sweep") or SWEEP_TASK,
            minutes=SWEEP_MINUTES,
            description=_(
                "Reminders: plan and send the reminders that are due (assignment notices, due soon, due "
                "today, overdue, recertification, completion, weekly digests)."
            ),
        )

        renewals_task = _task_name("lms.compliance.tasks", "renewals_open_task")
        if PeriodicTask.objects.filter(name=RENEWALS_NAME).exists():
            outcome[RENEWALS_NAME] = "kept"
        elif renewals_task is None:
            outcome[RENEWALS_NAME] = "missing task"
        else:
            crontab, _created = CrontabSchedule.objects.get_or_create(
                minute="0",
                hour=str(RENEWALS_HOUR),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
            PeriodicTask.objects.create(
                name=RENEWALS_NAME,
                task=renewals_task,
                crontab=crontab,
                enabled=True,
                description=_(
                    "Mandatory training: open the next cycle of completions whose validity is ending."
                ),
            )
            outcome[RENEWALS_NAME] = "created"

        _every_minutes(
            outcome,
            name=FIGURES_NAME,
            task=_task_name("lms.compliance.tasks", "dashboard_figures_refresh_task"),
            minutes=FIGURES_MINUTES,
            description=_(
                "HR dashboard: count the figures of every unit again (large dashboards show them "
                "as of that moment)."
            ),
        )
        _every_minutes(
            outcome,
            name=COMPLETIONS_NAME,
            task=_task_name("lms.learning.tasks", "course_completions_catch_up_task"),
            minutes=COMPLETIONS_MINUTES,
            description=_(
                "Course completions: issue the certificate and update mandatory training for completions "
                "whose follow-up task was lost."
            ),
        )
        _every_minutes(
            outcome,
            name=SKILLS_MAP_NAME,
            task=_task_name("lms.skills.tasks", "map_snapshot_refresh_task"),
            minutes=SKILLS_MAP_MINUTES,
            description=_(
                "Skills map: count the figures of every unit again (large maps show them as of that moment)."
            ),
        )
    return outcome


class Command(BaseCommand):
    help = (
        "Create the periodic schedules of reminders (every 15 minutes), renewals (daily at 06:00 "
        "Asia/Ho_Chi_Minh), the HR dashboard's figures and the skills map's (every 10 minutes) and the "
        "catch-up of course completions (every 5 minutes) if they are missing. Existing schedules are never "
        "changed."
    )

    def handle(self, *args, **options):
        for name, state in schedules_setup().items():
            if state == "created":
                self.stdout.write(self.style.SUCCESS(f"Schedule {name}: created."))
            elif state == "kept":
                self.stdout.write(f"Schedule {name}: exists, left as it is.")
            else:
                self.stdout.write(
                    self.style.WARNING(f"Schedule {name}: its task does not exist; not created.")
                )
