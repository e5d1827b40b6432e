import json

import pytest
from django.urls import reverse

from courses.models import LessonPage, ModulePage
from lms.learning import services as learning_services
from lms.learning.models import Enrolment, LessonCompletion
from lms.quiz.models import Attempt, AttemptAnswer
from tests.builders import UserFactory, lessons_of, make_course
from tests.quiz_builders import correct_response, make_question, make_quiz, quiz_block

CLOSED = "Lần làm bài này đã được nộp; không thể thay đổi câu trả lời nữa."
SIGNED_OUT = "Bạn đã đăng xuất nên câu trả lời này chưa được lưu. Hãy đăng nhập lại để tiếp tục."


@pytest.fixture
def quiz_lesson(catalogue):
    """A course whose second module ends with a lesson holding a quiz (single, multiple, short, essay)."""
    course = make_course(catalogue, modules=1, lessons_per_module=1)
    questions = [
        make_question("single"),
        make_question("multiple"),
        make_question("short"),
        make_question("essay"),
    ]
    quiz = make_quiz(questions, pass_mark=60, review=4, answers_at_end=True)
    module = ModulePage.objects.child_of(course).first()
    lesson = module.add_child(
        instance=LessonPage(title="Kiểm tra cuối chương", slug="kiem-tra", body=quiz_block(quiz))
    )
    return course, lesson, quiz, questions


def start(client, lesson, quiz):
    return client.post(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))


def enrolled(learner, course):
    learning_services.enrolment_create(user=learner, course=course)


def begin(client, learner, quiz_lesson) -> Attempt:
    """The learner enrolled and the quiz started through `client`: the attempt."""
    course, lesson, quiz, _questions = quiz_lesson
    enrolled(learner, course)
    start(client, lesson, quiz)
    return Attempt.objects.get()


def answer(client, attempt, question, *, fetch: bool = True, **fields):
    """An answer to `question` (its correct choice unless `fields` give the answer), posted as quiz.js's
    fetch posts it, or as the plain form does (fetch=False)."""
    data = {"question": question.pk, **(fields or {"choice": correct_response(question)})}
    extra = {"HTTP_X_REQUESTED_WITH": "fetch"} if fetch else {}
    return client.post(reverse("lesson_quiz:answer", args=[attempt.pk]), data, **extra)


def test_starting_requires_enrolment(learner_client, quiz_lesson):
    _course, lesson, quiz, _questions = quiz_lesson

    response = start(learner_client, lesson, quiz)

    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_starting_a_quiz_that_is_not_in_the_lesson_is_a_404(learner_client, learner, quiz_lesson):
    course, lesson, _quiz, _questions = quiz_lesson
    enrolled(learner, course)
    other = make_quiz([make_question("single")])

    assert start(learner_client, lesson, other).status_code == 404


def test_starting_by_get_is_refused(learner_client, learner, quiz_lesson):
    course, lesson, quiz, _questions = quiz_lesson
    enrolled(learner, course)

    response = learner_client.get(reverse("lesson_quiz:start", args=[lesson.pk, quiz.pk]))

    assert response.status_code == 405


def test_the_quiz_page_and_its_json_reveal_no_correct_answer_or_explanation(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    enrolled(learner, course)
    attempt_url = start(learner_client, lesson, quiz)["Location"]
    attempt = Attempt.objects.get()

    pages = [learner_client.get(attempt_url, {"cau": n}).content.decode() for n in range(1, 5)]
    saved = answer(learner_client, attempt, questions[0])
    lesson_html = learner_client.get(lesson.url).content.decode()

    everything = "\n".join([*pages, saved.content.decode(), lesson_html])
    assert "GIAI-THICH" not in everything
    assert "Chữ ký số" not in everything  # the accepted short answer
    assert (
        "correct" not in json.loads(saved.content)["feedback"]
        if json.loads(saved.content)["feedback"]
        else True
    )
    for question in questions:
        assert f"GIAI-THICH-{question.pk}" not in everything
    assert 'name="correct"' not in everything and "data-correct" not in everything


def test_a_learner_resumes_with_saved_answers_and_passing_completes_the_lesson(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    answer_url = reverse("lesson_quiz:answer", args=[attempt.pk])
    single, multiple, short, essay = questions
    learner_client.post(answer_url, {"question": single.pk, "choice": correct_response(single), "go": "2"})

    # The connection drops; the learner comes back through the lesson and continues.
    lesson_html = learner_client.get(lesson.url).content.decode()
    assert "Tiếp tục làm bài" in lesson_html
    page = learner_client.get(reverse("lesson_quiz:take", args=[attempt.pk]), {"cau": 1}).content.decode()
    assert f'value="{correct_response(single)}" checked' in page

    learner_client.post(answer_url, {"question": multiple.pk, "choices": correct_response(multiple)})
    learner_client.post(answer_url, {"question": short.pk, "text": "chu ky so"})
    learner_client.post(answer_url, {"question": essay.pk, "text": "Phường tôi sẽ số hóa sổ hộ tịch."})
    result = learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]), follow=True)

    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.awaiting_marking is True
    assert "Đạt" in result.content.decode()
    assert LessonCompletion.objects.filter(
        enrolment__user=learner, lesson=lesson, source=LessonCompletion.Source.QUIZ
    ).exists()


