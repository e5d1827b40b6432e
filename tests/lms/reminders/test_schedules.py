"""manage.py setup_reminder_schedules: creates the sweep, renewals, completions, dashboard and skills map
schedules once, and never changes a schedule an administrator has edited."""

from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from lms.reminders.management.commands import setup_reminder_schedules as command

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("setup_reminder_schedules", stdout=out)
    return out.getvalue()


def test_creates_the_sweep_every_15_minutes_and_renewals_daily_at_6_in_ho_chi_minh_city():
    output = run()
    sweep = PeriodicTask.objects.get(name="reminders.sweep")
    assert sweep.task == "reminders.sweep"
    assert sweep.enabled
    assert (sweep.interval.every, sweep.interval.period) == (15, IntervalSchedule.MINUTES)
    assert sweep.crontab is None

    renewals = PeriodicTask.objects.get(name="compliance.renewals")
    assert renewals.task == "lms.compliance.tasks.renewals_open_task"
    assert renewals.enabled
    cron = renewals.crontab
    assert (cron.minute, cron.hour, cron.day_of_week, cron.day_of_month, cron.month_of_year) == (
        "0",
        "6",
        "*",
        "*",
        "*",
    )
    assert ZoneInfo(str(cron.timezone)) == ZoneInfo("Asia/Ho_Chi_Minh")
    assert "reminders.sweep: created" in output and "compliance.renewals: created" in output

    from lms.celery import app

    assert sweep.task in app.tasks and renewals.task in app.tasks  # beat would find both tasks


def test_creates_the_catch_up_of_course_completions_every_5_minutes():
    output = run()
    completions = PeriodicTask.objects.get(name="learning.completions")
    assert completions.task == "learning.course_completions_catch_up"
    assert completions.enabled
    assert (completions.interval.every, completions.interval.period) == (5, IntervalSchedule.MINUTES)
    assert "learning.completions: created" in output

    from lms.celery import app

    assert completions.task in app.tasks


def test_running_again_changes_nothing():
    run()
    before = (
        list(PeriodicTask.objects.order_by("pk").values()),
        IntervalSchedule.objects.count(),
        CrontabSchedule.objects.count(),
    )
    output = run()
    after = (
        list(PeriodicTask.objects.order_by("pk").values()),
        IntervalSchedule.objects.count(),
        CrontabSchedule.objects.count(),
    )
    assert after == before
    assert output.count("left as it is") == 5


def test_an_administrators_edits_are_kept():
    run()
    sweep = PeriodicTask.objects.get(name="reminders.sweep")
    sweep.enabled = False
    sweep.interval = IntervalSchedule.objects.create(every=30, period=IntervalSchedule.MINUTES)
    sweep.save()
    renewals = PeriodicTask.objects.get(name="compliance.renewals")
    renewals.crontab = CrontabSchedule.objects.create(minute="30", hour="5", timezone="Asia/Ho_Chi_Minh")
    renewals.save()

    run()
    sweep.refresh_from_db()
    renewals.refresh_from_db()
    assert sweep.enabled is False
    assert sweep.interval.every == 30
    assert (renewals.crontab.hour, renewals.crontab.minute) == ("5", "30")
    assert PeriodicTask.objects.count() == 5


def test_a_deleted_schedule_comes_back():
    run()
    PeriodicTask.objects.filter(name="reminders.sweep").delete()
    output = run()
    assert PeriodicTask.objects.filter(name="reminders.sweep", enabled=True).exists()
    assert "reminders.sweep: created" in output
    assert IntervalSchedule.objects.filter(every=15, period=IntervalSchedule.MINUTES).count() == 1


def test_the_renewals_schedule_waits_for_its_task(monkeypatch):
    real = command._task_name
    monkeypatch.setattr(
        command,
        "_task_name",
        lambda module, attribute: None if module == "lms.compliance.tasks" else real(module, attribute),
    )
    output = run()
    assert PeriodicTask.objects.filter(name="reminders.sweep").exists()
    assert not PeriodicTask.objects.filter(name="compliance.renewals").exists()
    assert "its task does not exist" in output


def test_task_names_come_from_the_code():
    assert command._task_name("lms.reminders.tasks", "sweep") == "reminders.sweep"
    assert command._task_name("lms.reminders.tasks", "no_such_task") is None
    assert command._task_name("lms.no_such_module", "x") is None


def test_load_demo_sets_the_schedules_up():
    call_command("load_demo", stdout=StringIO())
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= {
        "reminders.sweep",
        "compliance.renewals",
        "compliance.dashboard_figures",
        "learning.completions",
        "skills.map_figures",
    }


def test_creates_the_dashboard_figures_refresh_every_10_minutes():
    output = run()
    figures = PeriodicTask.objects.get(name="compliance.dashboard_figures")
    assert figures.task == "lms.compliance.tasks.dashboard_figures_refresh_task"
    assert figures.enabled
    assert (figures.interval.every, figures.interval.period) == (10, IntervalSchedule.MINUTES)
    assert "compliance.dashboard_figures: created" in output

    from lms.celery import app

    assert figures.task in app.tasks


def test_creates_the_skills_map_refresh_every_10_minutes():
    output = run()
    skills_map = PeriodicTask.objects.get(name="skills.map_figures")
    assert skills_map.task == "lms.skills.tasks.map_snapshot_refresh_task"
    assert skills_map.enabled
    assert (skills_map.interval.every, skills_map.interval.period) == (10, IntervalSchedule.MINUTES)
    assert "skills.map_figures: created" in output

    from lms.celery import app

    assert skills_map.task in app.tasks
