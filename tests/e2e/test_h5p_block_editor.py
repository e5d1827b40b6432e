"""A trainer puts an H5P activity in a lesson: the block editor offers only the completion rules the chosen
activity can meet (lms/h5p/compatibility.py), live as the activity changes, and warns when the block's rule
cannot be met; the lesson is then saved and submitted for review."""

from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from courses.models import LessonPage
from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory, make_catalogue, make_course
from tests.h5p_builders import store_package, thirdparty_path

from .test_h5p import log_in

OFFERED = "(select) => Array.from(select.options).filter((o) => !o.hidden && !o.disabled).map((o) => o.value)"


def package(name: str):
    title = name.removesuffix(".h5p").removeprefix("H5P.")
    return store_package(thirdparty_path(name).read_bytes(), title=title)


def review_workflow(catalogue) -> None:
    """Lessons are published after review, as on the platform (lms/demo/loader.py)."""
    task = GroupApprovalTask.objects.create(name="Duyệt nội dung")
    task.groups.set([Group.objects.get(name=roles.ADMINISTRATOR)])
    workflow = Workflow.objects.create(name="Duyệt khóa học", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task.task_ptr, sort_order=0)
    WorkflowPage.objects.create(page=catalogue, workflow=workflow)


def choose_activity(page, title: str) -> None:
    chooser = page.locator("[id$='-activity-chooser']")
    actions = chooser.get_by_role("button", name="Thao tác")  # once chosen, "change" is in this menu
    if actions.is_visible():
        actions.click()
    page.locator("[data-chooser-action-choose]:visible").first.click()
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name=title).click()
    expect(modal).to_be_hidden()
    expect(chooser.locator("[data-chooser-title]")).to_have_text(title)


def test_the_editor_offers_only_the_rules_the_chosen_activity_can_meet(
    live_server, transactional_db, page, screenshot
):
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_bien_soan")
    trainer.groups.add(groups[roles.TRAINER])
    catalogue = make_catalogue()
    review_workflow(catalogue)
    lesson = LessonPage.objects.descendant_of(make_course(catalogue, modules=1, lessons_per_module=1)).get()
    accordion, blanks = package("H5P.Accordion.h5p"), package("H5P.Blanks.h5p")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, trainer.username)

    page.goto(f"{live_server.url}/admin/pages/{lesson.pk}/edit/")
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name="Hoạt động H5P").click()
    rule = page.locator("select[id$='-rule']")  # the lesson's one H5P block
    warning = page.locator("[data-h5p-rule-warning]")
    expect(warning).to_be_hidden()

    # An Accordion reports nothing: only "views or interacts with it" is offered; the default rule
    # ("completes it") stays shown, with a warning, until the trainer chooses.
    choose_activity(page, "Accordion")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Học viên sẽ không bao giờ đạt được")
    expect(warning).to_contain_text("“xem hoặc tương tác với hoạt động”")
    assert rule.evaluate(OFFERED) == ["completed", "viewed"]  # the current rule, and the one it can meet
    screenshot("h5p-block-editor-accordion")
    rule.select_option("viewed")
    expect(warning).to_be_hidden()
    assert rule.evaluate(OFFERED) == ["viewed"]

    # Blanks sends a score: "passes it" is offered (decided from its pass mark).
    choose_activity(page, "Blanks")
    assert rule.evaluate(OFFERED) == ["completed", "passed", "scaled", "viewed"]
    rule.select_option("passed")
    expect(warning).to_be_hidden()
    screenshot("h5p-block-editor-blanks")

    # Wagtail's "Submit to <workflow>", in our Vietnamese (locale_overrides)
    submit = page.get_by_role("button", name="Gửi duyệt", exact=True)
    if not submit.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    submit.click()
    expect(page.locator(".messages .success")).to_be_visible()

    lesson.refresh_from_db()
    state = WorkflowState.objects.get(object_id=str(lesson.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    body = lesson.get_latest_revision_as_object().body
    (value,) = [child.value for child in body if child.block_type == "h5p"]
    assert (value["activity"].pk, value["rule"]) == (blanks.activity_id, "passed")
    assert value["activity"].pk != accordion.activity_id
