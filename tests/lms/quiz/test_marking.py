"""Trainers mark essays in the Wagtail admin: the queue, the marking page, permissions, query counts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.quiz import selectors, services
from lms.quiz.models import Answer, Attempt, AttemptAnswer, Category, Question, Quiz, QuizQuestion

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2025, 3, 1, 2, 30, tzinfo=UTC)  # 09:30 in Asia/Ho_Chi_Minh
QUEUE_URL = "/admin/marking/"


def make_user(username, *, full_name="", permissions=()):
    user = get_user_model().objects.create_user(
        username=username, password="MatKhau@123", email=f"{username}@phuong.example", full_name=full_name
    )
    for label in permissions:
        app_label, codename = label.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_quiz(slug, *, essays=1, pass_mark=60):
    """A quiz with one single-choice question (1 point) and `essays` essay questions (2 points each)."""
    category, _created = Category.objects.get_or_create(name="Chuyển đổi số")
    quiz = Quiz.objects.create(
        title=f"Bài kiểm tra {slug}", slug=slug, category=category, pass_mark=pass_mark
    )
    single = Question.objects.create(kind=Question.Kind.SINGLE, category=category, text="Chữ ký số là gì?")
    Answer.objects.create(question=single, text="Chữ ký điện tử an toàn", correct=True, sort_order=0)
    Answer.objects.create(question=single, text="Chữ ký scan", correct=False, sort_order=1)
    QuizQuestion.objects.create(quiz=quiz, question=single, sort_order=0)
    for number in range(1, essays + 1):
        essay = Question.objects.create(
            kind=Question.Kind.ESSAY,
            category=category,
            points=Decimal("2"),
            text=f"Trình bày quy trình số {number}.",
            explanation=f"Hướng dẫn chấm {number}: đủ ba bước được 2 điểm.",
        )
        QuizQuestion.objects.create(quiz=quiz, question=essay, sort_order=number)
    return quiz


def submit(user, quiz, *, essay_text="Bước 1, bước 2, bước 3.", right=True, submitted_at=SUBMITTED):
    """A real submitted attempt, answered through the services."""
    started = submitted_at - timedelta(minutes=10)
    attempt = services.attempt_start(user=user, quiz=quiz, now=started)
    for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("answers"):
        if question.kind == Question.Kind.ESSAY:
            if essay_text is not None:
                services.attempt_save_answer(
                    attempt=attempt, question_id=question.pk, response=essay_text, now=started
                )
        else:
            choice = next(a for a in question.answers.all() if a.correct == right)
            services.attempt_save_answer(
                attempt=attempt, question_id=question.pk, response=choice.pk, now=started
            )
    return services.attempt_submit(attempt=attempt, now=submitted_at)


def essay_answers(attempt):
    return list(
        AttemptAnswer.objects.filter(attempt=attempt, question__kind=Question.Kind.ESSAY).order_by(
            "question_id"
        )
    )


def mark_url(attempt):
    return reverse("quiz_marking:mark", args=[attempt.pk])


def field(answer, name):
    return f"answer-{answer.pk}-{name}"


@pytest.fixture
def trainer():
    return make_user(
        "giangvien",
        full_name="Trần Thị Giảng",
        permissions=["quiz.mark_attempt", "wagtailadmin.access_admin"],
    )


@pytest.fixture
def trainer_client(trainer):
    client = Client()
    client.force_login(trainer)
    return client


@pytest.fixture
def editor_client():
    """Can use the Wagtail admin, but may not mark."""
    client = Client()
    client.force_login(make_user("bientap", permissions=["wagtailadmin.access_admin"]))
    return client


@pytest.fixture
def quiz():
    return make_quiz("kiem-tra-1")


@pytest.fixture
def learner():
    return make_user("hocvien", full_name="Nguyễn Văn An")


@pytest.fixture
def attempt(learner, quiz):
    return submit(learner, quiz)


# --- The queue -------------------------------------------------------------------------------------------


def test_the_urls_live_in_the_wagtail_admin():
    assert reverse("quiz_marking:index") == QUEUE_URL
    assert reverse("quiz_marking:mark", args=[7]) == "/admin/marking/7/"


def test_queue_lists_only_submitted_attempts_awaiting_marking(trainer_client, trainer, quiz, learner):
    waiting = submit(learner, quiz)
    marked = submit(make_user("hv2"), quiz)
    services.answer_mark(answer=essay_answers(marked)[0], marker=trainer, score="2")
    submit(make_user("hv3"), quiz, essay_text=None)  # skipped the essay: nothing to mark
    submit(make_user("hv4"), make_quiz("trac-nghiem", essays=0))  # no essays at all
    services.attempt_start(user=make_user("hv5"), quiz=quiz)  # still in progress

    response = trainer_client.get(QUEUE_URL)

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [waiting]


def test_queue_row_shows_learner_quiz_number_local_submission_time_and_unmarked_essays(
    trainer_client, learner
):
    attempt = submit(learner, make_quiz("hai-tu-luan", essays=2))
    trainer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = trainer_client.get(QUEUE_URL)

    row = response.context["page_obj"].object_list[0]
    content = response.content.decode()
    assert row.unmarked_essays == 2
    assert "Nguyễn Văn An" in content
    assert attempt.quiz.title in content
    assert "01/03/2025 09:30" in content  # dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh
    assert mark_url(attempt) in content


def test_queue_filters_by_quiz(trainer_client, learner, quiz):
    other_quiz = make_quiz("kiem-tra-2")
    submit(learner, quiz)
    wanted = submit(learner, other_quiz)

    response = trainer_client.get(QUEUE_URL, {"quiz": other_quiz.pk})

    assert list(response.context["page_obj"].object_list) == [wanted]


@pytest.mark.parametrize("query", ["văn an", "HOCVIEN", "hocvien@phuong"])
def test_queue_filters_by_learner_name_username_or_email(trainer_client, learner, quiz, query):
    wanted = submit(learner, quiz)
    submit(make_user("canbo", full_name="Lê Thị Bình"), quiz)

    response = trainer_client.get(QUEUE_URL, {"learner": query})

    assert list(response.context["page_obj"].object_list) == [wanted]


def test_queue_ignores_an_unknown_quiz_filter(trainer_client, attempt):
    response = trainer_client.get(QUEUE_URL, {"quiz": "không-phải-số", "state": "bogus"})

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [attempt]


def test_queue_has_a_clear_empty_state(trainer_client):
    trainer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = trainer_client.get(QUEUE_URL)

    assert response.status_code == 200
    assert "No essays are waiting to be marked." in response.content.decode()


def test_queue_state_filter_shows_marked_attempts(trainer_client, trainer, quiz, learner):
    waiting = submit(learner, quiz, submitted_at=SUBMITTED)
    marked = submit(make_user("hv2"), quiz, submitted_at=SUBMITTED + timedelta(hours=1))
    services.answer_mark(answer=essay_answers(marked)[0], marker=trainer, score="1")

    only_marked = trainer_client.get(QUEUE_URL, {"state": "marked"})
    everything = trainer_client.get(QUEUE_URL, {"state": "all"})

    assert list(only_marked.context["page_obj"].object_list) == [marked]
    assert list(everything.context["page_obj"].object_list) == [waiting, marked]


def test_queue_is_paginated_25_per_page_oldest_submission_first(trainer_client, quiz):
    attempts = [
        submit(make_user(f"hv{i}"), quiz, submitted_at=SUBMITTED + timedelta(minutes=30 - i))
        for i in range(30)
    ]
    oldest_first = list(reversed(attempts))

    first = trainer_client.get(QUEUE_URL)
    second = trainer_client.get(QUEUE_URL, {"p": 2})

    assert list(first.context["page_obj"].object_list) == oldest_first[:25]
    assert list(second.context["page_obj"].object_list) == oldest_first[25:]


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE_URL)
    assert response.status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow_with_the_number_of_attempts(trainer_client, quiz):
    for i in range(3):
        submit(make_user(f"it{i}"), quiz)
    _queue_queries(trainer_client)  # warm (the trainer's permissions, cached between requests)
    few = _queue_queries(trainer_client)
    for i in range(27):
        submit(make_user(f"nhieu{i}", full_name=f"Người {i}"), make_quiz(f"q{i}") if i % 5 == 0 else quiz)
    many = _queue_queries(trainer_client)

    assert many == few


# --- Selectors ---------------------------------------------------------------------------------------------


def test_marking_queue_counts_unmarked_essays(trainer, learner):
    attempt = submit(learner, make_quiz("hai-tu-luan", essays=2))
    services.answer_mark(answer=essay_answers(attempt)[0], marker=trainer, score="2")

    awaiting = selectors.marking_queue(state="awaiting").get()
    marked = selectors.marking_queue(state="marked").get()

    assert awaiting.pk == marked.pk == attempt.pk
    assert awaiting.unmarked_essays == 1


def test_marking_queue_refuses_an_unknown_state():
    with pytest.raises(ValueError):
        selectors.marking_queue(state="everything")


# --- Permissions --------------------------------------------------------------------------------------------


def test_a_user_without_mark_permission_is_refused_everywhere(editor_client, attempt):
    answer = essay_answers(attempt)[0]
    home = reverse("wagtailadmin_home")

    listing = editor_client.get(QUEUE_URL)
    page = editor_client.get(mark_url(attempt))
    post = editor_client.post(
        mark_url(attempt), {field(answer, "score"): "2", field(answer, "comment"): "Tốt"}
    )

    # Wagtail's admin turns PermissionDenied into a redirect to its dashboard with an error message.
    for response in (listing, page, post):
        assert response.status_code == 302
        assert response["Location"] == home
    answer.refresh_from_db()
    attempt.refresh_from_db()
    assert answer.score is None
    assert answer.marker_comment == ""
    assert attempt.awaiting_marking is True


def test_a_user_without_mark_permission_gets_403_from_script_requests(editor_client, attempt):
    answer = essay_answers(attempt)[0]
    xhr = {"headers": {"x-requested-with": "XMLHttpRequest"}}

    listing = editor_client.get(QUEUE_URL, **xhr)
    page = editor_client.get(mark_url(attempt), **xhr)
    post = editor_client.post(mark_url(attempt), {field(answer, "score"): "2"}, **xhr)

    assert [listing.status_code, page.status_code, post.status_code] == [403, 403, 403]
    answer.refresh_from_db()
    assert answer.score is None


def test_anonymous_visitors_are_sent_to_the_admin_login(client, attempt):
    response = client.get(QUEUE_URL)

    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_marking_checks_csrf(trainer, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    answer = essay_answers(attempt)[0]

    response = client.post(mark_url(attempt), {field(answer, "score"): "2"})

    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.score is None


def test_the_marking_page_does_not_save_on_other_methods(trainer_client, attempt):
    response = trainer_client.put(mark_url(attempt))

    assert response.status_code == 405


def test_the_menu_item_is_shown_only_to_markers(trainer_client, editor_client):
    assert QUEUE_URL in trainer_client.get(reverse("wagtailadmin_home")).content.decode()
    assert QUEUE_URL not in editor_client.get(reverse("wagtailadmin_home")).content.decode()


# --- The marking page ------------------------------------------------------------------------------------


def test_marking_page_shows_the_question_the_answer_and_the_marking_guide(trainer_client, attempt):
    response = trainer_client.get(mark_url(attempt))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Trình bày quy trình số 1." in content
    assert "Bước 1, bước 2, bước 3." in content
    assert "Hướng dẫn chấm 1: đủ ba bước được 2 điểm." in content
    assert "Chữ ký điện tử an toàn" in content  # the choice answer, read-only
    assert 'name="answer-' in content


def test_an_attempt_in_progress_cannot_be_marked(trainer_client, learner, quiz):
    attempt = services.attempt_start(user=learner, quiz=quiz)

    assert trainer_client.get(mark_url(attempt)).status_code == 404


@pytest.mark.parametrize("typed", ["1.5", "1,5"])
def test_partial_credit_recomputes_the_attempt_and_clears_awaiting(trainer_client, trainer, attempt, typed):
    answer = essay_answers(attempt)[0]

    response = trainer_client.post(
        mark_url(attempt), {field(answer, "score"): typed, field(answer, "comment"): "Thiếu ví dụ."}
    )

    assert response.status_code == 302
    assert response["Location"] == QUEUE_URL
    answer.refresh_from_db()
    attempt.refresh_from_db()
    assert answer.score == Decimal("1.5")
    assert answer.marked_by == trainer
    assert answer.marked_at is not None
    assert attempt.score == Decimal("2.5")  # 1 (choice) + 1.5 (essay)
    assert attempt.max_score == Decimal("3")
    assert attempt.percent == Decimal("83.33")
    assert attempt.passed is True
    assert attempt.awaiting_marking is False


def test_a_low_essay_mark_fails_the_attempt(trainer_client, learner, quiz):
    attempt = submit(learner, quiz, right=False)
    answer = essay_answers(attempt)[0]

    trainer_client.post(mark_url(attempt), {field(answer, "score"): "0.5"})

    attempt.refresh_from_db()
    assert attempt.percent == Decimal("16.67")
    assert attempt.passed is False
    assert attempt.awaiting_marking is False


def test_the_learner_sees_the_markers_comment(trainer_client, attempt):
    answer = essay_answers(attempt)[0]

    trainer_client.post(
        mark_url(attempt), {field(answer, "score"): "2", field(answer, "comment"): "  Rất tốt, đủ ba bước.  "}
    )

    answer.refresh_from_db()
    attempt.refresh_from_db()
    assert answer.marker_comment == "Rất tốt, đủ ba bước."
    review = {item.question.pk: item for item in selectors.attempt_review(attempt=attempt)}
    assert review[answer.question_id].marker_comment == "Rất tốt, đủ ba bước."
    assert review[answer.question_id].score == Decimal("2")


@pytest.mark.parametrize("typed", ["2.5", "-1", "abc", "NaN", "1.555"])
def test_an_invalid_score_is_rejected_and_nothing_changes(trainer_client, attempt, typed):
    answer = essay_answers(attempt)[0]
    before = Attempt.objects.values("score", "percent", "passed", "awaiting_marking").get(pk=attempt.pk)

    response = trainer_client.post(
        mark_url(attempt), {field(answer, "score"): typed, field(answer, "comment"): "Bình luận"}
    )

    assert response.status_code == 200
    form = next(form for item, form in response.context["rows"] if item.is_essay)
    assert form.errors["score"]
    answer.refresh_from_db()
    assert answer.score is None
    assert answer.marker_comment == ""
    assert answer.marked_at is None
    assert (
        Attempt.objects.values("score", "percent", "passed", "awaiting_marking").get(pk=attempt.pk) == before
    )


def test_a_score_above_the_points_shows_the_services_message(trainer_client, attempt):
    answer = essay_answers(attempt)[0]
    trainer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = trainer_client.post(mark_url(attempt), {field(answer, "score"): "3"})

    assert "The score must be between 0 and 2." in response.content.decode()


def test_a_rejected_answer_does_not_stop_the_valid_one_from_being_saved(trainer_client, learner):
    attempt = submit(learner, make_quiz("hai-tu-luan", essays=2))
    good, bad = essay_answers(attempt)

    response = trainer_client.post(
        mark_url(attempt), {field(good, "score"): "2", field(bad, "score"): "5", field(bad, "comment"): "x"}
    )

    assert response.status_code == 200
    good.refresh_from_db()
    bad.refresh_from_db()
    attempt.refresh_from_db()
    assert good.score == Decimal("2")
    assert bad.score is None
    assert bad.marker_comment == ""
    assert attempt.awaiting_marking is True
    assert response.context["attempt"].score == Decimal("3")  # the page shows the recomputed score


def test_a_comment_without_a_score_is_not_saved(trainer_client, attempt):
    answer = essay_answers(attempt)[0]

    response = trainer_client.post(mark_url(attempt), {field(answer, "comment"): "Chưa chấm điểm"})

    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.marker_comment == ""


def test_posting_unchanged_marks_keeps_the_first_marker(trainer_client, attempt, quiz):
    answer = essay_answers(attempt)[0]
    first_marker = make_user("giangvien2", permissions=["quiz.mark_attempt"])
    services.answer_mark(answer=answer, marker=first_marker, score="2", comment="Tốt")

    response = trainer_client.post(
        mark_url(attempt), {field(answer, "score"): "2,00", field(answer, "comment"): "Tốt"}
    )

    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.marked_by == first_marker


def test_after_saving_the_trainer_returns_to_the_filtered_queue(trainer_client, attempt, quiz):
    answer = essay_answers(attempt)[0]
    url = f"{mark_url(attempt)}?back=quiz%3D{quiz.pk}%26learner%3Dan%26next%3Dhttps%3A%2F%2Fevil.example"

    response = trainer_client.post(url, {field(answer, "score"): "2"})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE_URL}?quiz={quiz.pk}&learner=an"


def test_the_queue_results_fragment_needs_the_mark_permission(trainer_client, editor_client, attempt):
    """Wagtail's filters reload the table from the results URL: it is guarded like the queue."""
    url = reverse("quiz_marking:index_results")

    assert editor_client.get(url).status_code == 302
    response = trainer_client.get(url, {"quiz": attempt.quiz_id})
    assert response.status_code == 200
    assert mark_url(attempt) in response.content.decode()
