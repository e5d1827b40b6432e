"""Both offline parts together in Chromium (issue 14, "Must show"): the service worker serves a downloaded
course, and the outbox keeps every action made without a connection until the server has it, once.

The connection is cut by routing every request of the context to an abort (the service worker's own fetches
included) and by telling the browser it is offline (offline_helpers.cut_connection).

Starting a quiz attempt needs the connection and is done before it is cut (docs/offline.md, "Offline
reading"): it is a POST that the server answers with the attempt's pages. The H5P activity comes with the
download (tests/e2e/test_offline_h5p.py plays one that was never opened online).
"""

import re

import pytest
from playwright.sync_api import expect

from courses.models import LessonPage
from lms.h5p.models import Activity, Statement
from lms.learning.models import LessonCompletion
from lms.learning.services import enrolment_create
from lms.quiz.models import AnswerReceipt, Attempt, AttemptAnswer
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.offline_helpers import cut_connection, log_in, restore_connection, wait_for_worker
from tests.e2e.outbox_helpers import form_of, start_quiz, waiting_h5p_statements
from tests.e2e.test_offline import download
from tests.h5p_builders import assert_player_assets_installed, h5p_block, store_package
from tests.quiz_builders import correct_response, make_question, make_quiz, quiz_block

ESSAY = "Hồ sơ điện tử được ký số trước khi gửi."
SAVED_ON_DEVICE = "Đã lưu trên máy: sẽ được gửi khi có kết nối trở lại."
NEEDS_CONNECTION = "Hoạt động tương tác này cần kết nối mạng để mở."
WAITING = re.compile(r"Đang ngoại tuyến — đã lưu trên máy \((\d+) mục chờ gửi\)")


@pytest.fixture(autouse=True)
def offline_site(settings):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    settings.OFFLINE_RELEASE = "release-1"
    expect.set_options(timeout=20_000)  # a shared, loaded machine: worker installs take their time
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def course_to_take(transactional_db, h5p_bytes):
    """Five lessons: 1 an H5P true/false activity, 2 a quiz with feedback after each answer (single choice,
    true/false), 3 a quiz with the answers at the end (multiple choice, short answer, essay), 4 and 5 text."""
    assert_player_assets_installed()
    version = store_package(h5p_bytes, title="Câu hỏi đúng sai")
    course = make_course(
        make_catalogue(), title="Học trọn khóa khi mất mạng", modules=1, lessons_per_module=5
    )
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    lessons[0].body = h5p_block(Activity.objects.get(pk=version.activity_id))
    feedback_questions = [make_question("single"), make_question("true_false")]
    at_end_questions = [make_question("multiple"), make_question("short"), make_question("essay")]
    quizzes = [
        make_quiz(feedback_questions, one_per_page=False, review=4),
        make_quiz(at_end_questions, one_per_page=False, answers_at_end=True, pass_mark=100),
    ]
    lessons[1].body = quiz_block(quizzes[0])
    lessons[2].body = quiz_block(quizzes[1])
    for lesson in lessons[:3]:
        lesson.save_revision().publish()
    learner = UserFactory(username="hocvien_tron_khoa", full_name="Người học trọn khóa")
    enrolment_create(user=learner, course=course)
    return learner, course, lessons, quizzes, feedback_questions, at_end_questions


