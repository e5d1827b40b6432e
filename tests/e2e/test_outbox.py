"""The offline outbox in a real browser (static/js/outbox.js, static/js/quiz.js). The connection is cut by
routing: every POST is aborted and every GET is answered from the copy taken while online (as the service
worker does; it is not part of these tests) or aborted. Nothing relies on `set_offline` alone."""

import contextlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from courses.models import LessonPage
from lms.learning.models import LessonCompletion
from lms.learning.services import enrolment_create
from lms.quiz.models import AnswerReceipt, Attempt, AttemptAnswer
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.offline_helpers import Network
from tests.e2e.outbox_helpers import form_of, outbox_items, start_quiz, wait_for_server
from tests.e2e.test_h5p import log_in
from tests.quiz_builders import correct_response, make_question, make_quiz, quiz_block

ESSAY = "Chữ ký số giúp xác thực văn bản điện tử."
SAVED = "Đã lưu câu trả lời."
SAVED_ON_DEVICE = "Đã lưu trên máy: sẽ được gửi khi có kết nối trở lại."
OFFLINE = re.compile(r"Đang ngoại tuyến — đã lưu trên máy \((\d+) mục chờ gửi\)")


@pytest.fixture
def page(browser):
    """As tests/e2e/conftest.py's, with the site's service worker blocked: `Network` stands in for it (a
    copy of every page seen), and a real worker's own requests would pass by this page's routing. The worker
    and the outbox together: tests/e2e/test_offline_course.py."""
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="vi-VN", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def two_quizzes(transactional_db):
    """Lesson 1: a quiz with feedback after each answer (single choice, true/false). Lesson 2: a quiz with the
    answers at the end (multiple choice, short answer, essay). All questions on one page."""
    course = make_course(make_catalogue(), modules=1, lessons_per_module=2)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    feedback_questions = [make_question("single"), make_question("true_false")]
    at_end_questions = [make_question("multiple"), make_question("short"), make_question("essay")]
    quizzes = [
        make_quiz(feedback_questions, one_per_page=False, review=4),
        make_quiz(at_end_questions, one_per_page=False, answers_at_end=True, pass_mark=100),
    ]
    for lesson, quiz in zip(lessons, quizzes, strict=True):
        lesson.body = quiz_block(quiz)
        lesson.save()
    learner = UserFactory(username="hocvien_ngoaituyen")
    enrolment_create(user=learner, course=course)
    return learner, lessons, quizzes, feedback_questions, at_end_questions


