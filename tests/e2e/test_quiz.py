import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import CoursePage, LessonPage
from lms.learning.models import LessonCompletion
from lms.learning.services import enrolment_create
from lms.people.models import User
from lms.quiz.models import Attempt, AttemptAnswer, Question
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.quiz_helpers import answer_all, submit
from tests.e2e.test_h5p import log_in as log_in_as
from tests.e2e.test_learner_path import log_in
from tests.quiz_builders import correct_response, make_question, make_quiz, quiz_block


@pytest.fixture
def page(browser):
    """As tests/e2e/conftest.py's, with the site's service worker blocked: a page it controls sends its
    requests through it, past this page's routes (which stand for the server's errors here)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="vi-VN", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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


# Saving in the background (quizzes that show answers at the end): a refusal is explained and dropped, a
# server error keeps the answer and sends it again.

SAVED = "Đã lưu câu trả lời."
SIGNED_OUT = "Bạn đã đăng xuất nên câu trả lời này chưa được lưu. Hãy đăng nhập lại để tiếp tục."
REFUSED_403 = (
    "Câu trả lời này bị từ chối: trang đã cũ hoặc bạn không còn đăng nhập. Hãy tải lại trang và trả lời lại."
)
SERVER_ERROR = (
    "Chưa lưu: máy chủ tạm thời chưa lưu được câu trả lời. Hệ thống sẽ tự thử lưu lại sau giây lát."
)
CSRF_PAGE = (
    "<!doctype html><title>403 Forbidden</title><h1>Forbidden (403)</h1><p>CSRF verification failed.</p>"
)


def quiz_in_progress(page, live_server, *, username: str) -> tuple[Attempt, list[Question]]:
    """A learner signed in, on a quiz of two questions shown together whose answers are saved as they are
    chosen (answers shown at the end)."""
    course = make_course(make_catalogue(), modules=1, lessons_per_module=1)
    questions = [make_question("single"), make_question("single")]
    quiz = make_quiz(questions, answers_at_end=True, one_per_page=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = quiz_block(quiz)
    lesson.save()
    enrolment_create(user=UserFactory(username=username), course=course)
    log_in_as(page, live_server, username)
    page.goto(live_server.url + lesson.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("form.quiz-question")).to_have_count(2)
    return Attempt.objects.get(user__username=username), questions


def choose_correct(page, question: Question):
    """Choose the right answer, which quiz.js saves at once; returns the question's save status."""
    form = page.locator(f"form.quiz-question:has(input[name=question][value='{question.pk}'])")
    form.locator(f"input[name=choice][value='{correct_response(question)}']").check()
    return form.locator(".quiz-save-status")


def answer_url(live_server, attempt: Attempt) -> str:
    return live_server.url + reverse("lesson_quiz:answer", args=[attempt.pk])


def question_of(body: str) -> int:
    """The question id in a multipart body as quiz.js posts it (FormData)."""
    return int(re.search(r'name="question"\r\n\r\n(\d+)', body).group(1))


def test_an_answer_the_server_refuses_shows_its_reason_and_is_not_sent_again(
    live_server, transactional_db, page
):
    attempt, questions = quiz_in_progress(page, live_server, username="hocvien_dangxuat")
    url = answer_url(live_server, attempt)
    # The session ends (signed out in another tab, or by the idle timeout) while the quiz page stays open.
    page.context.clear_cookies(name="sessionid")
    posted = []
    page.on("request", lambda r: posted.append(question_of(r.post_data)) if r.url == url else None)

    with page.expect_response(url) as refused:
        status = choose_correct(page, questions[0])

    assert refused.value.status == 403
    expect(status).to_have_text(SIGNED_OUT)
    expect(status).to_have_class(re.compile(r"\bis-refused\b"))
    # Nothing waits to be sent again: the connection coming back would send it at once, before the answer to
    # the second question (refused the same way) goes out.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    with page.expect_response(url):
        second = choose_correct(page, questions[1])
    expect(second).to_have_text(SIGNED_OUT)
    expect(status).to_have_text(SIGNED_OUT)
    assert posted == [questions[0].pk, questions[1].pk]
    assert not AttemptAnswer.objects.exists()


def test_an_answer_refused_by_a_403_page_without_a_message_is_explained_and_not_kept(
    live_server, transactional_db, page
):
    attempt, questions = quiz_in_progress(page, live_server, username="hocvien_csrf")
    url = answer_url(live_server, attempt)
    # Django's CSRF failure page (or a proxy's): HTML, no message quiz.js could read.
    page.route(url, lambda route: route.fulfill(status=403, content_type="text/html", body=CSRF_PAGE))
    posted = []
    page.on("request", lambda r: posted.append(question_of(r.post_data)) if r.url == url else None)

    with page.expect_response(url):
        status = choose_correct(page, questions[0])

    expect(status).to_have_text(REFUSED_403)
    # Once the refusal is shown, a retry would go out at once when the connection returns; then the second
    # question is answered and saved: the only answers sent are the first one, once, and the second one.
    page.unroute(url)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    with page.expect_response(url) as saved:
        second = choose_correct(page, questions[1])
    assert saved.value.status == 200
    expect(second).to_have_text(SAVED)
    expect(status).to_have_text(REFUSED_403)
    assert posted == [questions[0].pk, questions[1].pk]
    assert list(AttemptAnswer.objects.values_list("question_id", flat=True)) == [questions[1].pk]


def test_an_answer_met_by_a_server_error_is_kept_and_saved_when_the_server_recovers(
    live_server, transactional_db, page
):
    attempt, questions = quiz_in_progress(page, live_server, username="hocvien_loi500")
    url = answer_url(live_server, attempt)
    page.route(
        url, lambda route: route.fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")
    )

    with page.expect_response(url) as failed:
        status = choose_correct(page, questions[0])

    assert failed.value.status == 500
    expect(status).to_have_text(SERVER_ERROR)
    assert not AttemptAnswer.objects.exists()
    page.unroute(url)
    # quiz.js tries again by itself after a pause (2 s, doubling while the server keeps failing).
    expect(status).to_have_text(SAVED, timeout=15_000)
    assert AttemptAnswer.objects.get(attempt=attempt).question_id == questions[0].pk
