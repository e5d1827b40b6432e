"""Exam morning: N officials log in, wait together, start the same quiz within 10 s, answer and submit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartward_bench_exam \\
    REDIS_URL=redis://127.0.0.1:6379/12 \\
    .venv/bin/python bench/exam.py --users 500 [--kill-workers] [--think-min 5 --think-max 15]

Needs Locust, which is not among the project's dependencies (it brings gevent and Flask): `pip install locust`
(`.venv/bin/pip install locust==2.47.0`), or in a virtual environment of its own, which this script finds in
var/locust-venv/ or through LOCUST_PYTHON (the interpreter that has it):

    python3.11 -m venv var/locust-venv && var/locust-venv/bin/pip install locust==2.47.0

DATABASE_URL names a throw-away PostgreSQL database (Django's test database, test_…, is what is created and
dropped); REDIS_URL a throw-away Redis database (the cache and Celery's broker; emptied before and after).
The script builds an exam course whose one lesson holds a 16-question quiz (single choice, all questions on
one page, answers shown at the end, 45 minutes, the answers kept) and N officials enrolled in it, each with a
usable password (hashed with production's hasher, so each log-in costs what it costs in production), collects
the static files, and serves the site with gunicorn, 2 sync workers, production's settings
(bench/exam_settings.py: DEBUG off, cache and broker in Redis), on 127.0.0.1. Then Locust (headless, in a
process of its own: bench/exam_locust.py) plays the officials: log-ins ramped up at --spawn-rate a second, a
synchronizing point, the exam lesson opened and the quiz started within the same 10 s, 16 answers with
--think-min to --think-max seconds between them, sent as static/js/outbox.js sends them (client ids, retried
with the same id when no reply came), and the submission. No Celery worker runs: what the site queues for
later is not part of the figures.

With --kill-workers, a gunicorn worker is killed with SIGKILL every 20 s while Locust runs (gunicorn starts
another); the officials retry what got no reply, as the outbox does.

Prints, one `name: value` a line: exam_users, start_all_s (from the synchronizing point until every attempt
is started), answer_p95_ms and submit_p95_ms (from the first send to the acknowledgement, retries included),
errors (actions refused or never acknowledged), and from the database afterwards lost_answers (acknowledged
answers not stored as acknowledged) and duplicate_answers (an answer stored, or receipted, more than once for
one question of one attempt; a second attempt of one official counts too); then further figures. Locust's
own table of every request goes to stderr.
"""

import argparse
import json
import math
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = 16
PASSWORD = "ThiSang@2026-Phuong"  # noqa: S105 — the throw-away officials' password
USERNAME_PREFIX = "thi"