def test_answers_made_offline_in_every_mode_survive_reload_and_reopening_and_reach_the_server_once(
    live_server, page, two_quizzes
):
    learner, lessons, quizzes, feedback_questions, at_end_questions = two_quizzes
    multiple, short, essay = at_end_questions
    context = page.context
    network = Network(context)
    log_in(page, live_server, learner.username)
    at_end_url = start_quiz(page, live_server, lessons[1])
    feedback_url = start_quiz(page, live_server, lessons[0])
    page.goto(at_end_url)

    network.go_offline()
    # Answers at the end: choices saved as they change, text while typing (no leaving the field).
    for choice in correct_response(multiple):
        form_of(page, multiple).locator(f"input[name=choices][value='{choice}']").check()
    form_of(page, short).locator("[name=text]").fill(correct_response(short))
    form_of(page, essay).locator("[name=text]").press_sequentially(ESSAY, delay=5)
    expect(page.locator(".outbox-indicator")).to_contain_text(OFFLINE)
    expect(page.locator(".outbox-indicator")).to_have_text(
        "Đang ngoại tuyến — đã lưu trên máy (3 mục chờ gửi)", timeout=10_000
    )

    page.close()  # the tab is closed; a new one opens the other quiz, still offline
    page = context.new_page()
    page.goto(feedback_url)
    expect(page.locator(".outbox-indicator")).to_contain_text("(3 mục chờ gửi)")
    for question in feedback_questions:
        form = form_of(page, question)
        value = correct_response(question)
        name = "choice" if question.kind == "single" else "value"
        form.locator(f"input[name={name}][value='{value}']").check()
        form.get_by_role("button", name="Trả lời").click()
        expect(form.locator(".quiz-save-status")).to_have_text(SAVED_ON_DEVICE)
    expect(page.locator(".outbox-indicator")).to_have_text(
        "Đang ngoại tuyến — đã lưu trên máy (5 mục chờ gửi)"
    )
    page.screenshot(path=str(ARTIFACTS / "outbox-offline-feedback-quiz.png"), full_page=True)

    page.reload()  # offline: the page from the copy, the answers from this device
    form = form_of(page, feedback_questions[0])
    expect(
        form.locator(f"input[name=choice][value='{correct_response(feedback_questions[0])}']")
    ).to_be_checked()
    expect(form.locator("input[name=choice]").first).to_be_disabled()
    expect(page.locator(".outbox-indicator")).to_contain_text("(5 mục chờ gửi)")
    assert not AttemptAnswer.objects.exists()

    network.go_online(page)
    # The feedback of each answer shows once the server has it.
    for question in feedback_questions:
        expect(form_of(page, question).locator(".quiz-feedback")).to_contain_text("Chính xác.")
    expect(page.locator(".outbox-indicator")).to_be_hidden()

    feedback_attempt = Attempt.objects.get(quiz=quizzes[0])
    at_end_attempt = Attempt.objects.get(quiz=quizzes[1])
    assert AttemptAnswer.objects.filter(attempt=feedback_attempt).count() == 2
    assert AttemptAnswer.objects.filter(attempt=at_end_attempt).count() == 3
    assert AttemptAnswer.objects.get(attempt=at_end_attempt, question=essay).response == {"text": ESSAY}
    assert AnswerReceipt.objects.filter(attempt=feedback_attempt).count() == 2

    page.goto(at_end_url)
    expect(form_of(page, essay).locator("textarea")).to_have_value(ESSAY)
    for url in (feedback_url, at_end_url):
        page.goto(url)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Nộp bài").click()
        page.wait_for_url(re.compile(r"/ket-qua/$"))
    feedback_attempt.refresh_from_db()
    at_end_attempt.refresh_from_db()
    assert feedback_attempt.passed is True and feedback_attempt.score == 2
    assert at_end_attempt.awaiting_marking is True and at_end_attempt.score == 2
    # Progress: the first lesson is complete by its quiz; the second waits for the essay's mark.
    completed = set(
        LessonCompletion.objects.filter(enrolment__user=learner).values_list("lesson_id", flat=True)
    )
    assert completed == {lessons[0].pk}


def test_a_connection_lost_during_an_answer_and_a_submission_loses_and_doubles_nothing(
    live_server, page, two_quizzes
):
    learner, lessons, quizzes, _feedback_questions, at_end_questions = two_quizzes
    multiple = at_end_questions[0]
    log_in(page, live_server, learner.username)
    start_quiz(page, live_server, lessons[1])
    attempt = Attempt.objects.get()
    delivered = []

    def lost_reply(route):
        # The server gets the request and answers; the reply never reaches the browser.
        delivered.append(route.fetch().status)
        # If the page gave up waiting first (outbox.js's timeout, on a busy machine), Playwright calls the
        # route handled: the reply is lost all the same, which is what this test needs.
        with contextlib.suppress(PlaywrightError):
            route.abort("connectionreset")

    page.route("**/tra-loi/", lost_reply)
    for choice in correct_response(multiple):
        form_of(page, multiple).locator(f"input[name=choices][value='{choice}']").check()
    expect(form_of(page, multiple).locator(".quiz-save-status")).to_have_text(SAVED_ON_DEVICE)
    assert delivered and all(status == 200 for status in delivered)
    page.unroute("**/tra-loi/", lost_reply)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(form_of(page, multiple).locator(".quiz-save-status")).to_have_text("Đã lưu câu trả lời.")
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    assert AttemptAnswer.objects.get(attempt=attempt).score == 1

    page.route("**/nop-bai/", lost_reply)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.locator(".quiz-submit-status")).to_contain_text("Bài nộp đã được lưu trên máy")
    page.unroute("**/nop-bai/", lost_reply)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r"/ket-qua/$"))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert Attempt.objects.count() == 1
    assert attempt.score == 1