def test_a_lesson_with_a_quiz_cannot_be_marked_complete_by_hand(learner_client, learner, quiz_lesson):
    course, lesson, _quiz, _questions = quiz_lesson
    enrolled(learner, course)

    response = learner_client.post(reverse("learning:lesson_complete", args=[lesson.pk]))

    assert response.status_code == 409
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_failing_does_not_complete_the_lesson(learner_client, learner, quiz_lesson):
    course, lesson, quiz, _questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)

    learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]))

    attempt.refresh_from_db()
    assert attempt.passed is False
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()


def test_the_course_completes_when_the_quiz_lesson_is_the_last_one(learner_client, learner, quiz_lesson):
    course, lesson, quiz, questions = quiz_lesson
    enrolled(learner, course)
    learning_services.progress_record(user=learner, lesson=lessons_of(course)[0], source="manual")
    start(learner_client, lesson, quiz)
    attempt = Attempt.objects.get()
    for question in questions:
        raw = correct_response(question)
        key = {"single": "choice", "multiple": "choices", "short": "text", "essay": "text"}[question.kind]
        answer(learner_client, attempt, question, fetch=False, **{key: raw})

    learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]))

    assert Enrolment.objects.get(user=learner, course=course).completed_at is not None


def test_another_persons_attempt_is_not_found(client, learner, quiz_lesson):
    course, lesson, quiz, questions = quiz_lesson
    enrolled(learner, course)
    client.force_login(learner)
    start(client, lesson, quiz)
    attempt = Attempt.objects.get()
    intruder = UserFactory(username="nguoi_la")
    client.force_login(intruder)

    assert client.get(reverse("lesson_quiz:take", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("lesson_quiz:result", args=[attempt.pk])).status_code == 404
    response = answer(client, attempt, questions[0], fetch=False)
    assert response.status_code == 404
    assert not AttemptAnswer.objects.exists()


def test_tampered_choice_ids_get_a_clear_400_and_nothing_is_saved(learner_client, learner, quiz_lesson):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)

    response = answer(learner_client, attempt, questions[0], choice="999999")

    assert response.status_code == 400
    assert json.loads(response.content)["message"] == "Lựa chọn này không thuộc câu hỏi."
    assert not AttemptAnswer.objects.exists()


def test_answering_after_submission_goes_to_the_result(learner_client, learner, quiz_lesson):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]))

    response = answer(learner_client, attempt, questions[0])

    assert response.status_code == 409
    assert not AttemptAnswer.objects.exists()


def test_answering_after_submission_says_why_in_the_json_and_on_the_result_page(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]))

    response = answer(learner_client, attempt, questions[0])
    # quiz.js reloads the quiz page, which leads to the result.
    shown = learner_client.get(reverse("lesson_quiz:take", args=[attempt.pk]), follow=True)

    assert json.loads(response.content) == {"ok": False, "message": CLOSED, "submitted": True}
    assert shown.request["PATH_INFO"] == reverse("lesson_quiz:result", args=[attempt.pk])
    assert CLOSED in shown.content.decode()


