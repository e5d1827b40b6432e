"""Names screen readers announce: the lesson outline's status is real (visually hidden) text, and every
rich-text box in the editor is named (axe: aria-input-field-name)."""

import pytest

from content.blocks import LessonBodyBlock
from courses.models import InfoPage
from lms.learning import services
from lms.learning.models import LessonCompletion
from tests.builders import lessons_of


def test_the_outline_status_is_text_not_an_aria_label(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    services.progress_record(
        user=learner, lesson=lessons_of(course)[0], source=LessonCompletion.Source.MANUAL
    )

    html = learner_client.get(course.url).content.decode()

    assert html.count('<span class="visually-hidden">Đã hoàn thành:</span>') == 1
    assert html.count('<span class="visually-hidden">Chưa hoàn thành:</span>') == 3
    assert 'class="lesson-status" aria-label' not in html
    assert html.count('<span class="lesson-status" aria-hidden="true">') == 4


def test_the_lesson_bodys_text_box_is_named_after_its_block():
    paragraph = LessonBodyBlock().child_blocks["paragraph"]
    assert paragraph.field.widget.options["ariaLabel"] == str(paragraph.label)


@pytest.mark.django_db
def test_a_rich_text_field_in_the_page_editor_is_named_after_its_field():
    form = InfoPage.get_edit_handler().get_form_class()(instance=InfoPage(), for_user=None)
    assert form.fields["body"].widget.options["ariaLabel"] == str(form.fields["body"].label)
