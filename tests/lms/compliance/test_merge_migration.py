"""Migration compliance 0005 merges the duplicate obligations of a database made before one duty per
person, course and cycle, and reports each merge (issue 15, item 1)."""

import io
from contextlib import redirect_stdout
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lms.compliance.services import assignment_create
from tests.builders import make_course, wagtail_root_ensure
from tests.org_builders import make_admin_user, make_official, make_org

BEFORE = [("compliance", "0004_hr_permissions")]


@pytest.fixture(autouse=True)
def wagtail_root(transactional_db):
    """This test runs on a flushed database (transaction=True): Wagtail's root page is put back first."""
    wagtail_root_ensure()


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_duplicates_and_reports_them(catalogue):
    org = make_org()
    admin = make_admin_user("quantri_merge")
    person = make_official(org.ward_a, name="Nguyễn Văn Trùng").user
    other = make_official(org.ward_b, name="Trần Thị Một").user
    course = make_course(catalogue, title="Gộp nghĩa vụ", modules=1, lessons_per_module=1)
    city = assignment_create(by=admin, course=course, unit=org.city, due_days=40)
    assignment_create(by=admin, course=course, unit=org.ward_b, due_days=60)
    now = timezone.now()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([*BEFORE, ("reminders", "0004_hr_permissions")]).apps
    Obligation = old.get_model("compliance", "Obligation")
    Reminder = old.get_model("reminders", "Reminder")
    kept = Obligation.objects.get(user_id=person.pk)
    # What the old code made: a second obligation for the same person and course, from the ward's assignment,
    # due earlier, with a reminder of the same kind as one of the first obligation's, and one of its own.
    ward_a = old.get_model("compliance", "Assignment").objects.create(
        course_id=course.pk,
        unit_id=org.ward_a.pk,
        due_kind="relative",
        due_days=10,
        created_by_id=admin.pk,
    )
    duplicate = Obligation.objects.create(
        assignment_id=ward_a.pk,
        user_id=person.pk,
        course_id=course.pk,
        unit_id=org.ward_a.pk,
        due_at=now + timedelta(days=10),
        opened_at=now,
    )
    Reminder.objects.create(kind="assigned", recipient_id=person.pk, obligation_id=kept.pk, state="sent")
    Reminder.objects.create(kind="assigned", recipient_id=person.pk, obligation_id=duplicate.pk, state="sent")
    Reminder.objects.create(kind="due_soon", recipient_id=person.pk, obligation_id=duplicate.pk, offset=7)

    report = io.StringIO()
    call_command("compliance_duties_report", stdout=report)
    assert f"keep obligation {duplicate.pk}" in report.getvalue()  # due first: kept
    assert report.getvalue().strip().endswith(": 1")

    printed = io.StringIO()
    with redirect_stdout(printed):
        MigrationExecutor(connection).migrate(_latest())

    from lms.compliance.models import Obligation as Duty
    from lms.compliance.models import ObligationSource
    from lms.reminders.models import Reminder as Current

    assert f"kept obligation {duplicate.pk}" in printed.getvalue()
    assert "merged 1 duplicate obligations" in printed.getvalue()
    duty = Duty.objects.get(user=person)
    assert duty.pk == duplicate.pk and duty.is_current and duty.assignment_id == ward_a.pk
    assert set(ObligationSource.objects.filter(obligation=duty).values_list("assignment_id", flat=True)) == {
        city.pk,
        ward_a.pk,
    }
    assert Current.objects.filter(obligation=duty).count() == 2  # the clash was detached, kept as history
    assert Current.objects.filter(obligation__isnull=True, period__startswith="merged-").count() == 1
    # A person without duplicates keeps their one duty and gets its assignment as a source.
    assert Duty.objects.filter(user=other).count() == 1
    assert ObligationSource.objects.filter(obligation__user=other).count() == 1
    report = io.StringIO()
    call_command("compliance_duties_report", stdout=report)
    assert report.getvalue().strip().endswith(": 0")
