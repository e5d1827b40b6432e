from django.core.management import call_command
from playwright.sync_api import expect

from courses.models import CoursePage, LessonPage
from lms.learning.models import LessonCompletion
from lms.learning.services import enrolment_create
from lms.people.models import User
from lms.quiz.models import Attempt, AttemptAnswer
from tests.e2e.quiz_helpers import answer_all, submit
from tests.e2e.test_learner_path import log_in


def test_learner_reloads_mid_quiz_keeps_the_answers_passes_and_the_lesson_completes(
    live_server, transactional_db, page, screenshot
):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    course = CoursePage.objects.get(slug="chuyen-doi-so-cho-can-bo-phuong-xa")
    enrolment_create(user=User.objects.get(username="hocvien"), course=course)
    lesson = (
        LessonPage.objects.descendant_of(course).filter(slug__startswith="kiem-tra").order_by("path").first()
    )
    log_in(page, live_server)
    page.goto(live_server.url + lesson.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    attempt = Attempt.objects.get(user__username="hocvien")
    half = len(attempt.question_ids) // 2

    answer_all(page, attempt, stop=half)
    page.reload()

    expect(page.locator(".quiz-nav a.is-answered")).to_have_count(half)
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == half
    page.goto(page.url.split("?")[0] + "?cau=1")
    expect(page.locator("form.quiz-question input[type=radio]").first).to_be_disabled()
    expect(page.locator("form.quiz-question input:checked").first).to_be_checked()
    screenshot("10-quiz-after-reload")

    answer_all(page, attempt, start=half)
    submit(page)

    expect(page.locator(".result-verdict")).to_contain_text("Đạt")
    screenshot("11-quiz-result")
    page.get_by_role("link", name="Quay lại bài học").first.click()
    expect(page.get_by_text("Bạn đã hoàn thành bài học này.")).to_be_visible()
    assert LessonCompletion.objects.filter(
        enrolment__user__username="hocvien", lesson=lesson, source="quiz"
    ).exists()
