"""The officials of bench/exam.py, driven by Locust (headless, in a process of its own, without Django).

Usage (bench/exam.py runs it): python bench/exam_locust.py PLAN.json RESULTS.json
Needs Locust (`pip install locust`, e.g. in a virtual environment of its own: bench/exam.py's docstring).

Each simulated official, as a browser would:
1. logs in (GET the login page, POST the form, GET "My learning"): Locust starts the users at the plan's
   spawn rate, so the log-ins are ramped up;
2. waits at the synchronizing point until every official has logged in (or given up);
3. within the plan's `start_spread_s` (10 s) after the release: GET the exam lesson, POST its "Start the
   quiz" form, GET the quiz page (all questions on one page) and read its question forms;
4. answers each question after a think time drawn between `think_min_s` and `think_max_s`, through the
   endpoint static/js/outbox.js posts to, with the same fields: the form's fields, a client id (uuid4) and
   `made_at`, `X-Requested-With: fetch`; the answer is acknowledged when the reply is `{"ok": true}`;
5. after one more think time, submits (as the outbox does) and opens the result page.

Like the outbox, a request that got no reply (connection refused or reset, timeout: a killed worker) or a
5xx/408/429 is sent again with the same client id, after 1 s, then 2, 4, 8 s (at most `max_tries` times in
all); a refusal (another 4xx, or `ok: false`) is an error and the official stops. Log-ins, page views, the
start and the submission are retried the same way (they are idempotent: starting again resumes the attempt,
submitting twice is harmless).

RESULTS.json: the acknowledged answers (username, attempt, question, choice, client id), the errors, the
retries, the times of the synchronized start and the time from the first send of each answer and submission
to its acknowledgement (retries included: what the person waits for), and Locust's own per-request table.
"""

import json
import random
import re
import sys
import time
import uuid
from datetime import UTC, datetime

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, events
from locust.env import Environment
from locust.exception import StopUser

PLAN = json.loads(open(sys.argv[1], encoding="utf-8").read()) if __name__ == "__main__" else {}  # noqa: SIM115

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START_FORM = re.compile(r'<form method="post" action="([^"]*/bai-hoc/\d+/kiem-tra/\d+/bat-dau/)"')
TAKE_URL = re.compile(r"^(?:https?://[^/]+)?([^?#]*/lam-bai/(\d+)/)$")
QUESTION_FORM = re.compile(
    r'<form method="post" action="([^"]*/lam-bai/\d+/tra-loi/)" class="panel quiz-question"'
)
QUESTION_ID = re.compile(r'name="question" value="(\d+)"')
NUMBER = re.compile(r'name="number" value="(\d+)"')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
SUBMIT_FORM = re.compile(r'action="([^"]*/lam-bai/\d+/nop-bai/)" id="quiz-submit-form"')


class Refused(Exception):
    """The site refused an action (a 4xx, `ok: false`) or never answered it: an error, the official stops."""


class Shared:
    """What the officials share in this process: the synchronizing point and the results."""

    def __init__(self, plan: dict):
        self.plan = plan
        self.accounts = iter(plan["usernames"])
        self.arrived = 0
        self.finished = 0
        self.release = Event()
        self.done = Event()
        self.released_at: float | None = None
        self.results = {
            "acknowledged": [],
            "errors": [],
            "retries": 0,
            "started_s": [],  # after the release: the start form's reply (the attempt exists)
            "shown_s": [],  # after the release: the quiz page received
            "answer_ms": [],
            "submit_ms": [],
            "login_ms": [],
            "submitted": 0,
        }

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived == len(self.plan["usernames"]):
            self.released_at = time.monotonic()
            self.release.set()

    def finish(self) -> None:
        self.finished += 1
        if self.finished == len(self.plan["usernames"]):
            self.done.set()


SHARED: Shared | None = None