def test_a_signed_out_learner_saving_in_the_background_gets_a_403_with_the_reason(
    client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    enrolled(learner, course)
    client.force_login(learner)
    start(client, lesson, quiz)
    attempt = Attempt.objects.get()
    client.logout()

    response = answer(client, attempt, questions[0])

    assert response.status_code == 403
    assert json.loads(response.content) == {"ok": False, "message": SIGNED_OUT}
    assert not AttemptAnswer.objects.exists()


def test_a_signed_out_learner_posting_the_form_is_sent_to_the_login_page(client, learner, quiz_lesson):
    course, lesson, quiz, questions = quiz_lesson
    enrolled(learner, course)
    client.force_login(learner)
    start(client, lesson, quiz)
    attempt = Attempt.objects.get()
    client.logout()

    response = answer(client, attempt, questions[0], fetch=False)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AttemptAnswer.objects.exists()


def test_passing_the_last_required_quiz_completes_the_course_and_says_so(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    enrolment, _ = learning_services.enrolment_create(user=learner, course=course)
    for other in LessonPage.objects.descendant_of(course).exclude(pk=lesson.pk):
        learning_services.progress_record(user=learner, lesson=other, source=LessonCompletion.Source.MANUAL)
    start(learner_client, lesson, quiz)
    attempt = Attempt.objects.get()
    answer_url = reverse("lesson_quiz:answer", args=[attempt.pk])
    for question in questions[:3]:
        field = {"single": "choice", "multiple": "choices", "short": "text"}[question.kind]
        learner_client.post(answer_url, {"question": question.pk, field: correct_response(question)})

    result = learner_client.post(reverse("lesson_quiz:submit", args=[attempt.pk]), follow=True)

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert "Chúc mừng! Bạn đã hoàn thành khóa học." in result.content.decode()
    again = learner_client.get(reverse("lesson_quiz:result", args=[attempt.pk])).content.decode()
    assert "Chúc mừng!" not in again


def test_an_answer_sent_twice_by_the_outbox_gets_the_same_json_reply_and_is_stored_once(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    data = {
        "question": questions[0].pk,
        "choice": correct_response(questions[0]),
        "client_id": "0b7c7a4e-4f0e-4c1a-9d3e-2f5a3c1b8e11",
        "made_at": "2026-01-01T00:00:00Z",
    }
    url = reverse("lesson_quiz:answer", args=[attempt.pk])

    first = learner_client.post(url, data, HTTP_X_REQUESTED_WITH="fetch")
    again = learner_client.post(url, data, HTTP_X_REQUESTED_WITH="fetch")

    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == json.loads(again.content) == {"ok": True, "feedback": None}
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    bad = learner_client.post(url, {**data, "client_id": "not-a-uuid"}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400


def test_an_older_answer_of_the_same_browser_arriving_late_is_acknowledged_as_stale(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    single = questions[0]
    wrong = next(a.pk for a in single.answers.all() if not a.correct)
    url = reverse("lesson_quiz:answer", args=[attempt.pk])
    device = "5d1e2c3b-0a4f-4e6d-8c7b-9a8b7c6d5e4f"
    newer = {"question": single.pk, "choice": correct_response(single), "device": device, "device_seq": "20"}
    older = {"question": single.pk, "choice": wrong, "device": device, "device_seq": "10"}

    first = learner_client.post(url, newer, HTTP_X_REQUESTED_WITH="fetch")
    late = learner_client.post(url, older, HTTP_X_REQUESTED_WITH="fetch")

    assert json.loads(first.content) == {"ok": True, "feedback": None}
    assert json.loads(late.content) == {"ok": True, "feedback": None, "stale": True}
    assert AttemptAnswer.objects.get(attempt=attempt).score == 1
    bad = learner_client.post(url, {**older, "device_seq": "-1"}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400


# --- The review screen before "Nộp bài" (one question per page)

REVIEW_TITLE = "Xem lại trước khi nộp bài"


def test_the_last_question_saves_into_the_review_screen_which_lists_every_question(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    take = reverse("lesson_quiz:take", args=[attempt.pk])
    last = learner_client.get(take, {"cau": 4}).content.decode()
    assert 'name="go" value="xem-lai">' in last and "Lưu và xem lại" in last
    assert "Nộp bài</button>" not in last  # only on the review screen

    saved = answer(learner_client, attempt, questions[3], fetch=False, text="Bài viết.", go="xem-lai")

    assert saved["Location"] == f"{take}?cau=xem-lai"
    html = learner_client.get(saved["Location"]).content.decode()
    assert REVIEW_TITLE in html
    assert html.count('class="quiz-review-item is-unanswered"') == 3
    assert html.count('class="quiz-review-item is-answered"') == 1
    assert '<button type="submit" class="button button-primary">Nộp bài</button>' in html
    assert "Còn 3 câu hỏi chưa trả lời. Bạn vẫn muốn nộp bài?" in html  # the confirmation
    assert 'class="quiz-question' not in html


def test_with_everything_answered_the_quiz_opens_on_its_review_not_question_1(
    learner_client, learner, quiz_lesson
):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    answer_url = reverse("lesson_quiz:answer", args=[attempt.pk])
    take = reverse("lesson_quiz:take", args=[attempt.pk])
    single, multiple, short, essay = questions
    learner_client.post(answer_url, {"question": single.pk, "choice": correct_response(single)})
    learner_client.post(answer_url, {"question": multiple.pk, "choices": correct_response(multiple)})
    learner_client.post(answer_url, {"question": short.pk, "text": correct_response(short)})
    assert 'value="4"' in learner_client.get(take).content.decode()  # the first unanswered question

    learner_client.post(answer_url, {"question": essay.pk, "text": "Bài viết."})

    html = learner_client.get(take).content.decode()
    assert REVIEW_TITLE in html and html.count("is-answered") >= 4
    assert 'class="quiz-question' not in html


def test_a_damaged_destination_only_loses_the_page_to_go_to(learner_client, learner, quiz_lesson):
    course, lesson, quiz, questions = quiz_lesson
    attempt = begin(learner_client, learner, quiz_lesson)
    take = reverse("lesson_quiz:take", args=[attempt.pk])

    for go in ("xem-lai?x=1", "-1", "0", "99999", "<script>"):
        saved = answer(
            learner_client, attempt, questions[0], fetch=False, choice=correct_response(questions[0]), go=go
        )
        assert saved.status_code == 302 and saved["Location"] == take
