"""The learner's pages on a phone (issue 17): the one-row header, the quiz's review screen and focus, My
learning's statuses and "Tiếp tục khóa học", each page checked with axe-core (no violation of any impact)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lms.learning.models import Enrolment
from lms.learning.services import enrolment_create, progress_record
from lms.quiz.models import Attempt, AttemptAnswer
from lms.quiz.services import answer_mark, attempt_save_answer, attempt_start, attempt_submit
from tests.builders import UserFactory, lessons_of, make_catalogue, make_course
from tests.e2e.axe_helpers import assert_no_axe_violation
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_h5p import log_in
from tests.quiz_builders import correct_response, make_category, make_question, make_quiz, quiz_block

SAVED_ON_DEVICE = "Đã lưu trên máy: sẽ được gửi khi có kết nối trở lại."
PHONE = {"width": 360, "height": 740}
LONG_ANSWER = (
    "Đây là một phương án trả lời rất dài, kéo dài nhiều dòng trên màn hình điện thoại để kiểm tra rằng "
    "nút chọn vẫn giữ đúng kích thước hai mươi bốn điểm ảnh, không bị co lại bên cạnh chữ dài như thế này."
)


@pytest.fixture
def phone(browser):
    # No service worker: a page it controls sends its requests through it, past the page's routes (which
    # stand for the lost connection in the review test).
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def quiz_lesson(*, answers_at_end: bool, kinds=("single", "single", "single"), username="hocvien_quiz"):
    """A learner enrolled in a course whose first lesson holds a quiz shown one question per page."""
    course = make_course(make_catalogue(), modules=1, lessons_per_module=2)
    questions = [make_question(kind) for kind in kinds]
    first = questions[0].answers.order_by("sort_order").first()
    first.text = LONG_ANSWER
    first.save()
    quiz = make_quiz(questions, answers_at_end=answers_at_end, one_per_page=True, review=4, pass_mark=60)
    lesson = lessons_of(course)[0]
    lesson.body = quiz_block(quiz)
    lesson.save_revision().publish()
    learner = UserFactory(username=username)
    enrolment_create(user=learner, course=course)
    return learner, lesson, quiz, questions


def start_quiz(page, live_server, learner, lesson) -> Attempt:
    log_in(page, live_server, learner.username)
    page.goto(live_server.url + lesson.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/lam-bai/"))
    return Attempt.objects.get(user=learner)


def choose(page, question, value=None):
    value = correct_response(question) if value is None else value
    page.locator(f"form.quiz-question input:is([type=radio], [type=checkbox])[value='{value}']").check()


def focused_class(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.className : ''")


# --- The quiz


def test_the_last_question_leads_to_a_review_screen_that_lists_answered_unanswered_and_unsent(
    live_server, transactional_db, phone
):
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)
    learner, lesson, quiz, questions = quiz_lesson(answers_at_end=True)
    attempt = start_quiz(page, live_server, learner, lesson)

    # Question 1 opens first; its radio keeps 24 × 24 px beside a long answer on a 360 px screen.
    expect(page.locator(".quiz-number")).to_have_text("Câu hỏi 1")
    long_radio = page.locator("label.choice", has_text="phương án trả lời rất dài").locator("input")
    box = long_radio.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (24, 24)
    assert_no_axe_violation(page, "a quiz question")

    choose(page, questions[0])
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url(re.compile(r"\?cau=2$"))
    page.get_by_role("link", name="Câu hỏi tiếp theo").click()  # question 2 left unanswered
    page.wait_for_url(re.compile(r"\?cau=3$"))
    choose(page, questions[2])
    page.get_by_role("button", name="Lưu và xem lại").click()

    # The last answer never jumps back to question 1: it opens the review screen.
    page.wait_for_url(re.compile(r"\?cau=xem-lai$"))
    review = page.locator("#quiz-review")
    expect(review.get_by_role("heading", name="Xem lại trước khi nộp bài")).to_be_visible()
    rows = review.locator(".quiz-review-item")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Đã trả lời")
    expect(rows.nth(1)).to_contain_text("Chưa trả lời")
    expect(rows.nth(2)).to_contain_text("Đã trả lời")
    expect(review.locator(".quiz-review-summary")).to_have_text("Đã trả lời 2/3 câu")
    submit = review.get_by_role("button", name="Nộp bài")
    expect(submit).to_have_class(re.compile(r"\bbutton-primary\b"))
    assert_no_axe_violation(page, "the review screen")

    # "Nộp bài" asks first, naming what is unanswered; declined, nothing is submitted.
    asked = []

    def decline(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    submit.click()
    expect(page).to_have_url(re.compile(r"\?cau=xem-lai$"))
    assert asked == ["Còn 1 câu hỏi chưa trả lời. Bạn vẫn muốn nộp bài?"]
    attempt.refresh_from_db()
    assert attempt.is_in_progress

    # Question 2 answered while the server cannot be reached: the review says it waits on this device.
    rows.nth(1).get_by_role("link").click()
    page.wait_for_url(re.compile(r"\?cau=2$"))
    page.route("**/tra-loi/", lambda route: route.abort("internetdisconnected"))
    choose(page, questions[1])
    expect(page.locator(".quiz-save-status")).to_have_text(SAVED_ON_DEVICE)
    page.locator(".quiz-nav").get_by_role("link", name="Xem lại và nộp bài").click()
    page.wait_for_url(re.compile(r"\?cau=xem-lai$"))
    expect(rows.nth(1)).to_contain_text("Đã trả lời, đang lưu trên máy: chưa gửi")
    expect(review.locator(".quiz-review-unsent")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "learner-quiz-review-unsent.png"), full_page=True)
    expect(review.locator(".quiz-review-summary")).to_have_text("Đã trả lời 3/3 câu")
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2

    # The connection returns: the answer goes, the review follows.
    page.unroute("**/tra-loi/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(rows.nth(1).locator(".quiz-review-state")).to_have_text("Đã trả lời")
    expect(review.locator(".quiz-review-unsent")).to_be_hidden()
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 3

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    submit.click()
    page.wait_for_url(re.compile(r"/ket-qua/$"))
    assert asked[-1] == "Nộp bài ngay bây giờ? Bạn sẽ không thể thay đổi câu trả lời sau khi nộp."
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.score == 3


def test_after_answer_the_focus_moves_to_the_feedback_and_the_last_question_stays_put(
    live_server, transactional_db, phone
):
    page = phone
    learner, lesson, quiz, questions = quiz_lesson(answers_at_end=False, kinds=("single", "true_false"))
    start_quiz(page, live_server, learner, lesson)
    expect(page.locator(".quiz-help")).to_contain_text("bấm “Trả lời”")

    choose(page, questions[0])
    page.get_by_role("button", name="Trả lời").click()
    feedback = page.locator(".quiz-feedback")
    expect(feedback).to_contain_text("Chính xác.")
    expect(feedback).to_be_focused()
    assert_no_axe_violation(page, "a question with its feedback")

    page.get_by_role("link", name="Câu hỏi tiếp theo").click()
    page.wait_for_url(re.compile(r"\?cau=2$"))
    choose(page, questions[1], value="false")
    page.get_by_role("button", name="Trả lời").click()
    expect(feedback).to_contain_text("Chưa chính xác.")
    expect(feedback).to_be_focused()
    expect(page).to_have_url(re.compile(r"\?cau=2$"))  # the last question, not question 1
    page.get_by_role("link", name="Xem lại và nộp bài").last.click()
    page.wait_for_url(re.compile(r"\?cau=xem-lai$"))
    expect(page.locator(".quiz-review-summary")).to_have_text("Đã trả lời 2/2 câu")


def test_the_focus_ring_on_a_red_button_contrasts_with_the_button_and_the_page(
    live_server, transactional_db, phone
):
    page = phone
    learner, lesson, _quiz, _questions = quiz_lesson(answers_at_end=True)
    start_quiz(page, live_server, learner, lesson)
    button = page.get_by_role("button", name="Lưu và tiếp tục")
    page.keyboard.press("Tab")  # keyboard use: the browser shows :focus-visible from here on
    button.focus()

    ring = button.evaluate(
        """(el) => {
            const s = getComputedStyle(el);
            const panel = getComputedStyle(el.closest('.panel'));
            return { visible: el.matches(':focus-visible'), width: s.outlineWidth, style: s.outlineStyle,
                     offset: s.outlineOffset, outline: s.outlineColor, shadow: s.boxShadow,
                     button: s.backgroundColor, around: panel.backgroundColor };
        }"""
    )
    assert ring["visible"] and ring["style"] == "solid"
    assert float(ring["width"].rstrip("px")) >= 3 and float(ring["offset"].rstrip("px")) >= 2
    gap = re.match(r"rgb\(\d+, \d+, \d+\)", ring["shadow"]).group(0)  # the white gap around the button
    assert contrast(ring["outline"], ring["around"]) >= 3
    assert contrast(ring["outline"], gap) >= 3
    assert contrast(gap, ring["button"]) >= 3


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_a_language_switch_in_the_middle_of_a_quiz_keeps_the_attempt_and_the_typed_answer(
    live_server, transactional_db, phone
):
    page = phone
    learner, lesson, quiz, questions = quiz_lesson(answers_at_end=True, kinds=("single", "short"))
    attempt = start_quiz(page, live_server, learner, lesson)
    choose(page, questions[0])
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url(re.compile(r"\?cau=2$"))
    page.locator("form.quiz-question [name=text]").fill(correct_response(questions[1]))

    # At once, before the text would be kept on its own: the menu, then English.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="English").click()

    page.wait_for_url(re.compile(rf"/lam-bai/{attempt.pk}/\?cau=2$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".quiz-number")).to_have_text("Question 2")
    expect(page.locator("form.quiz-question [name=text]")).to_have_value(correct_response(questions[1]))
    assert Attempt.objects.filter(user=learner).count() == 1
    page.get_by_role("button", name="Save and review").click()
    page.wait_for_url(re.compile(r"\?cau=xem-lai$"))
    expect(page.locator(".quiz-review-summary")).to_have_text("2 of 2 answered")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit the quiz").click()
    page.wait_for_url(re.compile(r"/ket-qua/$"))
    expect(page.locator(".result-verdict")).to_contain_text("Passed")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.score == 2


# --- My learning


def submitted_attempt(learner, quiz, lesson, responses: dict) -> Attempt:
    attempt = attempt_start(user=learner, quiz=quiz, context_page_id=lesson.pk)
    for question, response in responses.items():
        attempt_save_answer(attempt=attempt, question_id=question.pk, response=response)
    return attempt_submit(attempt=attempt)


def test_my_learning_shows_one_status_per_attempt_scores_certificates_and_where_to_continue(
    live_server, transactional_db, phone
):
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)
    catalogue = make_catalogue()
    learner = UserFactory(username="hocvien_cua_toi")
    topic = make_category("An toàn thông tin")

    # Quizzes: passed; not passed; an essay below the pass mark waits; an essay above it has passed.
    course = make_course(catalogue, title="Khóa có bài kiểm tra", modules=1, lessons_per_module=4)
    lessons = lessons_of(course)
    singles = [make_question("single", category=topic) for _ in range(6)]
    essays = [make_question("essay", points=4), make_question("essay", points=1)]
    passed_quiz = make_quiz(singles[:2], answers_at_end=True, pass_mark=50)
    failed_quiz = make_quiz(singles[2:4], answers_at_end=True, pass_mark=100)
    waiting_quiz = make_quiz([singles[4], essays[0]], answers_at_end=True, pass_mark=60)
    passed_waiting_quiz = make_quiz([singles[5], essays[1]], answers_at_end=True, pass_mark=50)
    quizzes = (passed_quiz, failed_quiz, waiting_quiz, passed_waiting_quiz)
    for lesson, quiz in zip(lessons, quizzes, strict=True):
        lesson.body = quiz_block(quiz)
        lesson.save_revision().publish()
    enrolment_create(user=learner, course=course)
    right = {q: correct_response(q) for q in singles}
    wrong = {q: next(a.pk for a in q.answers.all() if not a.correct) for q in singles}
    submitted_attempt(learner, passed_quiz, lessons[0], {q: right[q] for q in singles[:2]})
    s = singles
    submitted_attempt(learner, failed_quiz, lessons[1], {s[2]: right[s[2]], s[3]: wrong[s[3]]})
    submitted_attempt(learner, waiting_quiz, lessons[2], {s[4]: right[s[4]], essays[0]: "Bài viết."})
    passed_waiting = submitted_attempt(
        learner, passed_waiting_quiz, lessons[3], {singles[5]: right[singles[5]], essays[1]: "Bài viết."}
    )
    assert passed_waiting.passed and passed_waiting.awaiting_marking

    # A completed course (with its certificate) and one in progress: lessons 1 and 2 done, 2 opened last.
    done = make_course(catalogue, title="Khóa đã hoàn thành", modules=1, lessons_per_module=1)
    enrolment_create(user=learner, course=done)
    progress_record(user=learner, lesson=lessons_of(done)[0], source="manual")
    going = make_course(catalogue, title="Khóa đang học", modules=2, lessons_per_module=2)
    going_lessons = lessons_of(going)
    enrolment_create(user=learner, course=going)
    for lesson in going_lessons[:2]:
        progress_record(user=learner, lesson=lesson, source="manual")
    Enrolment.objects.filter(user=learner, course=going).update(last_lesson=going_lessons[1])

    log_in(page, live_server, learner.username)
    page.goto(live_server.url + reverse("learning:my_learning"))
    statuses = {
        row.locator("td").first.locator("a").inner_text(): row.locator(".attempt-outcome").inner_text()
        for row in page.locator("tr:has(.attempt-outcome)").all()
    }
    assert statuses == {
        passed_quiz.title: "Đạt",
        failed_quiz.title: "Chưa đạt",
        waiting_quiz.title: "Chờ chấm tự luận",
        passed_waiting_quiz.title: "Đạt",
    }
    assert page.get_by_text("Đang chờ chấm").count() == 0
    # Topic figures are scores: 6 questions of the topic answered, 5 right.
    expect(page.locator("tr.topic-score", has_text="An toàn thông tin")).to_contain_text("Điểm 83%")
    expect(page.get_by_text(re.compile("Đã hoàn thành 83"))).to_have_count(0)
    assert_no_axe_violation(page, "My learning")
    page.screenshot(path=str(ARTIFACTS / "learner-my-learning.png"), full_page=True)

    # The result page of the attempt that passed with an essay still to mark says the same as My learning.
    page.locator("tr", has_text=passed_waiting_quiz.title).get_by_role("link").click()
    expect(page.locator(".result-verdict strong")).to_have_text("Đạt")
    expect(page.get_by_text("Chờ chấm tự luận")).to_be_visible()  # the essay itself
    assert_no_axe_violation(page, "a result page")
    page.go_back()

    # Marked below the pass mark, the waiting attempt becomes "Chưa đạt" everywhere.
    essay_answer = AttemptAnswer.objects.get(attempt__quiz=waiting_quiz, question=essays[0])
    answer_mark(answer=essay_answer, marker=UserFactory(username="giangvien"), score=Decimal("1"))
    page.reload()
    waiting_row = page.locator("tr", has_text=waiting_quiz.title)
    expect(waiting_row.locator(".attempt-outcome")).to_have_text("Chưa đạt")

    # A completed course's card links to its certificate.
    card = page.locator("li.card", has_text="Khóa đã hoàn thành")
    with page.expect_download() as download:
        card.get_by_role("link", name="Giấy chứng nhận (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # "Tiếp tục khóa học" opens the next unfinished lesson (lesson 3), not the last one opened.
    page.locator("li.card", has_text="Khóa đang học").get_by_role("link", name="Tiếp tục khóa học").click()
    page.wait_for_url(re.compile(re.escape(going_lessons[2].url) + "$"))
    # Lesson 4 read and marked complete, lesson 3 still open: it goes back to lesson 3.
    page.goto(live_server.url + going_lessons[3].url)
    page.get_by_role("button", name="Đánh dấu hoàn thành").click()
    expect(page.get_by_text("Bạn đã hoàn thành bài học này.")).to_be_visible()
    page.goto(live_server.url + reverse("learning:my_learning"))
    page.locator("li.card", has_text="Khóa đang học").get_by_role("link", name="Tiếp tục khóa học").click()
    page.wait_for_url(re.compile(re.escape(going_lessons[2].url) + "$"))


# --- The header


def test_the_phone_header_takes_one_row_and_its_menu_button_is_accessible(
    live_server, transactional_db, phone
):
    page = phone
    ARTIFACTS.mkdir(exist_ok=True)
    learner, lesson, _quiz, _questions = quiz_lesson(answers_at_end=True)
    page.goto(live_server.url + "/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 96, "signed out"
    expect(header.get_by_role("link", name="Đăng nhập")).to_be_visible()  # not folded in the menu
    assert_no_axe_violation(page, "the catalogue, signed out")
    attempt = start_quiz(page, live_server, learner, lesson)
    pages = {
        "catalogue": "/",
        "course": lesson.get_parent().get_parent().url,
        "lesson": lessons_of(lesson.get_parent().get_parent().specific)[1].url,
        "quiz": reverse("lesson_quiz:take", args=[attempt.pk]),
        "my learning": reverse("learning:my_learning"),
        "mandatory training": reverse("compliance:my_training"),
        "notifications": reverse("reminders:inbox"),
        "profile": reverse("people:profile"),
        "certificates": reverse("certificates:mine"),
    }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        height = header.bounding_box()["height"]
        assert height <= 96, f"{name}: the header takes {height} px"
        print(f"phone header, {name}: {height:.0f} px")  # noqa: T201 — shown with -s, for docs/performance
        assert_no_axe_violation(page, name)

    # The bell (an icon: at least 3:1 against the red header) and the menu button share the row.
    colours = page.locator("#notification-bell").evaluate(
        "(el) => [getComputedStyle(el).color, getComputedStyle(el.closest('header')).backgroundColor]"
    )
    assert contrast(*colours) >= 3, colours
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "site-menu")
    expect(page.get_by_role("link", name="Học tập của tôi")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Học tập của tôi")).to_be_visible()
    assert_no_axe_violation(page, "the open menu")
    page.screenshot(path=str(ARTIFACTS / "learner-phone-menu-open.png"))
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(page.get_by_role("link", name="Học tập của tôi")).to_be_hidden()

    # A wide screen shows the menu itself, without the button.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.get_by_role("link", name="Học tập của tôi")).to_be_visible()
    expect(toggle).to_be_hidden()