def test_two_quick_answers_and_an_older_one_delayed_by_the_network_leave_the_learners_last_answer(
    live_server, page, two_quizzes
):
    """Two changes in quick succession replace each other on the device (one item, not two); a copy of the
    first answer that the network delivers after the second (its send timed out on the device, the request
    reached the server later) is acknowledged and changes nothing: the learner's order wins."""
    learner, lessons, quizzes, _feedback_questions, at_end_questions = two_quizzes
    multiple = at_end_questions[0]
    first, second = correct_response(multiple)
    network = Network(page.context)
    log_in(page, live_server, learner.username)
    start_quiz(page, live_server, lessons[1])
    attempt = Attempt.objects.get()
    form = form_of(page, multiple)

    network.go_offline()
    # Both choices in one task: the two saves start before either has written to the store.
    page.evaluate(
        """([form, first, second]) => {
          form.querySelector(`input[value='${first}']`).click();
          form.querySelector(`input[value='${second}']`).click();
        }""",
        [form.element_handle(), str(first), str(second)],
    )
    expect(page.locator(".outbox-indicator")).to_have_text(
        "Đang ngoại tuyến — đã lưu trên máy (1 mục chờ gửi)"
    )
    assert [sorted(v for n, v in item["fields"] if n == "choices") for item in outbox_items(page)] == [
        sorted([str(first), str(second)])
    ]
    network.go_online(page)
    expect(form.locator(".quiz-save-status")).to_have_text("Đã lưu câu trả lời.")
    assert AttemptAnswer.objects.get(attempt=attempt).score == 1

    # The learner unticks the second choice; the request carrying it is held up on the way.
    delayed = []

    def hold_up(route):
        delayed.append((route.request.headers, route.request.post_data_buffer))
        route.abort("timedout")

    page.route("**/tra-loi/", hold_up, times=1)
    form.locator(f"input[name=choices][value='{second}']").uncheck()
    expect(form.locator(".quiz-save-status")).to_have_text(SAVED_ON_DEVICE)
    assert len(delayed) == 1
    # Then ticks it again: this newer answer reaches the server first (the outbox may have sent the older one
    # again before: it came first then, which is the learner's order too).
    form.locator(f"input[name=choices][value='{second}']").check()
    expect(page.locator(".outbox-indicator")).to_be_hidden()
    wait_for_server(
        page, lambda: AttemptAnswer.objects.get(attempt=attempt).score == 1, what="the newer answer"
    )
    # The held-up request arrives now.
    headers, body = delayed[0]
    kept = {"content-type", "x-csrftoken", "x-requested-with"}
    reply = page.request.post(
        live_server.url + reverse("lesson_quiz:answer", args=[attempt.pk]),
        headers={name: value for name, value in headers.items() if name.lower() in kept},
        data=body,
    )
    assert reply.ok and reply.json()["ok"] is True and reply.json().get("stale") is True
    answer = AttemptAnswer.objects.get(attempt=attempt)
    assert answer.score == 1
    assert sorted(answer.response["choices"]) == sorted([first, second])


def test_answers_reach_the_server_when_the_connection_returns_without_the_browser_saying_so(
    live_server, page, two_quizzes
):
    """Only the route to the server was cut (the office's line, not the Wi-Fi): no `online` event comes.
    The outbox finds out itself within its short retry while the connection is missing (at most 10 s)."""
    learner, lessons, _quizzes, _feedback_questions, at_end_questions = two_quizzes
    short = at_end_questions[1]
    network = Network(page.context)
    log_in(page, live_server, learner.username)
    start_quiz(page, live_server, lessons[1])
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url) if "/tra-loi/" in r.url else None)
    network.go_offline()
    form_of(page, short).locator("[name=text]").fill(correct_response(short))
    expect(page.locator(".outbox-indicator")).to_contain_text("(1 mục chờ gửi)")
    # Tried and failed four times (after pauses of 2, 4 and 8 s): the pause has grown to its longest.
    wait_for_server(page, lambda: len(failed) >= 4, timeout=40, what="four tries without a connection")
    assert not AttemptAnswer.objects.exists()

    network.go_online()  # nothing dispatched
    expect(form_of(page, short).locator(".quiz-save-status")).to_have_text(SAVED, timeout=15_000)
    assert AttemptAnswer.objects.get().response == {"text": correct_response(short)}


