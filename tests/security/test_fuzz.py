"""Issue 11: hostile input never gets a server error.

Property-based (Hypothesis) over the URL configuration itself, so a view added later is covered without
touching this file:

- every URL pattern of the project (views in lms/, courses/, content/, and Django's account views) is
  requested as an administrator, an HR manager and a learner, with hostile values in each of its address
  parameters, its query string and its form or JSON body;
- every other pattern with an id in its address (Wagtail's and Django's admin) is requested with ids that
  do not fit a database integer.

A request passes when it answers anything but a server error: the test client re-raises any exception a view
lets through (`raise_request_exception`), a status of 500 or more fails, and a streamed body (exports) is
read to its end, so an error half-way through a file fails too.

The world (organisation, courses, a quiz attempt, an assignment, a certificate, a notification) is built once
per test; each request runs inside a savepoint that is rolled back, so examples do not see each other's
writes and the world stays the same from the first example to the last.
"""

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import LessonPage, ModulePage
from lms.certificates.models import Certificate
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.learning.services import enrolment_create, progress_record
from lms.quiz import services as quiz_services
from lms.reminders.models import Notification
from tests.builders import after_commit, lessons_of, make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org
from tests.quiz_builders import make_question, make_quiz, quiz_block

pytestmark = pytest.mark.django_db

OWN_MODULES = ("lms.", "courses.", "content.", "django.contrib.auth.views")
ID_CONVERTERS = ("id", "int")
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
ROLES = ("admin", "hr", "learner")
# × about 90 patterns of the project: a few minutes on two cores. FUZZ_EXAMPLES=200 for a longer hunt.
EXAMPLES_PER_PATTERN = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_PATTERN,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Values a person (or a script) can put where an id, a number or a date is expected.
HOSTILE_WORDS = [
    "",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "abc",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes, int() says yes, a database says no
    "²",  # a superscript two: isdigit() yes, int() no
    "\x00",
    "1\x00",
    "999999999999999999",
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 40,
    "0001-01-01",
    "9999-12-31",
    "31/12/9999",
    "00/00/0000",
    "2024-02-30",
    "29/02/2023",
    "true",
    "null",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "a\r\nSet-Cookie: x=1",
    "Nguyễn Văn \u202e",
    "🙂" * 3,
    "x" * 3000,
]
DATE_FIELDS = ["due_from", "due_to", "due_date", "date", "since", "until"]
COMMON_FIELDS = [
    "id",
    "ids",
    "pk",
    "p",
    "page",
    "q",
    "question",
    "choice",
    "choices",
    "value",
    "text",
    "go",
    "number",
    "cau",
    "unit",
    "course",
    "quiz",
    "status",
    "state",
    "kind",
    "year",
    "due_from",
    "due_to",
    "due_date",
    "due_days",
    "due_kind",
    "target",
    "person",
    "person_query",
    "obligations",
    "message",
    "confirm",
    "reason",
    "parent",
    "new_parent",
    "next",
    "back",
    "token",
    "code",
    "format",
    "category",
]


@dataclass
class Pattern:
    route: str  # the full route, e.g. "kiem-tra/lam-bai/<id:attempt_id>/tra-loi/"
    name: str
    module: str
    parameters: list[tuple[str, str]] = field(default_factory=list)  # (converter, name)

    @property
    def own(self) -> bool:
        return self.module.startswith(OWN_MODULES)

    @property
    def takes_an_id(self) -> bool:
        return any(converter in ID_CONVERTERS for converter, _name in self.parameters)

    def url(self, values: dict[str, str]) -> str:
        def fill(match):
            return quote(values[match["name"]], safe="")

        return "/" + PARAMETER.sub(fill, self.route)


