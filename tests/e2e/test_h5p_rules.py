"""Real packages made by others (../shared/fixtures/h5p/thirdparty/) in a required lesson, completed by the
rule the block editor offers for their content type (lms/h5p/compatibility.py): Blanks by "passes it"
(it sends no result.success), Accordion and Dialog Cards by "viewed" (they send no result at all), and
Interactive Video by "viewed" (its video lives on h5p.org, which the player's policy blocks)."""

import pytest
from playwright.sync_api import expect

from content.blocks import LessonBodyBlock
from courses.models import LessonPage
from lms.h5p import compatibility
from lms.h5p.models import Activity, Result
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.services import enrolment_create
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.outbox_helpers import waiting_h5p_statements
from tests.h5p_builders import assert_player_assets_installed, h5p_block, store_package, thirdparty_path

from .test_h5p import COMPLETED_TEXT, log_in, open_player

COURSE_DONE_TEXT = "Chúc mừng! Bạn đã hoàn thành khóa học."
VIEWED_BUTTON = "Đã xem xong"


def required_lesson(name: str, *, username: str, rule: str) -> LessonPage:
    """A live course whose one required lesson holds the package, with the rule checked as the lesson
    editor checks it on save, and a learner enrolled."""
    version = store_package(thirdparty_path(name).read_bytes(), title=name.removesuffix(".h5p"))
    activity = Activity.objects.get(pk=version.activity_id)
    assert rule in compatibility.behaviour_of_version(version).rules
    body = LessonBodyBlock()
    body.clean(
        body.to_python([{"type": "h5p", "value": {"activity": activity.pk, "rule": rule, "intro": ""}}])
    )
    course = make_course(make_catalogue(), modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    assert lesson.is_required
    lesson.body = h5p_block(activity, rule=rule)
    lesson.save()
    enrolment_create(user=UserFactory(username=username), course=course)
    return lesson


def assert_completed(page, lesson) -> None:
    expect(page.get_by_text(COMPLETED_TEXT)).to_be_visible(timeout=20_000)
    expect(page.get_by_text(COURSE_DONE_TEXT)).to_be_visible()
    assert LessonCompletion.objects.filter(lesson_id=lesson.pk).exists()
    assert Enrolment.objects.get().completed_at is not None


def test_blanks_completes_by_passing_though_it_sends_no_success(
    live_server, transactional_db, page, screenshot
):
    assert_player_assets_installed()
    lesson = required_lesson("H5P.Blanks.h5p", username="hocvien_blanks", rule="passed")
    log_in(page, live_server, "hocvien_blanks")

    player = open_player(page, live_server, lesson)
    blanks = player.locator("input.h5p-text-input")
    expect(blanks).to_have_count(3)
    for index, word in enumerate(("blue", "Cloud", "black")):
        blanks.nth(index).fill(word)
        blanks.nth(index).press("Tab")
    check = player.get_by_role("button", name="Check")
    if check.count() and check.is_visible():
        check.click()

    assert_completed(page, lesson)
    screenshot("h5p-rules-blanks")
    result = Result.objects.get()
    assert result.success is True and result.success_inferred and result.statement.success is None


@pytest.mark.parametrize(
    "name,open_content",
    [
        ("H5P.Accordion.h5p", lambda player: player.get_by_role("button", name="Cranberries").click()),
        ("H5P.Dialogcards.h5p", lambda player: player.get_by_role("button", name="Turn").first.click()),
        (
            "H5P.InteractiveVideo.h5p",
            # Its player is the slowest to build on a loaded machine (many libraries).
            lambda player: expect(player.locator(".h5p-interactive-video")).to_be_attached(timeout=20_000),
        ),
    ],
    ids=["accordion", "dialogcards", "interactive-video"],
)
def test_content_without_a_result_completes_by_viewed(
    live_server, transactional_db, page, screenshot, name, open_content
):
    assert_player_assets_installed()
    lesson = required_lesson(name, username="hocvien_xem", rule="viewed")
    log_in(page, live_server, "hocvien_xem")

    player = open_player(page, live_server, lesson)
    expect(page.locator("[data-h5p-activity].is-ready")).to_be_attached(timeout=20_000)
    open_content(player)
    viewed = page.get_by_role("button", name=VIEWED_BUTTON)
    # Shown by the lesson page until the rule is met; the player's frame above it has its height by now.
    expect(viewed).to_be_visible(timeout=20_000)
    assert not Result.objects.exists(), "the content reported itself as viewed: this test would not test"
    # The connection drops as the learner presses the button: the record waits in the lesson page's queue.
    page.context.set_offline(True)
    viewed.click()
    expect(page.locator(".h5p-save-status")).to_have_text(
        page.locator("[data-h5p-activity]").get_attribute("data-msg-offline")
    )
    queued = [s["verb"]["id"] for s in waiting_h5p_statements(page)]
    assert queued == ["http://adlnet.gov/expapi/verbs/experienced"] and not Result.objects.exists()
    page.context.set_offline(False)

    assert_completed(page, lesson)
    expect(page.get_by_role("button", name=VIEWED_BUTTON)).to_be_hidden()
    screenshot(f"h5p-rules-{name.removesuffix('.h5p')}")
    assert Result.objects.get().viewed_at is not None