# Bad input: a session ended while offline and another person on the same device; a full disk; a damaged
# store; two tabs answering the same attempt.


def test_items_of_a_signed_out_learner_wait_for_that_learner_and_no_one_else(live_server, page, two_quizzes):
    learner, lessons, quizzes, _feedback_questions, at_end_questions = two_quizzes
    short = at_end_questions[1]
    other = UserFactory(username="hocvien_khac")
    network = Network(page.context)
    log_in(page, live_server, learner.username)
    start_quiz(page, live_server, lessons[1])
    network.go_offline()
    form_of(page, short).locator("[name=text]").fill(correct_response(short))
    expect(page.locator(".outbox-indicator")).to_contain_text("(1 mục chờ gửi)")
    page.context.clear_cookies(name="sessionid")  # signed out (idle timeout, or elsewhere) while offline

    network.go_online(page)
    expect(form_of(page, short).locator(".quiz-save-status")).to_contain_text("Bạn đã đăng xuất")
    expect(page.locator(".outbox-indicator")).to_contain_text(
        "Bạn đã đăng xuất — đã lưu trên máy (1 mục chờ gửi)"
    )
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/tra-loi/" in r.url else None)

    log_in(page, live_server, other.username)  # another official on the same PC
    page.goto(live_server.url + "/hoc-tap-cua-toi/")
    expect(page.locator("#outbox")).to_have_attribute("data-user", str(other.pk))
    page.wait_for_timeout(1500)
    expect(page.locator(".outbox-indicator")).to_be_hidden()
    assert sent == []
    assert not AttemptAnswer.objects.exists()

    page.context.clear_cookies()
    log_in(page, live_server, learner.username)  # the owner comes back: it goes, under their name
    expect(page.locator(".outbox-indicator")).to_be_hidden(timeout=10_000)
    # The indicator is also hidden before the outbox has looked at its store: wait for the answer itself,
    # sent as the first page after signing in loads.
    wait_for_server(page, AttemptAnswer.objects.exists, what="the answer kept while signed out")
    answer = AttemptAnswer.objects.get()
    assert answer.attempt.user == learner
    assert answer.response == {"text": correct_response(short)}
    assert len(sent) == 1