def url_patterns() -> list[Pattern]:
    """Every pattern of the URL configuration whose route can be filled in (no regular expressions)."""
    found = []

    def walk(resolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            route = getattr(entry.pattern, "_route", None)
            if route is None:  # a regular expression (Django admin's catch-alls, Wagtail's API)
                continue
            if isinstance(entry, URLResolver):
                ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                walk(entry, prefix + route, ns)
            elif isinstance(entry, URLPattern):
                callback = entry.callback
                module = getattr(callback, "__module__", "") or ""
                view_class = getattr(callback, "view_class", None)
                if view_class is not None:
                    module = view_class.__module__
                full = prefix + route
                found.append(
                    Pattern(
                        route=full,
                        name=namespace + (entry.name or ""),
                        module=module,
                        parameters=[(m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(full)],
                    )
                )

    walk(get_resolver(), "", "")
    return found


# The world -------------------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    ids: dict[str, list[int]]  # parameter name → ids of real objects, for addresses that must resolve
    words: dict[str, list[str]]  # parameter name → real values of text parameters (codes, kinds)
    cookies: dict = field(default_factory=dict)


def build_world() -> World:
    from tests.builders import make_catalogue

    catalogue = make_catalogue()
    org = make_org()
    admin = make_admin_user(username="quantri_fuzz")
    hr = make_hr(org.ward_a)
    person = make_official(org.ward_a, name="Phạm Thị Thử Nghiệm")
    other = make_official(org.ward_b, name="Võ Văn Phường Khác")
    course = make_course(catalogue, modules=1, lessons_per_module=2, title="An toàn thông tin")
    done = make_course(catalogue, modules=1, lessons_per_module=1, title="Dịch vụ công trực tuyến")
    questions = [make_question("single"), make_question("multiple"), make_question("short")]
    quiz = make_quiz(questions, answers_at_end=True)
    module = ModulePage.objects.child_of(course).first()
    quiz_lesson = module.add_child(
        instance=LessonPage(title="Kiểm tra", slug="kiem-tra", body=quiz_block(quiz))
    )
    enrolment_create(user=person.user, course=course)
    attempt = quiz_services.attempt_start(user=person.user, quiz=quiz, context_page_id=quiz_lesson.pk)
    due = timezone.localdate() + timedelta(days=20)
    assignment = assignment_create(by=admin, course=course, unit=org.ward_a, due_date=due)
    assignment_create(by=admin, course=done, user=person.user, due_days=30)
    with after_commit():  # the certificate follows the completion's commit
        for lesson in lessons_of(done):
            progress_record(user=person.user, lesson=lesson, source="manual")
    obligation = Obligation.objects.filter(user=person.user, is_current=True).first()
    certificate = Certificate.objects.get(user=person.user)
    notification = Notification.objects.create(
        user=person.user, kind="nudge", subject="Nhắc học", body="Hãy hoàn thành khóa học.", url="/"
    )
    lesson = lessons_of(course)[0]
    ids = {
        "attempt_id": [attempt.pk],
        "lesson_id": [lesson.pk, quiz_lesson.pk],
        "quiz_id": [quiz.pk],
        "course_id": [course.pk, done.pk],
        "unit_id": [org.ward_a.pk, org.ward_b.pk],
        "user_id": [person.user.pk, other.user.pk],
        "obligation_id": [obligation.pk],
        "certificate_id": [certificate.pk],
        "pk": [
            assignment.pk,
            obligation.pk,
            org.ward_a.pk,
            person.pk,
            other.pk,
            notification.pk,
            quiz.pk,
            questions[0].pk,
        ],
    }
    ids["*"] = sorted({pk for values in ids.values() for pk in values})
    words = {"code": [certificate.code], "kind": ["overdue", "digest"], "fmt": ["csv", "xlsx"]}
    return World(users={"admin": admin, "hr": hr, "learner": person.user}, ids=ids, words=words)


def logged_in_clients(world: World) -> dict[str, Client]:
    clients = {}
    for role, user in world.users.items():
        client = Client(raise_request_exception=True)
        client.force_login(user)
        clients[role] = client
        world.cookies[role] = client.cookies.output(header="")  # restored before each request
    return clients


# Strategies ------------------------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8"), max_size=40)
EDGE_DATES = ["0001-01-01", "01/01/0001", "9999-12-31", "31/12/9999", "1900-01-01", "2101-01-01"]
hostile = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.sampled_from(EDGE_DATES),  # dates a time zone cannot shift, or no database column holds
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(
        lambda d: d.strftime("%d/%m/%Y") if d.day % 2 else d.isoformat()
    ),
    texts,
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile,
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=8,
)


def parameter_values(world: World, pattern: Pattern):
    """A value for each address parameter: hostile, or (to reach the view's own checks) a real one."""
    strategies = {}
    for converter, name in pattern.parameters:
        real = [str(pk) for pk in world.ids.get(name, world.ids["*"])] if converter in ID_CONVERTERS else []
        real += world.words.get(name, [])
        options = [hostile] + ([st.sampled_from(real)] * 3 if real else [])  # mostly reach the view
        strategies[name] = st.one_of(*options)
    return st.fixed_dictionaries(strategies)


hostile_dates = st.one_of(
    st.sampled_from(EDGE_DATES),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    hostile,
)


def form_data(field_names: list[str], date_names: set[str] = frozenset()):
    """Every field name at once, each with a hostile value or several (a list, as checkboxes send): a form
    reads the fields it knows, so each example tries something on all of them. Date inputs get dates."""
    value = st.one_of(hostile, st.lists(hostile, min_size=1, max_size=3))
    return st.fixed_dictionaries(
        {name: hostile_dates if name in date_names else value for name in field_names}
    )


def json_body(field_names: list[str]):
    return st.dictionaries(st.one_of(st.sampled_from(field_names), texts), json_values, max_size=6)


# Requests --------------------------------------------------------------------------------------------------

FIELD_NAME = re.compile(r'name="([\w\-\[\]]+)"')
DATE_INPUT = re.compile(r'<input[^>]*type="date"[^>]*>')
REFUSED = (401, 403, 404, 405)  # a role that gets only these never reaches the view's handling of input


@dataclass
class Target:
    """What a pattern's page reveals with real ids in its address: its form fields, the roles that get
    past its permission checks and the methods it accepts."""

    field_names: list[str]
    date_names: set[str]
    roles: list[str]
    methods: list[str]


def explore(world: World, clients: dict, pattern: Pattern) -> Target:
    values = {}
    for converter, name in pattern.parameters:
        if converter in ID_CONVERTERS:
            values[name] = str(world.ids.get(name, world.ids["*"])[0])
        else:
            values[name] = (world.words.get(name) or ["x"])[0]
    url = pattern.url(values)
    names, dates, roles, methods = set(COMMON_FIELDS), set(DATE_FIELDS), [], set()
    for role in ROLES:
        for method in ("get", "post"):
            response = send(world, clients, role, method, url)
            status = response.status_code
            to_login = status == 302 and "login" in response.get("Location", "")
            if status not in REFUSED and not to_login:
                roles.append(role)
            if status != 405:
                methods.update(["get"] if method == "get" else ["post", "post_json"])
            html = response.get("Content-Type", "").startswith("text/html")
            if html and not getattr(response, "streaming", False):
                page = response.content.decode("utf-8", "replace")
                names.update(FIELD_NAME.findall(page))
                dates.update(n for tag in DATE_INPUT.findall(page) for n in FIELD_NAME.findall(tag))
    names -= {"csrfmiddlewaretoken"}
    return Target(
        field_names=sorted(names | dates),
        date_names=dates,
        roles=sorted(set(roles)) or list(ROLES),
        methods=sorted(methods) or ["get", "post"],
    )


def send(world: World, clients: dict, role: str, method: str, url: str, **kwargs):
    """One request in a savepoint that is rolled back; the role's session cookie is put back first (a
    logout, or a view that rotates the session, must not change the next request's person)."""
    client = clients[role]
    client.cookies = SimpleCookie(world.cookies[role])
    with transaction.atomic():
        response = getattr(client, method)(url, **kwargs)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # an exception half-way through a file fails here
        transaction.set_rollback(True)
    assert response.status_code < 500 or response.status_code == 503, (
        f"{method.upper()} {url} as {role}: {response.status_code}"
    )
    return response


def fuzz_pattern(world: World, clients: dict, pattern: Pattern) -> None:
    target = explore(world, clients, pattern)

    @FUZZ_SETTINGS
    @given(
        role=st.sampled_from(target.roles),
        values=parameter_values(world, pattern),
        method=st.sampled_from(target.methods),
        data=form_data(target.field_names, target.date_names),
        body=json_body(target.field_names),
    )
    def check(role, values, method, data, body):
        url = pattern.url(values)
        if method == "get":
            send(world, clients, role, "get", url, data=data)
        elif method == "post":
            send(world, clients, role, "post", url, data=data)
        else:
            payload = json.dumps(body, ensure_ascii=False)
            send(world, clients, role, "post", url, data=payload, content_type="application/json")

    check()


def failures_of(world: World, clients: dict, patterns: list[Pattern], run) -> list[str]:
    """Run `run` on each pattern and collect every failure, so that one report lists all of them."""
    failures = []
    for pattern in patterns:
        try:
            run(world, clients, pattern)
        except Exception as error:  # noqa: BLE001 — reported below with the pattern it belongs to
            failures.append(f"{pattern.name or pattern.route}: {type(error).__name__}: {error}")
    return failures


# Tests -----------------------------------------------------------------------------------------------------


def test_the_project_patterns_are_found():
    """The enumeration itself: the quiz answer endpoint, an HR export and an admin form are in it, ids
    in our addresses go through the `id` converter."""
    patterns = {p.name: p for p in url_patterns() if p.own}
    assert {"lesson_quiz:answer", "compliance_reports:export_xlsx", "compliance_assignments:create"} <= set(
        patterns
    )
    ours = [p for p in patterns.values() if not p.name.startswith("wagtailsnippets")]  # Wagtail's routes
    assert [p.route for p in ours if any(c == "int" for c, _n in p.parameters)] == []


def test_no_hostile_request_to_a_project_url_is_a_server_error():
    world = build_world()
    clients = logged_in_clients(world)
    only = os.environ.get("FUZZ_ONLY", "")  # e.g. FUZZ_ONLY=lesson_quiz: to fuzz a few patterns longer
    patterns = [p for p in url_patterns() if p.own and only in p.name]

    failures = failures_of(world, clients, patterns, fuzz_pattern)

    assert not failures, "\n\n".join(failures)


HUGE_IDS = (str(2**63),)  # one more than the largest signed 64-bit integer


def fuzz_id_only(world: World, clients: dict, pattern: Pattern) -> None:
    for huge in HUGE_IDS:
        values = {
            name: huge if converter in ID_CONVERTERS else (world.words.get(name) or ["x"])[0]
            for converter, name in pattern.parameters
        }
        send(world, clients, "admin", "get", pattern.url(values))


def test_no_id_beyond_a_database_integer_in_another_url_is_a_server_error():
    """Wagtail's and Django's admin addresses with an id, as an administrator (who may open them all)."""
    world = build_world()
    clients = logged_in_clients(world)
    patterns = [p for p in url_patterns() if not p.own and p.takes_an_id]

    failures = failures_of(world, clients, patterns, fuzz_id_only)

    assert not failures, "\n\n".join(failures)