class Official(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 60.0
    connection_timeout = 60.0
    insecure = True

    def on_start(self) -> None:
        self.username = next(SHARED.accounts)
        self.csrf = ""
        self.arrived = False

    def exam(self) -> None:
        plan = SHARED.plan
        try:
            self.log_in(plan["password"])
            self.arrived = True
            SHARED.arrive()
            SHARED.release.wait()
            gevent.sleep(random.uniform(0, plan["start_spread_s"]))
            self.take_exam(plan)
        except Exception as error:  # a refusal, or anything unexpected: an error; the official stops
            kind = "" if isinstance(error, Refused) else f"{type(error).__name__}: "
            SHARED.results["errors"].append(f"{self.username}: {kind}{error}")
            if not self.arrived:
                SHARED.arrive()  # nobody waits at the synchronizing point for an official who gave up
        finally:
            SHARED.finish()
        raise StopUser()  # one exam each: Locust must not run the task again

    # ---- Requests, retried as the outbox retries.

    def send(self, method: str, path: str, name: str, *, data=None, fetch=False, expect=(200,)):
        """The reply, once it is in `expect`; for `fetch` requests a 200 must carry JSON, as the outbox
        requires: a 200 without it (a reply cut off by a killed worker) is sent again, like no reply."""
        headers = {"Accept-Language": "vi"}
        if fetch:
            headers.update({"X-Requested-With": "fetch", "X-CSRFToken": self.csrf})
        delay = 1.0
        for attempt in range(SHARED.plan["max_tries"]):
            with self.client.request(
                method,
                path,
                name=name,
                data=data,
                headers=headers,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                status = response.status_code or 0
                transient = status == 0 or status >= 500 or status in (408, 429)
                problem = getattr(response, "error", None)
                if fetch and status == 200:
                    try:
                        response.json()
                    except ValueError:
                        transient, status, problem = True, 0, "a 200 without JSON"
                if not transient and status in expect:
                    response.success()
                    return response
                reason = f"{name}: HTTP {status}" if status else f"{name}: no reply ({problem})"
                response.failure(reason)
                if not transient:
                    raise Refused(reason)
            if attempt + 1 < SHARED.plan["max_tries"]:
                SHARED.results["retries"] += 1
                gevent.sleep(delay)
                delay = min(delay * 2, 8.0)
        raise Refused(f"{reason}, {SHARED.plan['max_tries']} tries")

    def token_from(self, text: str) -> None:
        found = CSRF_INPUT.search(text)
        if found:
            self.csrf = found.group(1)

    # ---- The exam morning.

    def log_in(self, password: str) -> None:
        page = self.send("GET", "/tai-khoan/login/", "login page")
        self.token_from(page.text)
        started = time.monotonic()
        form = {"csrfmiddlewaretoken": self.csrf, "username": self.username, "password": password}
        reply = self.send("POST", "/tai-khoan/login/", "log in", data=form, expect=(302,))
        SHARED.results["login_ms"].append((time.monotonic() - started) * 1000)
        # A refused password shows the form again (200); a retried log-in after a lost reply finds the
        # session already open and is sent on too (302).
        self.send("GET", reply.headers["Location"], "my learning")

    def take_exam(self, plan: dict) -> None:
        lesson = self.send("GET", plan["lesson_url"], "exam lesson")
        start = START_FORM.search(lesson.text)
        if start is None:
            raise Refused("exam lesson: no start form")
        self.token_from(lesson.text)
        reply = self.send(
            "POST", start.group(1), "start", data={"csrfmiddlewaretoken": self.csrf}, expect=(302,)
        )
        SHARED.results["started_s"].append(time.monotonic() - SHARED.released_at)
        take = TAKE_URL.match(reply.headers.get("Location", ""))
        if take is None:
            raise Refused(f"start: sent to {reply.headers.get('Location')!r}")
        attempt_id = int(take.group(2))
        page = self.send("GET", take.group(1), "quiz page")
        SHARED.results["shown_s"].append(time.monotonic() - SHARED.released_at)
        self.token_from(page.text)
        questions = self.question_forms(page.text)
        if len(questions) != plan["questions"]:
            raise Refused(f"quiz page: {len(questions)} questions, {plan['questions']} expected")
        for url, question, number, choices in questions:
            gevent.sleep(random.uniform(plan["think_min_s"], plan["think_max_s"]))
            correct = plan["correct"].get(str(question))
            choice = correct if correct in choices and random.random() < plan["correct_rate"] else None
            choice = choice or random.choice(choices)
            self.answer(url, attempt_id, question, number, choice)
        gevent.sleep(random.uniform(plan["think_min_s"], plan["think_max_s"]))
        submit = SUBMIT_FORM.search(page.text)
        if submit is None:
            raise Refused("quiz page: no submit form")
        started = time.monotonic()
        reply = self.send(
            "POST", submit.group(1), "submit", data={"csrfmiddlewaretoken": self.csrf}, fetch=True
        )
        data = reply.json()
        if not data.get("ok"):
            raise Refused(f"submit: {data}")
        SHARED.results["submit_ms"].append((time.monotonic() - started) * 1000)
        SHARED.results["submitted"] += 1
        self.send("GET", data["url"], "result page")

    @staticmethod
    def question_forms(text: str) -> list[tuple[str, int, str, list[int]]]:
        forms = []
        parts = QUESTION_FORM.split(text)  # [before, url1, body1, url2, body2, …]
        for url, body in zip(parts[1::2], parts[2::2], strict=True):
            body = body.split("</form>", 1)[0]
            forms.append(
                (url, int(QUESTION_ID.search(body).group(1)), NUMBER.search(body).group(1),
                 [int(value) for value in CHOICE.findall(body)])
            )  # fmt: skip
        return forms

    def answer(self, url: str, attempt_id: int, question: int, number: str, choice: int) -> None:
        # What outbox.js sends: the form's fields, then its token, the item's id and when it was made.
        client_id = str(uuid.uuid4())
        fields = {
            "question": str(question),
            "number": number,
            "choice": str(choice),
            "csrfmiddlewaretoken": self.csrf,
            "client_id": client_id,
            "made_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        started = time.monotonic()
        reply = self.send("POST", url, "answer", data=fields, fetch=True)
        data = reply.json()
        if not data.get("ok"):
            raise Refused(f"answer: {data}")
        SHARED.results["answer_ms"].append((time.monotonic() - started) * 1000)
        SHARED.results["acknowledged"].append(
            {
                "username": self.username,
                "attempt": attempt_id,
                "question": question,
                "choice": choice,
                "client_id": client_id,
            }
        )


Official.tasks = [Official.exam]


def locust_table(stats) -> list[dict]:
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        rows.append(
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": round(entry.max_response_time or 0),
            }
        )
    return rows


def main() -> None:
    global SHARED
    plan, results_path = PLAN, sys.argv[2]
    random.seed(plan.get("seed"))
    SHARED = Shared(plan)
    Official.host = plan["base"]
    environment = Environment(user_classes=[Official], events=events)
    runner = environment.create_local_runner()
    users = len(plan["usernames"])
    runner.start(users, spawn_rate=plan["spawn_rate"])
    finished = SHARED.done.wait(timeout=plan["timeout_s"])
    runner.quit()
    results = SHARED.results
    if not finished:
        results["errors"].append(f"timeout: {users - SHARED.finished} officials still busy")
    results["released"] = SHARED.released_at is not None
    results["locust"] = locust_table(environment.stats)
    with open(results_path, "w", encoding="utf-8") as out:
        json.dump(results, out)


if __name__ == "__main__":
    main()