def locust_python() -> str | None:
    """An interpreter with Locust: LOCUST_PYTHON, var/locust-venv, or this one."""
    candidates = [os.environ.get("LOCUST_PYTHON"), str(ROOT / "var" / "locust-venv" / "bin" / "python")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    probe = subprocess.run(  # noqa: S603 — this interpreter
        [sys.executable, "-c", "import locust"], capture_output=True, check=False
    )
    return sys.executable if probe.returncode == 0 else None


# ---------------------------------------------------------------------------------------------------------
# The exam, in the database Django is set up on


def exam_build(*, users: int, password: str = PASSWORD) -> dict:
    """The exam course, its quiz and `users` officials enrolled in it. Returns what the officials need to know
    (the plan's part that comes from the database)."""
    from django.contrib.auth.hashers import make_password
    from wagtail.models import Page, Site

    from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
    from lms.learning.services import enrolments_ensure
    from lms.people.models import User
    from lms.quiz.models import Answer, Question, Quiz, QuizQuestion

    root = Page.get_first_root_node()
    catalogue = root.add_child(instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc-thi"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=catalogue, is_default_site=True)
    else:
        site.root_page = catalogue
        site.save()

    quiz = Quiz.objects.create(
        title="Kiểm tra cuối khóa: Chuyển đổi số",
        slug="kiem-tra-cuoi-khoa-chuyen-doi-so",
        answers_at_end=True,
        one_per_page=False,
        time_limit_minutes=45,
        exam_paper=True,
    )
    correct = {}
    for number in range(1, QUESTIONS + 1):
        question = Question.objects.create(kind=Question.Kind.SINGLE, text=f"Câu {number}: chọn đáp án đúng.")
        answers = [
            Answer(question=question, text=f"Phương án {label}", correct=label == "B", sort_order=position)
            for position, label in enumerate("ABCD")
        ]
        Answer.objects.bulk_create(answers)
        correct[str(question.pk)] = next(answer.pk for answer in answers if answer.correct)
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=number)

    course = catalogue.add_child(
        instance=CoursePage(
            title="Chuyển đổi số cho cán bộ phường: kiểm tra",
            slug="chuyen-doi-so-kiem-tra",
            summary="Bài kiểm tra cuối khóa, cùng một buổi sáng cho cả thành phố.",
            estimated_hours=1,
        )
    )
    module = course.add_child(instance=ModulePage(title="Kiểm tra", slug="kiem-tra"))
    lesson = module.add_child(
        instance=LessonPage(
            title="Bài kiểm tra cuối khóa",
            slug="bai-kiem-tra",
            body=json.dumps([{"type": "quiz", "value": {"quiz": quiz.pk, "intro": ""}}]),
        )
    )

    hashed = make_password(password)  # one hash for all: a log-in still checks it at full cost
    officials = User.objects.bulk_create(
        [
            User(username=f"{USERNAME_PREFIX}{i:04d}", full_name=f"Cán bộ {i:04d}", password=hashed)
            for i in range(1, users + 1)
        ],
        batch_size=1000,
    )
    enrolments_ensure(user_ids=[user.pk for user in officials], course=course)
    return {
        "quiz": quiz.pk,
        "lesson_url": lesson.get_url(),
        "usernames": [user.username for user in officials],
        "password": password,
        "questions": QUESTIONS,
        "correct": correct,
    }


def exam_check(*, quiz_id: int, acknowledged: list[dict]) -> dict:
    """What the database holds against what the server acknowledged."""
    from django.db.models import Count

    from lms.quiz.models import AnswerReceipt, Attempt, AttemptAnswer

    stored = {
        (answer.attempt_id, answer.question_id): answer.response
        for answer in AttemptAnswer.objects.filter(attempt__quiz_id=quiz_id)
    }
    receipts = set(AnswerReceipt.objects.filter(attempt__quiz_id=quiz_id).values_list("client_id", flat=True))
    lost = 0
    for ack in acknowledged:
        response = stored.get((ack["attempt"], ack["question"]))
        if (
            response is None
            or response.get("choices") != [ack["choice"]]
            or not any(str(client_id) == ack["client_id"] for client_id in receipts)
        ):
            lost += 1

    def beyond_one(queryset, *fields) -> int:
        groups = queryset.values(*fields).annotate(n=Count("pk")).filter(n__gt=1)
        return sum(group["n"] - 1 for group in groups)

    duplicates = (
        beyond_one(AttemptAnswer.objects.filter(attempt__quiz_id=quiz_id), "attempt_id", "question_id")
        + beyond_one(AnswerReceipt.objects.filter(attempt__quiz_id=quiz_id), "attempt_id", "question_id")
        + beyond_one(Attempt.objects.filter(quiz_id=quiz_id), "user_id")
    )
    attempts = Attempt.objects.filter(quiz_id=quiz_id)
    return {
        "lost_answers": lost,
        "duplicate_answers": duplicates,
        "answers_stored": len(stored),
        "attempts_started": attempts.count(),
        "attempts_submitted": attempts.filter(state=Attempt.State.SUBMITTED).count(),
        "attempts_passed": attempts.filter(passed=True).count(),
    }


# ---------------------------------------------------------------------------------------------------------
# Locust, in a process of its own


def locust_run(plan: dict, work: Path, *, python: str, log=None) -> dict:
    """Run bench/exam_locust.py with this plan; its results."""
    work.mkdir(parents=True, exist_ok=True)
    plan_path, results_path = work / "plan.json", work / "results.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    results_path.unlink(missing_ok=True)
    command = [python, str(ROOT / "bench" / "exam_locust.py"), str(plan_path), str(results_path)]
    subprocess.run(  # noqa: S603 — an interpreter with Locust, our own script
        command, cwd=ROOT, check=True, stdout=log, stderr=subprocess.STDOUT if log else None
    )
    return json.loads(results_path.read_text(encoding="utf-8"))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN without values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def exam_figures(results: dict, checked: dict, *, users: int) -> dict:
    """The figures; "nan" where nothing was measured (every official failed before), and start_all_s is
    "nan" unless every official started."""

    def ms(values: list[float], fraction: float):
        value = percentile(values, fraction)
        return value if math.isnan(value) else round(value)

    def all_s(values: list[float]):
        return round(max(values), 1) if len(values) == users else math.nan

    return {
        "exam_users": users,
        "start_all_s": all_s(results["started_s"]),
        "answer_p95_ms": ms(results["answer_ms"], 0.95),
        "submit_p95_ms": ms(results["submit_ms"], 0.95),
        "errors": len(results["errors"]),
        "lost_answers": checked["lost_answers"],
        "duplicate_answers": checked["duplicate_answers"],
        "quiz_shown_all_s": all_s(results["shown_s"]),
        "answer_median_ms": ms(results["answer_ms"], 0.5),
        "answer_max_ms": ms(results["answer_ms"], 1.0),
        "submit_median_ms": ms(results["submit_ms"], 0.5),
        "login_median_ms": ms(results["login_ms"], 0.5),
        "login_p95_ms": ms(results["login_ms"], 0.95),
        "answers_acknowledged": len(results["acknowledged"]),
        "retries": results["retries"],
        **{name: checked[name] for name in checked if name not in ("lost_answers", "duplicate_answers")},
    }


# ---------------------------------------------------------------------------------------------------------
# gunicorn


def gunicorn_start(*, port: int, database_name: str, log, preload: bool = False) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="bench.exam_settings")
    env["DATABASE_URL"] = f"{env['DATABASE_URL'].rsplit('/', 1)[0]}/{database_name}"
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "lms.wsgi:application", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"] + (["--preload"] if preload else [])
    server = subprocess.Popen(  # noqa: S603 — our own gunicorn
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/tai-khoan/login/", timeout=5):  # noqa: S310
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(1)
    gunicorn_stop(server)
    sys.exit("gunicorn did not answer (see var/bench-exam/gunicorn.log)")


def gunicorn_workers(server: subprocess.Popen) -> list[int]:
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.pid:
            workers.append(int(stat.parent.name))
    return workers


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (those still alive)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def gunicorn_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class WorkerKiller(threading.Thread):
    """Kills one of gunicorn's workers with SIGKILL every `every` seconds until stopped."""

    def __init__(self, server: subprocess.Popen, every: float = 20.0):
        super().__init__(daemon=True)
        self.server, self.every = server, every
        self.stopped = threading.Event()
        self.kills = 0

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            workers = gunicorn_workers(self.server)
            if workers:
                try:
                    os.kill(random.choice(workers), signal.SIGKILL)
                    self.kills += 1
                except ProcessLookupError:
                    pass

    def stop(self) -> None:
        self.stopped.set()
        self.join()


# ---------------------------------------------------------------------------------------------------------


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50, help="officials taking the exam")
    parser.add_argument("--spawn-rate", type=float, default=4.0, help="log-ins started a second (ramp-up)")
    parser.add_argument("--think-min", type=float, default=5.0, help="seconds before an answer, at least")
    parser.add_argument("--think-max", type=float, default=15.0, help="seconds before an answer, at most")
    parser.add_argument("--start-spread", type=float, default=10.0, help="seconds over which they start")
    parser.add_argument("--kill-workers", action="store_true", help="SIGKILL a gunicorn worker every 20 s")
    parser.add_argument(
        "--profile", action="store_true", help="profile start/answer/submit in the workers (slower)"
    )
    parser.add_argument(
        "--preload", action="store_true", help="gunicorn --preload: a new worker is forked ready, not booted"
    )
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    python = locust_python()
    if python is None:
        sys.exit("Locust is not installed: see this script's docstring (pip install locust).")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a throw-away PostgreSQL database (see the docstring).")
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        sys.exit("REDIS_URL must name a throw-away Redis database, e.g. redis://127.0.0.1:6379/12.")
    work = ROOT / "var" / "bench-exam"
    shutil.rmtree(work / "static", ignore_errors=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.exam_settings",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        PRIVATE_MEDIA_ROOT=str(work / "private"),
    )
    if args.profile:
        shutil.rmtree(work / "profile", ignore_errors=True)
        (work / "profile").mkdir(parents=True)
        os.environ["BENCH_PROFILE_DIR"] = str(work / "profile")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    redis_flush()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    plan = exam_build(users=args.users)
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    plan.update(
        base=f"http://127.0.0.1:{args.port}",
        spawn_rate=args.spawn_rate,
        think_min_s=args.think_min,
        think_max_s=args.think_max,
        start_spread_s=args.start_spread,
        correct_rate=0.8,
        max_tries=8,
        seed=args.seed,
        timeout_s=args.users / args.spawn_rate + args.start_spread + (QUESTIONS + 1) * args.think_max + 900,
    )
    connection.close()
    load: list[float] = []
    cpu: dict[str, float] = {}
    killer = None
    try:
        with (work / "gunicorn.log").open("wb") as server_log, (work / "locust.log").open("wb") as locust_log:
            server = gunicorn_start(
                port=args.port, database_name=connection.settings_dict["NAME"], log=server_log
            )
            killer = WorkerKiller(server) if args.kill_workers else None
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.wait(10):
                    load.append(os.getloadavg()[0])

            threading.Thread(target=sample, daemon=True).start()
            try:
                if killer:
                    killer.start()
                run_started = time.perf_counter()
                workers_cpu_before = cpu_seconds(gunicorn_workers(server))
                locust_cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                results = locust_run(plan, work, python=python, log=locust_log)
                run_s = time.perf_counter() - run_started
                locust_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu["locust_cpu_s"] = (locust_cpu.ru_utime - locust_cpu_before.ru_utime) + (
                    locust_cpu.ru_stime - locust_cpu_before.ru_stime
                )
                if not args.kill_workers:  # killed workers take their counters with them
                    cpu["server_cpu_s"] = cpu_seconds(gunicorn_workers(server)) - workers_cpu_before
            finally:
                sampling.set()
                if killer:
                    killer.stop()
                gunicorn_stop(server)
        checked = exam_check(quiz_id=plan["quiz"], acknowledged=results["acknowledged"])
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        redis_flush()
    figures = exam_figures(results, checked, users=args.users)

    for row in results["locust"]:
        print(
            f"  {row['name']:<14} {row['requests']:>6} requests {row['failures']:>4} failed  "
            f"median {row['median_ms']:>6.0f} ms  p95 {row['p95_ms']:>6.0f} ms  max {row['max_ms']:>6} ms",
            file=sys.stderr,
        )
    for error in results["errors"][:20]:
        print(f"  error: {error}", file=sys.stderr)
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(f"kill_workers: {args.kill_workers}")
    print(f"preload: {args.preload}")
    print(f"workers_killed: {killer.kills if killer else 0}")
    print(f"think_s: {args.think_min:g}-{args.think_max:g}")
    print(f"spawn_rate: {args.spawn_rate:g}")
    print(f"run_s: {run_s:.0f}")
    for name, seconds in cpu.items():
        print(f"{name}: {seconds:.0f}")
    if "server_cpu_s" in cpu:
        print(f"server_cpu_ms_per_user: {cpu['server_cpu_s'] * 1000 / args.users:.0f}")
    print(f"load_average_max: {max(load, default=os.getloadavg()[0]):.1f}")
    if args.profile:
        from bench.exam_profile import report

        text = "".join(report(work / "profile", kind) for kind in ("start", "answer", "submit"))
        (work / "profile.txt").write_text(text, encoding="utf-8")
        print(f"profile: {work / 'profile.txt'}", file=sys.stderr)


if __name__ == "__main__":
    main()
