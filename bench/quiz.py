"""Server time and SQL queries of saving one quiz answer, with 10,000 attempts in the database.

Usage: .venv/bin/python bench/quiz.py [--attempts 10000] [--requests 300]
Uses a throw-away test database (SQLite by default; PostgreSQL when DATABASE_URL names it).
Each answer is posted as quiz.js's outbox posts it: with a new `client_id` and the device's `made_at`, so the
receipt that makes a retry count once is part of what is measured.
Prints answer_save_ms (median, through the real view and in-process client) and answer_save_queries, and
answer_save_queries_replay (the same client id sent again: the first reply, nothing stored twice).
"""

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup_test_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()

    connection = setup_test_database()
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from courses.models import LessonPage, ModulePage
    from lms.learning.services import enrolment_create
    from lms.people.models import User
    from lms.quiz.models import Attempt, AttemptAnswer, Quiz
    from lms.quiz.services import attempt_start
    from tests.builders import make_catalogue, make_course
    from tests.quiz_builders import make_question, make_quiz

    questions = [make_question("single") for _ in range(args.questions)]
    quiz = make_quiz(questions, answers_at_end=True, review=Quiz.Review.EXPLANATIONS)
    course = make_course(make_catalogue(), modules=1, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).first()
    lesson = module.add_child(
        instance=LessonPage(
            title="Kiểm tra", slug="kiem-tra", body=json.dumps([{"type": "quiz", "value": {"quiz": quiz.pk}}])
        )
    )

    users = User.objects.bulk_create(User(username=f"bench{i}") for i in range(args.attempts // 10))
    now = timezone.now()
    question_ids = [q.pk for q in questions]
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            user=users[i % len(users)],
            number=i // len(users) + 1,
            question_ids=question_ids,
            state=Attempt.State.SUBMITTED,
            submitted_at=now,
        )
        for i in range(args.attempts)
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, question_id=question_ids[0], response={"choices": []}, score=0)
        for attempt in attempts
    )

    learner = User.objects.create_user(username="hocvien_bench")
    enrolment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz, context_page_id=lesson.pk)
    client = Client()
    client.force_login(learner)
    url = reverse("lesson_quiz:answer", args=[attempt.pk])
    choice = questions[0].answers.first().pk
    payload = {"question": questions[0].pk, "choice": choice}

    def post(client_id=None):
        sent = {**payload, "client_id": str(client_id or uuid.uuid4()), "made_at": timezone.now().isoformat()}
        response = client.post(url, sent, HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == 200, response.content
        return response.json()

    for _ in range(10):
        post()
    client_id = uuid.uuid4()
    with CaptureQueriesContext(db) as queries:
        first = post(client_id)
    query_count = len(queries)  # read now: the log is cleared by the next request
    with CaptureQueriesContext(db) as queries:
        assert post(client_id) == first
    replay_count = len(queries)
    timings = []
    for _ in range(args.requests):
        start = time.perf_counter()
        post()
        timings.append((time.perf_counter() - start) * 1000)

    print(f"database: {connection.vendor}")
    print(f"attempts_in_database: {Attempt.objects.count()}")
    print(f"questions_in_attempt: {len(attempt.question_ids)}")
    print(f"answer_save_ms: {statistics.median(timings):.2f}")
    print(f"answer_save_queries: {query_count}")
    print(f"answer_save_queries_replay: {replay_count}")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