def test_a_full_disk_a_damaged_store_and_two_tabs_lose_nothing_and_double_nothing(
    live_server, page, two_quizzes
):
    learner, lessons, quizzes, feedback_questions, at_end_questions = two_quizzes
    multiple, short, _essay = at_end_questions
    context = page.context
    # A store left damaged (no object store where one is expected), as a crash or an old release may leave it.
    context.add_init_script(
        "if (!sessionStorage.getItem('damaged')) { sessionStorage.setItem('damaged', '1');"
        " indexedDB.open('smartward-outbox', 1).onsuccess = (e) => e.target.result.close(); }"
    )
    network = Network(context)
    log_in(page, live_server, learner.username)
    start_quiz(page, live_server, lessons[1])
    network.go_offline()
    form_of(page, short).locator("[name=text]").fill(correct_response(short))
    expect(page.locator(".outbox-indicator")).to_have_text(
        "Đang ngoại tuyến — đã lưu trên máy (1 mục chờ gửi)"
    )

    # The disk fills up: the learner is told; what was already stored stays.
    page.evaluate(
        "() => { IDBObjectStore.prototype.put = function () {"
        " throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }; }"
    )
    for choice in correct_response(multiple):
        form_of(page, multiple).locator(f"input[name=choices][value='{choice}']").check()
    expect(form_of(page, multiple).locator(".quiz-save-status")).to_contain_text("Bộ nhớ trên máy đã đầy")
    expect(page.locator(".outbox-indicator")).to_contain_text("Bộ nhớ trên máy đã đầy")
    network.go_online(page)
    expect(page.locator(".outbox-indicator")).not_to_contain_text("mục chờ gửi", timeout=10_000)
    attempt = Attempt.objects.get(quiz=quizzes[1])
    expect(form_of(page, multiple).locator(".quiz-save-status")).to_have_text("Đã lưu câu trả lời.")
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2

    # Two tabs on the same attempt (feedback after each answer): the first answer counts; the second tab is
    # told why its answer was refused, and the refusal stays listed until the learner dismisses it.
    feedback_url = start_quiz(page, live_server, lessons[0])
    second = context.new_page()
    second.goto(feedback_url)
    question = feedback_questions[0]
    right = correct_response(question)
    wrong = next(a.pk for a in question.answers.all() if not a.correct)
    form_of(page, question).locator(f"input[name=choice][value='{right}']").check()
    form_of(page, question).get_by_role("button", name="Trả lời").click()
    expect(form_of(page, question).locator(".quiz-feedback")).to_contain_text("Chính xác.")
    form_of(second, question).locator(f"input[name=choice][value='{wrong}']").check()
    form_of(second, question).get_by_role("button", name="Trả lời").click()
    expect(form_of(second, question).locator(".quiz-save-status")).to_have_text("Bạn đã trả lời câu hỏi này.")
    expect(second.locator(".outbox-indicator")).to_contain_text("Bạn đã trả lời câu hỏi này.")
    feedback_attempt = Attempt.objects.get(quiz=quizzes[0])
    assert AttemptAnswer.objects.get(attempt=feedback_attempt).score == 1
    second.locator(".outbox-indicator").get_by_role("button", name="Tôi đã hiểu").click()
    expect(second.locator(".outbox-indicator")).to_be_hidden()


ANOTHER_RELEASE = """() => new Promise((resolve, reject) => {
  // What a newer release's page might do to the store: a higher version, and no "user" index any more.
  const request = indexedDB.open("smartward-outbox", 2);
  request.onupgradeneeded = () => request.transaction.objectStore("items").deleteIndex("user");
  request.onsuccess = () => { request.result.close(); resolve(true); };
  request.onerror = () => reject(request.error);
  // Still blocked after 10 s: the page never let go of its connection.
  request.onblocked = () => setTimeout(() => reject(new Error("blocked by the page")), 10000);
})"""


def test_a_store_changed_by_another_release_while_the_page_is_open_loses_nothing(
    live_server, page, two_quizzes
):
    """A tab of a newer release upgrades the store while this page (the older release) has it open: this page
    lets it (it closes its connection), then finds a store it cannot use as it is (a newer version, without
    the index it needs). It neither waits forever nor throws away what is queued: the learner's answer
    waiting in it is kept, the store made usable again, and the answer sent when the connection returns."""
    learner, lessons, _quizzes, _feedback_questions, at_end_questions = two_quizzes
    short = at_end_questions[1]
    network = Network(page.context)
    log_in(page, live_server, learner.username)
    start_quiz(page, live_server, lessons[1])
    network.go_offline()
    form_of(page, short).locator("[name=text]").fill(correct_response(short))
    expect(page.locator(".outbox-indicator")).to_contain_text("(1 mục chờ gửi)")

    assert page.evaluate(ANOTHER_RELEASE)
    wait_for_server(page, lambda: len(outbox_items(page)) == 1, what="the queued answer back in the store")
    network.go_online(page)
    expect(form_of(page, short).locator(".quiz-save-status")).to_have_text(SAVED)
    assert AttemptAnswer.objects.get().response == {"text": correct_response(short)}
    expect(page.locator(".outbox-indicator")).to_be_hidden()