def test_a_downloaded_course_taken_offline_reaches_the_server_once_with_the_right_progress(
    live_server, page, screenshot, course_to_take
):
    learner, course, lessons, quizzes, feedback_questions, at_end_questions = course_to_take
    multiple, short, essay = at_end_questions
    context = page.context
    log_in(page, live_server, learner.username)

    # Online: the attempts are started (a POST), then the course is downloaded with their pages.
    feedback_url = start_quiz(page, live_server, lessons[1])
    at_end_url = start_quiz(page, live_server, lessons[2])
    download(page, live_server, course)
    # The H5P lesson is opened while the connection holds: its player loads.
    page.goto(live_server.url + lessons[0].url)
    wait_for_worker(page)
    page.locator("iframe.h5p-player").scroll_into_view_if_needed()
    player = page.frame_locator("iframe.h5p-player")
    expect(player.get_by_text("Is this false?")).to_be_visible()

    cut_connection(context)

    # The activity is played offline: its statements wait in the outbox.
    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    activity_box = page.locator("[data-h5p-activity]")
    expect(activity_box.locator(".h5p-save-status")).to_have_text(
        activity_box.get_attribute("data-msg-offline")
    )
    statement_ids = {s["id"] for s in waiting_h5p_statements(page)}
    assert len(statement_ids) >= 2
    screenshot("offline-course-01-h5p-played-offline")

    # Opened again offline, the lesson's activity opens from the download (docs/offline.md, "H5P activities
    # offline"), never the message for an activity that was not downloaded.
    page.goto(live_server.url + lessons[0].url)
    expect(page.frame_locator("iframe.h5p-player").get_by_text("Is this false?")).to_be_visible()
    expect(page.locator("[data-h5p-activity].is-ready")).to_be_attached()
    expect(page.get_by_text(NEEDS_CONNECTION)).to_be_hidden()

    # Two lessons read offline (they came with the download); the second is marked as complete.
    page.goto(live_server.url + lessons[3].url)
    expect(page.get_by_text("BODY-4")).to_be_visible()
    page.goto(live_server.url + lessons[4].url)
    expect(page.get_by_text("BODY-5")).to_be_visible()
    page.get_by_role("button", name="Đánh dấu hoàn thành").click()
    expect(page.locator(".outbox-indicator")).to_contain_text(WAITING)

    # Answers at the end: choices, short answer and essay text (kept while typing, not on leaving the field).
    page.goto(at_end_url)
    for choice in correct_response(multiple):
        form_of(page, multiple).locator(f"input[name=choices][value='{choice}']").check()
    form_of(page, short).locator("[name=text]").fill(correct_response(short))
    form_of(page, essay).locator("[name=text]").press_sequentially(ESSAY, delay=5)
    # Waiting: the H5P statements, "mark as complete", and the three answers (the essay 1.5 s after typing).
    waiting = len(statement_ids) + 1 + 3
    expect(page.locator(".outbox-indicator")).to_have_text(
        f"Đang ngoại tuyến — đã lưu trên máy ({waiting} mục chờ gửi)", timeout=10_000
    )

    page.reload()  # offline: the page from the worker, the answers from this device
    expect(form_of(page, essay).locator("textarea")).to_have_value(ESSAY)
    expect(form_of(page, short).locator("[name=text]")).to_have_value(correct_response(short))

    # Feedback after each answer: each answer is kept, its question locked.
    page.goto(feedback_url)
    for question in feedback_questions:
        form = form_of(page, question)
        name = "choice" if question.kind == "single" else "value"
        form.locator(f"input[name={name}][value='{correct_response(question)}']").check()
        form.get_by_role("button", name="Trả lời").click()
        expect(form.locator(".quiz-save-status")).to_have_text(SAVED_ON_DEVICE)
    screenshot("offline-course-02-feedback-quiz-offline")
    assert not AttemptAnswer.objects.exists() and not Statement.objects.exists()
    assert not LessonCompletion.objects.exists()

    page.close()  # the tab is closed and opened again, still offline
    page = context.new_page()
    page.goto(feedback_url)
    expect(page.locator(".outbox-indicator")).to_contain_text(f"({waiting + 2} mục chờ gửi)")
    form = form_of(page, feedback_questions[0])
    expect(form.locator("input[name=choice]").first).to_be_disabled()

    restore_connection(context)
    for question in feedback_questions:
        expect(form_of(page, question).locator(".quiz-feedback")).to_contain_text("Chính xác.")
    expect(page.locator(".outbox-indicator")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "offline-course-03-sent.png"), full_page=True)

    # Every answer on the server exactly once.
    feedback_attempt = Attempt.objects.get(quiz=quizzes[0])
    at_end_attempt = Attempt.objects.get(quiz=quizzes[1])
    assert Attempt.objects.count() == 2
    assert AttemptAnswer.objects.filter(attempt=feedback_attempt).count() == 2
    assert AttemptAnswer.objects.filter(attempt=at_end_attempt).count() == 3
    assert AttemptAnswer.objects.get(attempt=at_end_attempt, question=essay).response == {"text": ESSAY}
    assert AnswerReceipt.objects.filter(attempt=feedback_attempt).count() == 2
    stored = set(Statement.objects.filter(user=learner).values_list("statement_id", flat=True))
    assert {str(s) for s in stored} == statement_ids
    assert Statement.objects.filter(user=learner).count() == len(statement_ids)

    # Both quizzes submitted online; the progress: the H5P lesson done by its activity, lesson 2 by its
    # quiz, lesson 5 by "mark as complete" made offline; lesson 3 waits for the essay's mark, 4 was only read.
    for url in (feedback_url, at_end_url):
        page.goto(url)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Nộp bài").click()
        page.wait_for_url(re.compile(r"/ket-qua/$"))
    feedback_attempt.refresh_from_db()
    at_end_attempt.refresh_from_db()
    assert feedback_attempt.passed is True and feedback_attempt.score == 2
    assert at_end_attempt.awaiting_marking is True and at_end_attempt.score == 2
    completed = set(
        LessonCompletion.objects.filter(enrolment__user=learner).values_list("lesson_id", flat=True)
    )
    assert completed == {lessons[0].pk, lessons[1].pk, lessons[4].pk}
    assert LessonCompletion.objects.filter(enrolment__user=learner).count() == 3
    page.goto(live_server.url + course.url)
    expect(page.locator("progress.progress")).to_have_attribute("value", "60")
