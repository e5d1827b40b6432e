"""“My mandatory training” (/bat-buoc/): the person's own obligations with status, due date and reason."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create, obligation_exempt
from lms.learning.services import progress_record
from tests.builders import after_commit, lessons_of, make_course
from tests.org_builders import make_official

pytestmark = pytest.mark.django_db

URL = "/bat-buoc/"


@pytest.fixture
def person(org):
    return make_official(org.ward_a, name="Phạm Thị Học Viên")


@pytest.fixture
def person_client(client, person):
    client.force_login(person.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/login/")


def test_nothing_assigned_shows_the_empty_state(person_client):
    response = person_client.get(URL)
    assert response.status_code == 200 and b'id="no-obligations"' in response.content


def test_each_status_with_its_date_reason_and_course_link(org, hr, person, person_client, catalogue):
    overdue_course = make_course(catalogue, title="Khóa quá hạn")
    done_course = make_course(catalogue, title="Khóa đã xong")
    exempt_course = make_course(catalogue, title="Khóa được miễn")
    started_course = make_course(catalogue, title="Khóa đang học")
    past = timezone.now() - timedelta(days=40)
    assignment_create(by=hr, course=overdue_course, unit=org.ward_a, due_days=30, now=past)
    assignment_create(by=hr, course=done_course, unit=org.ward_a, due_days=30, validity_months=12)
    exempt = assignment_create(by=hr, course=exempt_course, unit=org.ward_a, due_days=30)
    assignment_create(by=hr, course=started_course, unit=org.ward_a, due_days=30)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(done_course):
            progress_record(user=person.user, lesson=lesson, source="manual")
    progress_record(user=person.user, lesson=lessons_of(started_course)[0], source="manual")
    obligation_exempt(
        by=hr, obligation=Obligation.objects.get(assignment=exempt, user=person.user), reason="Đã học ở Sở"
    )

    response = person_client.get(URL)
    content = response.content.decode()

    statuses = {o.course_id: o.pk for o in Obligation.objects.filter(user=person.user, is_current=True)}
    expected = {
        overdue_course: "overdue",
        done_course: "completed",
        exempt_course: "exempt",
        started_course: "in_progress",
    }
    for course, status in expected.items():
        assert f'data-obligation="{statuses[course.pk]}" data-status="{status}"' in content
    assert 'id="late-summary"' in content
    assert f'href="{overdue_course.url}"' in content and f'href="{started_course.url}"' in content
    assert "10 days late" in content and "Đã học ở Sở" in content
    assert hr.get_full_name() in content and org.ward_a.name in content
    # Late first, then by due date; what is completed or exempt comes last.
    assert content.index("Khóa quá hạn") < content.index("Khóa đang học") < content.index("Khóa đã xong")
    overdue_due = timezone.localdate(past) + timedelta(days=30)
    assert overdue_due.strftime("%d/%m/%Y") in content or overdue_due.strftime("%m/%d/%Y") in content


def test_only_the_persons_own_obligations(org, hr, person, person_client, course):
    colleague = make_official(org.ward_a, name="Đồng Nghiệp Khác")
    assignment_create(by=hr, course=course, user=colleague.user, due_days=10)
    response = person_client.get(URL)
    assert b'id="no-obligations"' in response.content
    assert "Đồng Nghiệp Khác".encode() not in response.content


def test_the_page_costs_the_same_for_1_or_4_obligations(org, hr, person, person_client, catalogue):
    assignment_create(by=hr, course=make_course(catalogue), unit=org.ward_a, due_days=10)
    person_client.get(URL)  # the first request also loads the site, once per process
    with CaptureQueriesContext(connection) as few:
        person_client.get(URL)
    for _ in range(3):
        assignment_create(by=hr, course=make_course(catalogue), unit=org.ward_a, due_days=10)
    with CaptureQueriesContext(connection) as many:
        response = person_client.get(URL)
    assert response.content.count(b'class="card obligation-card') == 4
    assert len(many) == len(few)


def test_my_learning_links_to_it(person_client):
    response = person_client.get("/hoc-tap-cua-toi/")
    assert f'href="{URL}" id="my-mandatory-training-link"'.encode() in response.content


def test_it_links_to_the_persons_training_record(person_client):
    page = person_client.get(URL).content.decode()

    assert 'id="my-training-record-link"' in page
    response = person_client.get("/dao-tao/ho-so-dao-tao.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_site_header_links_to_it(person_client):
    page = person_client.get("/hoc-tap-cua-toi/").content.decode()

    assert '<a href="/bat-buoc/" id="header-mandatory-training">' in page
