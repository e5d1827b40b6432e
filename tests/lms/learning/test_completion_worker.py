"""The after-commit path with a real Celery worker on PostgreSQL and Redis: a learner's request completes the
course and commits; the commit queues the announcement on the broker (not eagerly, as the other tests run
tasks); a worker process issues the certificate, completes the mandatory training and confirms it in the app
within seconds; the same message delivered again changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from lms.certificates.models import Certificate
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.learning import services as learning
from lms.learning.models import Enrolment
from lms.reminders.models import Kind, Notification
from tests.builders import lessons_of, make_catalogue, make_course
from tests.lms.reminders.conftest import real_workers  # noqa: F401 — the fixture
from tests.lms.reminders.workers import wait_until
from tests.org_builders import make_hr, make_official, make_org

pytestmark = pytest.mark.worker


@pytest.fixture
def queued_on_the_test_broker(real_workers):  # noqa: F811
    """This process's Celery app publishes to the test's own queue instead of running tasks eagerly."""
    from lms.celery import app

    was = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = real_workers.broker.queue
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)
    try:
        yield real_workers
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = was
        for cached in ("queues", "router"):
            app.amqp.__dict__.pop(cached, None)


def test_a_real_worker_issues_the_certificate_after_the_commit_once(queued_on_the_test_broker):
    workers = queued_on_the_test_broker
    org = make_org()
    person = make_official(org.ward_a, name="Đỗ Thị Hoàn Thành").user
    course = make_course(make_catalogue(), modules=1, lessons_per_module=2)
    assignment_create(by=make_hr(org.ward_a), course=course, user=person, due_days=30)
    learning.enrolment_create(user=person, course=course)
    client = Client()
    client.force_login(person)
    workers.start("A")

    for lesson in lessons_of(course):  # the learner's own requests, each committed
        response = client.post(reverse("learning:lesson_complete", args=[lesson.pk]))
        assert response.status_code in (200, 302), response.status_code

    enrolment = Enrolment.objects.get(user=person)
    assert enrolment.completed_at is not None
    wait_until(
        lambda: Certificate.objects.filter(user=person).exists(),
        timeout=60,
        message="the worker did not issue the certificate",
    )
    wait_until(lambda: workers.broker.waiting() == 0, timeout=30, message=workers.broker.describe())
    enrolment.refresh_from_db()
    assert enrolment.completion_announced_at is not None
    assert Obligation.objects.get(user=person, is_current=True).completed_at == enrolment.completed_at
    wait_until(
        lambda: Notification.objects.filter(user=person, kind=Kind.COMPLETED).exists(),
        timeout=60,
        message="the worker did not confirm the completion in the app",
    )

    # The same message again (a redelivery): nothing more.
    completed_at = enrolment.completed_at.isoformat()
    workers.broker.send("learning.course_completion_announce", enrolment.pk, completed_at)
    wait_until(lambda: workers.broker.waiting() == 0, timeout=30, message=workers.broker.describe())
    assert Certificate.objects.filter(user=person).count() == 1
    assert Notification.objects.filter(user=person, kind=Kind.COMPLETED).count() == 1
