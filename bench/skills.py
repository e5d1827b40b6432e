"""The skills map at 100,000 officials on PostgreSQL, on the data of bench/reports.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartward_bench .venv/bin/python bench/skills.py

Uses the database bench/reports.py builds (and builds it the same way if it is missing). Adds once, in bulk:
a framework of 20 competences (four areas of five) on a 1–4 scale; for each of the 5 positions 8 expected
competences at level 2 or 3; one question category per competence with 5 questions each, four quizzes (one per
area, 25 questions); one submitted attempt per official of one of the quizzes, every answer scored (2.5
million answers, each right with a probability drawn per person); evidence links "questions of the category
answered correctly" at level 2 (60 %) and level 3 (80 %), and "course completed" at level 2 for each of the
bench's courses; each attempt's tally (what the app keeps when an attempt finishes), from its answers.
People's levels are written by one SQL statement applying the same rule as
`levels.person_levels_recompute` (with empty evidence lists), then checked against the service itself on
`--check` random people (any difference stops the bench).

Prints, medians of `--runs` after a warm-up:
- skills_snapshot_refresh_s (once): `snapshot.map_snapshot_take`, the map of every unit, position and
  competence counted for the large maps that read it "as of" (what Celery beat runs every 10 minutes);
- skills_map_city_ms: the whole map of the city for an administrator (its rows, every cell, the suggestions),
  from that snapshot; skills_map_city_live_ms: the same counted live;
- skills_map_ward_ms: the map of the HR manager's ward (live: a ward is below SKILLS_MAP_LIVE_LIMIT);
- recompute_person_ms: `person_levels_recompute` of one official (random, a different one each run, among
  those not recomputed since the build: every level is rewritten), in a process that has read the evidence
  links once (as a worker has); recompute_person_unchanged_ms: the same person again (nothing to write).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reports import (  # noqa: E402
    _copy,
    _fresh,
    build,
    built_data,
    database_config,
    database_prepare,
    django_setup,
    log,
    measure,
)

FRAMEWORK_ID = "BENCH-NLS"
SEED = 2026
QUESTIONS_PER_COMPETENCE = 5


def build_skills(rng: random.Random) -> dict:
    """The framework, profiles, questions, quizzes, attempts, evidence and levels (see the docstring)."""
    from django.db import connection
    from django.utils import timezone

    from lms.learning.models import Enrolment
    from lms.people.models import Official, Position
    from lms.quiz.models import Category, Question, Quiz, QuizQuestion
    from lms.skills.models import Competency, Evidence, ExpectedLevel, Framework, ScaleLevel

    now = timezone.now()
    framework = Framework.objects.create(id_number=FRAMEWORK_ID, short_name="Năng lực số (bench)")
    ScaleLevel.objects.bulk_create(
        ScaleLevel(framework=framework, number=n, sort_order=n, name=name, is_proficient=n >= 3)
        for n, name in enumerate(["Cơ bản", "Trung bình", "Khá", "Thành thạo"], start=1)
    )
    competences = []
    for a in range(1, 5):
        area = Competency.objects.create(framework=framework, id_number=str(a), short_name=f"Lĩnh vực {a}")
        competences += [
            Competency.objects.create(
                framework=framework,
                parent=area,
                id_number=f"{a}.{c}",
                short_name=f"Năng lực {a}.{c}",
                sort_order=c,
            )
            for c in range(1, 6)
        ]
    for position in Position.objects.all():
        for competency in rng.sample(competences, 8):
            ExpectedLevel.objects.create(position=position, competency=competency, level=rng.choice([2, 3]))
    quizzes = []
    for a in range(4):
        quiz = Quiz.objects.create(title=f"Kiểm tra lĩnh vực {a + 1} (bench)", slug=f"bench-skills-{a + 1}")
        quizzes.append((quiz, []))
    for index, competency in enumerate(competences):
        category = Category.objects.create(name=f"Bench {competency.id_number}")
        # In bulk: a link saved one by one recomputes the people it concerns (receivers.py); the bench's
        # levels are written below, all at once.
        Evidence.objects.bulk_create(
            Evidence(competency=competency, level=level, kind="category", category=category, threshold=t,
                     label=category.name)
            for level, t in ((2, 60), (3, 80))
        )  # fmt: skip
        quiz, questions = quizzes[index // 5]
        for q in range(QUESTIONS_PER_COMPETENCE):
            question = Question.objects.create(
                kind="true_false", category=category, points=1, text=f"{competency.id_number} câu {q}?",
                correct_is_true=True,
            )  # fmt: skip
            QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=len(questions))
            questions.append(question.pk)
    course_ids = list(Enrolment.objects.values_list("course_id", flat=True).distinct()[:20])
    Evidence.objects.bulk_create(
        Evidence(competency=competency, level=2, kind="course", page_id=course_id, label="course")
        for course_id, competency in zip(course_ids, competences, strict=False)
    )

    officials = list(Official.objects.values_list("user_id", flat=True))
    with connection.cursor() as cursor:
        attempt_rows = []
        plans = []
        for user_id in officials:
            quiz, questions = rng.choice(quizzes)
            skill = rng.random()
            rights = [rng.random() < 0.35 + 0.6 * skill for _ in questions]
            score = sum(rights)
            percent = Decimal(100 * score / len(questions)).quantize(Decimal("0.01"))
            attempt_rows.append(
                (quiz.pk, user_id, 1, json.dumps(questions), "{}", "submitted", now, None, now, False,
                 Decimal(score), Decimal(len(questions)), percent,
                 score * 100 >= 80 * len(questions), False, None)
            )  # fmt: skip
            plans.append((questions, rights))
        columns = ["quiz_id", "user_id", "number", "question_ids", "answer_orders", "state", "started_at",
                   "deadline", "submitted_at", "auto_submitted", "score", "max_score", "percent", "passed",
                   "awaiting_marking", "context_page_id"]  # fmt: skip
        _copy(cursor, "quiz_attempt", columns, attempt_rows)
        cursor.execute(
            "SELECT id, user_id FROM quiz_attempt WHERE quiz_id = ANY(%s)", [[q.pk for q, _ in quizzes]]
        )
        attempt_of = {user_id: pk for pk, user_id in cursor.fetchall()}

        def answers():
            for user_id, (questions, rights) in zip(officials, plans, strict=True):
                for question_id, right in zip(questions, rights, strict=True):
                    yield (attempt_of[user_id], question_id, json.dumps("true" if right else "false"),
                           Decimal(1 if right else 0), now, None, None, "")  # fmt: skip

        count = _copy(
            cursor,
            "quiz_attemptanswer",
            ["attempt_id", "question_id", "response", "score", "answered_at", "marked_by_id", "marked_at",
             "marker_comment"],
            answers(),
        )  # fmt: skip
        # Levels: the highest level of any satisfied link, per person and competence (levels.py's rule for
        # the categories and completed courses this bench links).
        cursor.execute(
            """
            INSERT INTO skills_personlevel (user_id, competency_id, level, evidence, computed_at)
            SELECT user_id, competency_id, MAX(level), '[]'::jsonb, now() FROM (
                SELECT a.user_id, e.competency_id, e.level
                FROM quiz_attempt a
                JOIN quiz_attemptanswer aa ON aa.attempt_id = a.id
                JOIN quiz_question q ON q.id = aa.question_id
                JOIN skills_evidence e ON e.kind = 'category' AND e.category_id = q.category_id
                WHERE a.state = 'submitted' AND aa.score IS NOT NULL
                GROUP BY a.id, a.user_id, e.id, e.competency_id, e.level, e.threshold
                HAVING SUM(CASE WHEN aa.score >= q.points THEN 1 ELSE 0 END) * 100 >= e.threshold * COUNT(*)
                UNION ALL
                SELECT en.user_id, e.competency_id, e.level
                FROM learning_enrolment en
                JOIN skills_evidence e ON e.kind = 'course' AND e.page_id = en.course_id
                WHERE en.completed_at IS NOT NULL
            ) shown
            GROUP BY user_id, competency_id
            """
        )
        levels = cursor.rowcount
    return {"answers": count, "levels": levels, "officials": len(officials)}


def tallies_build() -> int:
    """Each bench attempt's tally (skills.AttemptTally), as the app keeps it when an attempt finishes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO skills_attempttally
                (attempt_id, user_id, quiz_title, submitted_at, categories, correct_questions)
            SELECT a.id, a.user_id, qz.title, a.submitted_at,
                   (SELECT jsonb_object_agg(t.category_id::text, jsonb_build_array(t.correct, t.total))
                    FROM (SELECT q.category_id,
                                 SUM(CASE WHEN aa.score >= q.points THEN 1 ELSE 0 END) AS correct,
                                 COUNT(*) AS total
                          FROM quiz_attemptanswer aa JOIN quiz_question q ON q.id = aa.question_id
                          WHERE aa.attempt_id = a.id GROUP BY q.category_id) t),
                   (SELECT COALESCE(jsonb_agg(aa.question_id ORDER BY aa.question_id), '[]'::jsonb)
                    FROM quiz_attemptanswer aa JOIN quiz_question q ON q.id = aa.question_id
                    WHERE aa.attempt_id = a.id AND aa.score >= q.points)
            FROM quiz_attempt a JOIN quiz_quiz qz ON qz.id = a.quiz_id
            WHERE qz.slug LIKE 'bench-skills-%%' AND a.state = 'submitted'
            """
        )
        return cursor.rowcount


def check_levels(sample: int, rng: random.Random) -> None:
    """The SQL's levels must be the service's: recompute random people and compare."""
    from lms.people.models import Official
    from lms.skills.levels import person_levels_recompute
    from lms.skills.models import PersonLevel

    user_ids = list(Official.objects.values_list("user_id", flat=True))
    for user_id in rng.sample(user_ids, min(sample, len(user_ids))):
        before = dict(PersonLevel.objects.filter(user_id=user_id).values_list("competency_id", "level"))
        after = person_levels_recompute(user_id=user_id)
        if before != after:
            raise SystemExit(f"levels differ for user {user_id}: SQL {before} ≠ service {after}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", type=int, default=200, help="people whose levels the service recomputes")
    parser.add_argument("--officials", type=int, default=100_000)
    args = parser.parse_args()
    config = database_config(script="bench/skills.py")
    database_prepare(config, rebuild=False)
    django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    if built_data() is None:
        log(f"building the reports' data: {args.officials} officials …")
        with transaction.atomic():
            build(officials=args.officials)
    from lms.skills.models import Framework

    rng = random.Random(SEED)
    if not Framework.objects.filter(id_number=FRAMEWORK_ID).exists():
        log("building the skills data …")
        start = time.perf_counter()
        with transaction.atomic():
            built = build_skills(rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"skills_build_s: {time.perf_counter() - start:.0f}")
        print(f"built_answers: {built['answers']}")
        print(f"built_person_levels: {built['levels']}")
    from lms.skills.models import AttemptTally

    if not AttemptTally.objects.exists():
        log("tallying the attempts …")
        with transaction.atomic():
            print(f"built_attempt_tallies: {tallies_build()}")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE skills_attempttally")
    check_levels(args.check, rng)

    from lms.people.models import Official
    from lms.skills.levels import person_levels_recompute
    from lms.skills.selectors import gap_suggestions, skills_map
    from lms.skills.snapshot import map_snapshot_take

    city, ward, admin, hr = built_data()
    print(f"database: PostgreSQL {connection.pg_version // 10000}")
    print(f"officials: {Official.objects.count()}")
    print(f"load_average_before: {os.getloadavg()[0]:.1f}")

    def city_map():
        skills = skills_map(viewer=_fresh(admin), unit=city)
        gap_suggestions(skills=skills)
        assert skills.rows and skills.total.cells

    def ward_map():
        skills = skills_map(viewer=_fresh(hr), unit=ward)
        gap_suggestions(skills=skills)
        assert skills.total.cells

    def city_map_live():
        skills = skills_map(viewer=_fresh(admin), unit=city, live=True)
        gap_suggestions(skills=skills)
        assert skills.rows and skills.total.cells and skills.as_of is None

    start = time.perf_counter()
    map_snapshot_take()
    print(f"skills_snapshot_refresh_s: {time.perf_counter() - start:.1f}")
    assert skills_map(viewer=_fresh(admin), unit=city).as_of is not None
    assert skills_map(viewer=_fresh(hr), unit=ward).as_of is None
    ms, queries = measure("skills map, city", city_map, args.runs)
    print(f"skills_map_city_ms: {ms:.1f}")
    print(f"skills_map_city_queries: {queries}")
    ms, queries = measure("skills map, city, live", city_map_live, args.runs)
    print(f"skills_map_city_live_ms: {ms:.1f}")
    print(f"skills_map_city_live_queries: {queries}")
    ms, queries = measure("skills map, ward", ward_map, args.runs)
    print(f"skills_map_ward_ms: {ms:.1f}")
    print(f"skills_map_ward_queries: {queries}")

    from django.test.utils import CaptureQueriesContext

    from lms.skills.models import PersonLevel

    # People never recomputed since the build (their levels hold no evidence yet: every row is rewritten,
    # the costliest case), whatever earlier runs of the bench recomputed.
    never = PersonLevel.objects.filter(evidence=[]).values_list("user_id", flat=True).distinct()
    user_ids = list(never.order_by("user_id")[:20_000])
    person_levels_recompute(user_id=rng.choice(user_ids))  # warm-up: the process reads the links once
    timings, again = [], []
    for user_id in rng.sample(user_ids, args.runs * 4):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            person_levels_recompute(user_id=user_id)
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
        start = time.perf_counter()
        person_levels_recompute(user_id=user_id)  # nothing new: nothing to write
        again.append((time.perf_counter() - start) * 1000)
    print(f"recompute_person_ms: {statistics.median(timings):.1f}")
    print(f"recompute_person_queries: {queries}")
    print(f"recompute_person_unchanged_ms: {statistics.median(again):.1f}")
    print(f"load_average_after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
