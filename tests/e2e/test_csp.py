"""The Content-Security-Policy in a real browser: the learner pages, a quiz, the H5P lesson and the HR
dashboard run with the policy on and the browser reports no violation; Wagtail's preview still shows in the
editor."""

import json

from playwright.sync_api import expect

from courses.models import LessonPage
from lms.compliance.services import assignment_create
from lms.h5p.models import Activity
from lms.learning.services import progress_record
from lms.quiz.models import Attempt, Question
from tests.builders import UserFactory, lessons_of, make_catalogue, make_course
from tests.e2e.menu_helpers import open_menu
from tests.e2e.quiz_helpers import answer_question
from tests.e2e.test_h5p import log_in
from tests.h5p_builders import assert_player_assets_installed, h5p_block, store_package
from tests.org_builders import make_admin_user, make_hr, make_official, make_org
from tests.quiz_builders import make_question, make_quiz, quiz_block

# Every frame of the page reports what the policy blocked, to the console and to a list the test reads.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const seen = { directive: event.effectiveDirective, blocked: event.blockedURI,
                 source: event.sourceFile, line: event.lineNumber, page: location.href };
  window.__cspViolations.push(seen);
  console.error("CSP violation " + JSON.stringify(seen));
});
"""


def watch(page) -> list[str]:
    """Console messages about the Content-Security-Policy, from the page and from its frames."""
    messages = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "CSP violation" in message.text or "Content Security Policy" in message.text
            else None
        ),
    )
    return messages


def build_world(h5p_bytes):
    """A ward with an official who must take a course of three lessons: reading, an H5P activity, a quiz."""
    org = make_org()
    admin = make_admin_user("quantri_csp")
    hr = make_hr(org.ward_a)
    learner = make_official(org.ward_a, name="Nguyễn Thị Học Viên").user
    learner.set_password("MatKhau@123")
    learner.save(update_fields=["password"])

    course = make_course(make_catalogue(), title="An toàn thông tin", modules=1, lessons_per_module=3)
    reading, activity_lesson, quiz_lesson = lessons_of(course)
    version = store_package(h5p_bytes, title="Câu hỏi đúng sai")
    activity_lesson.body = h5p_block(Activity.objects.get(pk=version.activity_id))
    activity_lesson.save()
    quiz = make_quiz([make_question("single"), make_question("single")])
    quiz_lesson.body = quiz_block(quiz)
    quiz_lesson.save()

    assignment_create(by=admin, course=course, unit=org.ward_a, due_days=30)  # enrols the learner too
    progress_record(user=learner, lesson=reading, source="manual")
    return {
        "org": org,
        "hr": hr,
        "learner": learner,
        "course": course,
        "reading": LessonPage.objects.get(pk=reading.pk),
        "activity_lesson": LessonPage.objects.get(pk=activity_lesson.pk),
        "quiz_lesson": LessonPage.objects.get(pk=quiz_lesson.pk),
    }


def test_learner_pages_quiz_h5p_and_hr_dashboard_raise_no_csp_violation(
    live_server, transactional_db, page, h5p_bytes
):
    assert_player_assets_installed()
    world = build_world(h5p_bytes)
    messages = watch(page)
    log_in(page, live_server, world["learner"].username)

    # The catalogue, a course, a lesson, My learning, mandatory training.
    response = page.goto(live_server.url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy  # the policy is on, and strict
    expect(page.get_by_role("link", name="An toàn thông tin")).to_be_visible()
    page.goto(live_server.url + world["course"].url)
    expect(page.locator("progress.progress").first).to_have_attribute("value", "33")
    page.goto(live_server.url + world["reading"].url)
    expect(page.locator(".lesson-body")).to_be_visible()
    page.goto(live_server.url + "/hoc-tap-cua-toi/")
    expect(page.get_by_text("An toàn thông tin").first).to_be_visible()
    page.goto(live_server.url + "/bat-buoc/")
    expect(page.get_by_text("An toàn thông tin").first).to_be_visible()

    # The quiz: start it and answer one question (quiz.js saves it without leaving the page).
    page.goto(live_server.url + world["quiz_lesson"].url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    attempt = Attempt.objects.get(user=world["learner"])
    answer_question(page, Question.objects.get(pk=attempt.question_ids[0]))
    expect(page.locator(".quiz-nav a.is-answered")).to_have_count(1)

    # The H5P lesson: the sandboxed player (with its own policy) plays, and the result reaches the server.
    page.goto(live_server.url + world["activity_lesson"].url)
    page.locator("iframe.h5p-player").scroll_into_view_if_needed()
    player = page.frame_locator("iframe.h5p-player")
    expect(player.get_by_text("Is this false?")).to_be_visible()
    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Bạn đã hoàn thành bài học này.")).to_be_visible(timeout=20_000)

    # The HR dashboard, as an HR manager: the ward's figures and its people.
    open_menu(page)
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, live_server, world["hr"].username)
    page.goto(live_server.url + "/admin/bao-cao/")
    expect(page.locator("#figures")).to_be_visible()
    expect(page.locator("#people")).to_contain_text("Nguyễn Thị Học Viên")

    found = page.evaluate("window.__cspViolations")
    assert found == [] and messages == [], json.dumps([found, messages], ensure_ascii=False, indent=1)

    # The watch itself works: a script injected into the page is blocked and reported.
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__cspViolations")[0]["directive"] == "script-src-elem"


def test_wagtail_preview_shows_the_lesson_in_the_editor(live_server, transactional_db, page, settings):
    # No auto-refresh: the panel would keep posting the form every 500 ms, and a request still being
    # served when the test ends holds SQLite's lock while the database is flushed (a flaky teardown).
    settings.WAGTAIL_AUTO_UPDATE_PREVIEW_INTERVAL = 0
    editor = UserFactory(username="quantri_xem_truoc", is_superuser=True, is_staff=True)
    lesson = lessons_of(make_course(make_catalogue(), modules=1, lessons_per_module=1))[0]
    messages = watch(page)
    log_in(page, live_server, editor.username)

    page.goto(f"{live_server.url}/admin/pages/{lesson.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()

    preview = page.frame_locator("iframe.w-preview__iframe").last  # Wagtail swaps frames as it reloads
    expect(preview.get_by_role("heading", level=1)).to_have_text(lesson.title)
    assert page.evaluate("window.__cspViolations") == [] and messages == []
