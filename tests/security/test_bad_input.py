"""Issue 11, defect 7: bad input is refused (400, 404 or a form error), never a server error.

Every case the security review named: a question id that is not a number on the quiz answer endpoint, ids
beyond 64 bits in addresses and forms (SQLite turns them into OverflowError on pages and foreign keys), and a
due date in year 1 on the HR report and its exports. The fuzz test (test_fuzz.py) looks for the ones nobody
named yet.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonPage, ModulePage
from lms.compliance.models import Assignment
from lms.compliance.services import assignment_create
from lms.learning.models import Enrolment
from lms.learning.services import enrolment_create
from lms.quiz.models import Attempt, AttemptAnswer
from lms.reminders.models import Reminder
from tests.builders import make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org
from tests.quiz_builders import make_question, make_quiz, quiz_block

pytestmark = pytest.mark.django_db

HUGE = str(2**63)  # one more than the largest signed 64-bit integer
QUESTION_REFUSED = "Câu hỏi này không thuộc lần làm bài của bạn."


@pytest.fixture
def world(catalogue):
    org = make_org()
    admin = make_admin_user()
    hr = make_hr(org.ward_a)
    person = make_official(org.ward_a, name="Nguyễn Thị Học Viên")
    course = make_course(catalogue, modules=1, lessons_per_module=1)
    question = make_question("single")
    quiz = make_quiz([question], answers_at_end=True)
    module = ModulePage.objects.child_of(course).first()
    lesson = module.add_child(instance=LessonPage(title="Kiểm tra", slug="kiem-tra", body=quiz_block(quiz)))
    enrolment_create(user=person.user, course=course)
    due = timezone.localdate() + timedelta(days=20)
    assignment = assignment_create(by=admin, course=course, unit=org.ward_a, due_date=due)
    return {
        "org": org,
        "admin": admin,
        "hr": hr,
        "person": person,
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "question": question,
        "assignment": assignment,
    }


def started_attempt(client, world) -> Attempt:
    client.force_login(world["person"].user)
    client.post(reverse("lesson_quiz:start", args=[world["lesson"].pk, world["quiz"].pk]))
    return Attempt.objects.get(user=world["person"].user)


# The quiz answer endpoint ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["abc", "1.5", "\x00", "1\x00", "-1", HUGE, "١٢", ""])
def test_a_bad_question_id_is_a_400_with_a_vietnamese_message(client, world, question):
    attempt = started_attempt(client, world)
    url = reverse("lesson_quiz:answer", args=[attempt.pk])

    page = client.post(url, {"question": question, "choice": "1"})
    fetched = client.post(url, {"question": question, "choice": "1"}, HTTP_X_REQUESTED_WITH="fetch")

    assert page.status_code == 400
    assert QUESTION_REFUSED in page.content.decode()
    assert fetched.status_code == 400
    assert json.loads(fetched.content) == {"ok": False, "message": QUESTION_REFUSED}
    assert not AttemptAnswer.objects.exists()


def test_a_good_answer_is_still_saved_as_quiz_js_sends_it(client, world):
    attempt = started_attempt(client, world)
    answer = world["question"].answers.get(correct=True)

    response = client.post(
        reverse("lesson_quiz:answer", args=[attempt.pk]),
        {"question": str(world["question"].pk), "number": "1", "choice": str(answer.pk)},
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 200 and json.loads(response.content)["ok"] is True
    assert AttemptAnswer.objects.get(attempt=attempt).question_id == world["question"].pk


@pytest.mark.parametrize("go", ["abc", "1\n2", "0", HUGE])
def test_a_damaged_page_number_only_loses_the_page_to_go_to(client, world, go):
    attempt = started_attempt(client, world)

    response = client.post(
        reverse("lesson_quiz:answer", args=[attempt.pk]),
        {"question": world["question"].pk, "choice": world["question"].answers.first().pk, "go": go},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("lesson_quiz:take", args=[attempt.pk])
    assert AttemptAnswer.objects.filter(attempt=attempt).exists()


# Ids beyond 64 bits in addresses ---------------------------------------------------------------------------

HUGE_ID_URLS = [
    ("learner", "post", "learning:enrol", lambda w: [HUGE]),
    ("learner", "post", "learning:lesson_complete", lambda w: [HUGE]),
    ("learner", "post", "lesson_quiz:start", lambda w: [HUGE, w["quiz"].pk]),
    ("learner", "post", "lesson_quiz:start", lambda w: [w["lesson"].pk, HUGE]),
    ("learner", "get", "lesson_quiz:take", lambda w: [HUGE]),
    ("learner", "get", "reminders:open", lambda w: [HUGE]),
    ("hr", "get", "compliance_reports:person", lambda w: [HUGE]),
    ("hr", "get", "compliance_reports:person_pdf", lambda w: [HUGE]),
    ("hr", "get", "compliance_reports:unit", lambda w: [HUGE]),
    ("hr", "get", "compliance_reports:export_csv", lambda w: [HUGE]),
    ("hr", "get", "compliance_assignments:detail", lambda w: [HUGE]),
    ("hr", "post", "compliance_assignments:exempt", lambda w: [HUGE]),
    ("admin", "post", "people_admin:unit_move", lambda w: [HUGE]),
    ("admin", "get", "certificates_admin:revoke", lambda w: [HUGE]),
    ("admin", "get", "quiz_marking:mark", lambda w: [HUGE]),
]


def url_with(name: str, args: list) -> str:
    """The address with these arguments, built from a valid one (reverse refuses what the route refuses)."""
    placeholders = [10**17 + i for i in range(len(args))]
    url = reverse(name, args=placeholders)
    for placeholder, value in zip(placeholders, args, strict=True):
        url = url.replace(str(placeholder), str(value), 1)
    return url


@pytest.mark.parametrize(
    ("role", "method", "name", "args"),
    HUGE_ID_URLS,
    ids=[f"{n}-{i}" for i, (_r, _m, n, _a) in enumerate(HUGE_ID_URLS)],
)
def test_an_id_beyond_64_bits_in_an_address_is_a_404(client, world, role, method, name, args):
    user = {"learner": world["person"].user, "hr": world["hr"], "admin": world["admin"]}[role]
    client.force_login(user)

    # An address without a trailing slash may first be redirected to one (APPEND_SLASH), then found nowhere.
    response = getattr(client, method)(url_with(name, args(world)), follow=True)

    assert response.status_code == 404


def test_an_id_of_18_digits_is_an_ordinary_not_found(client, world):
    client.force_login(world["person"].user)

    response = client.post(reverse("learning:enrol", args=[10**18 - 1]))

    assert response.status_code == 404
    assert not Enrolment.objects.filter(course_id=10**18 - 1).exists()


# Ids beyond 64 bits in forms -------------------------------------------------------------------------------


def test_send_again_with_an_id_beyond_64_bits_is_an_empty_selection(client, world):
    client.force_login(world["admin"])

    for response in (
        client.get(reverse("reminders_admin:retry"), {"ids": HUGE}),
        client.post(reverse("reminders_admin:retry"), {"ids": [HUGE, "1"]}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("reminders_admin:index") + "?state=failed"
    assert not Reminder.objects.exists()


def test_a_nudge_with_an_id_beyond_64_bits_is_refused_with_a_message(client, world):
    client.force_login(world["hr"])

    response = client.post(
        reverse("reminders_admin:nudge_confirm"), {"obligations": [HUGE], "confirm": "1"}, follow=True
    )

    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ" in response.content.decode()
    assert not Reminder.objects.filter(kind="nudge").exists()


@pytest.mark.parametrize("field", ["course", "unit", "position"])
def test_the_assignment_form_with_an_id_beyond_64_bits_is_a_form_error(client, world, field):
    client.force_login(world["hr"])
    data = {
        "course": world["course"].pk,
        "target": "unit",
        "unit": world["org"].ward_a.pk,
        "due_kind": "fixed",
        "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        field: HUGE,
    }

    response = client.post(reverse("compliance_assignments:create"), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Assignment.objects.count() == 1


# Dates out of range ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("due_from", ["0001-01-01", "01/01/0001", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_due_date_filter_out_of_range_is_a_form_error_on_the_report(client, world, due_from):
    client.force_login(world["hr"])

    response = client.get(
        reverse("compliance_reports:unit", args=[world["org"].ward_a.pk]), {"due_from": due_from}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["due_from"] == ["Nhập một ngày từ 01/01/2000 đến 31/12/2100."]
    assert response.context["filters"].due_from is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("params", [{"due_from": "0001-01-01"}, {"due_to": "31/12/9999"}])
def test_an_export_with_a_due_date_out_of_range_is_refused_not_emptied(client, world, fmt, params):
    client.force_login(world["hr"])

    response = client.get(reverse(f"compliance_reports:export_{fmt}", args=[world["org"].ward_a.pk]), params)

    assert response.status_code == 400
    assert "Nhập một ngày từ 01/01/2000 đến 31/12/2100." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_an_export_with_dates_in_range_still_has_its_rows(client, world):
    client.force_login(world["hr"])
    today = timezone.localdate()

    response = client.get(
        reverse("compliance_reports:export_csv", args=[world["org"].ward_a.pk]),
        {"due_from": today.isoformat(), "due_to": (today + timedelta(days=60)).strftime("%d/%m/%Y")},
    )

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "Nguyễn Thị Học Viên" in text


def test_an_assignment_due_after_2100_is_a_form_error(client, world):
    client.force_login(world["hr"])

    response = client.post(
        reverse("compliance_assignments:create"),
        {
            "course": world["course"].pk,
            "target": "unit",
            "unit": world["org"].ward_a.pk,
            "due_kind": "fixed",
            "due_date": "9999-12-31",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == ["Nhập một ngày từ 01/01/2000 đến 31/12/2100."]


# Found by the fuzz test ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "back", ["0", "officials", "people_admin:units", "https://evil.example/", "//evil.example/"]
)
def test_sending_the_welcome_email_with_a_bad_return_address_goes_back_to_the_officials(client, world, back):
    client.force_login(world["admin"])

    response = client.post(
        reverse("people_admin:official_welcome", args=[world["person"].pk]), {"next": back}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("people_admin:officials")


def test_sending_the_welcome_email_returns_to_a_page_of_the_site(client, world):
    client.force_login(world["admin"])
    back = reverse("people_admin:officials") + "?q=Nguy%E1%BB%85n"

    url = reverse("people_admin:official_welcome", args=[world["person"].pk])

    response = client.post(url, {"next": back})

    assert response["Location"] == back


@pytest.mark.parametrize("parent", ["²", "١٢", HUGE, "abc"])
def test_adding_a_unit_with_a_bad_parent_in_the_address_shows_the_empty_form(client, world, parent):
    client.force_login(world["admin"])

    response = client.get(reverse("people_admin:unit_add"), {"parent": parent})

    assert response.status_code == 200
    assert response.context["form"]["parent"].value() is None
