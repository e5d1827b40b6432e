"""The demo organisation: Ho Chi Minh City with four wards and communes, thirty officials, two HR managers
and mandatory training with real figures (overdue, in progress, completed, exempt, a 12-month cycle).

Everything goes through the services, as HR and learners would: assignments are created with a `now` in
the past (so some are overdue), courses are completed by passing their quizzes and marking the lessons
read. Idempotent: what exists is left as it is.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import CourseIndexPage, CoursePage, LessonPage
from lms.compliance.models import Assignment, Obligation
from lms.compliance.services import assignment_create, obligation_exempt
from lms.learning.models import Enrolment, LessonCompletion
from lms.learning.services import course_completion_announce, progress_record
from lms.people.models import Official, OrgUnit, Position
from lms.people.services import managed_unit_add, official_save, position_create, unit_create
from lms.quiz.models import AttemptAnswer, Question, Quiz
from lms.quiz.services import answer_mark, attempt_save_answer, attempt_start, attempt_submit

from .accounts import DEMO_PASSWORD

User = get_user_model()

CITY = ("HCM", "Thành phố Hồ Chí Minh", OrgUnit.Kind.CITY)
# (code, name, kind, offices inside it)
WARDS = [
    (
        "HCM-BENTHANH",
        "Phường Bến Thành",
        OrgUnit.Kind.WARD,
        [("HCM-BENTHANH-VP", "Văn phòng HĐND và UBND phường Bến Thành")],
    ),
    ("HCM-SAIGON", "Phường Sài Gòn", OrgUnit.Kind.WARD, []),
    ("HCM-TANDINH", "Phường Tân Định", OrgUnit.Kind.WARD, []),
    ("HCM-BINHCHANH", "Xã Bình Chánh", OrgUnit.Kind.COMMUNE, []),
]
POSITIONS = [
    ("CT-UBND", "Chủ tịch UBND"),
    ("VP-TK", "Văn phòng – Thống kê"),
    ("DC-XD", "Địa chính – Xây dựng"),
    ("TP-HT", "Tư pháp – Hộ tịch"),
    ("VH-XH", "Văn hóa – Xã hội"),
]
MAIL_DOMAIN = {
    "HCM-BENTHANH": "benthanh.tphcm.example",
    "HCM-BENTHANH-VP": "benthanh.tphcm.example",
    "HCM-SAIGON": "saigon.tphcm.example",
    "HCM-TANDINH": "tandinh.tphcm.example",
    "HCM-BINHCHANH": "binhchanh.tphcm.example",
}


@dataclass(frozen=True)
class Person:
    code: str  # employee code, also the username
    name: str
    unit: str
    position: str
    mailbox: str
    phone: str
    head: bool = False


OFFICIALS = [
    Person("BT-001", "Nguyễn Văn Hùng", "HCM-BENTHANH", "CT-UBND", "nvhung", "0903 112 201", head=True),
    Person("BT-002", "Trần Thị Thu Hà", "HCM-BENTHANH", "VP-TK", "ttthuha", "0903 112 202"),
    Person("BT-003", "Lê Minh Tuấn", "HCM-BENTHANH", "DC-XD", "lmtuan", "0903 112 203"),
    Person("BT-004", "Phạm Thị Ngọc Ánh", "HCM-BENTHANH", "TP-HT", "ptngocanh", "0903 112 204"),
    Person("BT-005", "Hoàng Đức Thắng", "HCM-BENTHANH", "VH-XH", "hdthang", "0903 112 205"),
    Person("BT-006", "Võ Thị Kim Oanh", "HCM-BENTHANH", "TP-HT", "vtkimoanh", "0903 112 206"),
    Person("BT-007", "Đặng Quốc Việt", "HCM-BENTHANH", "DC-XD", "dqviet", "0903 112 207"),
    Person("BT-008", "Dương Thị Mai", "HCM-BENTHANH-VP", "VP-TK", "dtmai", "0903 112 208", head=True),
    Person("BT-009", "Bùi Thị Hồng Nhung", "HCM-BENTHANH-VP", "VP-TK", "bthongnhung", "0903 112 209"),
    Person("BT-010", "Ngô Thanh Sơn", "HCM-BENTHANH-VP", "VP-TK", "ntson", "0903 112 210"),
    Person("SG-001", "Huỳnh Tấn Phát", "HCM-SAIGON", "CT-UBND", "htphat", "0908 245 301", head=True),
    Person("SG-002", "Lý Thị Thanh Tâm", "HCM-SAIGON", "VP-TK", "ltthanhtam", "0908 245 302"),
    Person("SG-003", "Trương Văn Lộc", "HCM-SAIGON", "DC-XD", "tvloc", "0908 245 303"),
    Person("SG-004", "Phan Thị Bích Ngọc", "HCM-SAIGON", "TP-HT", "ptbichngoc", "0908 245 304"),
    Person("SG-005", "Đỗ Minh Khang", "HCM-SAIGON", "VH-XH", "dmkhang", "0908 245 305"),
    Person("SG-006", "Mai Thị Hương", "HCM-SAIGON", "VH-XH", "mthuong", "0908 245 306"),
    Person("SG-007", "Tạ Quang Huy", "HCM-SAIGON", "DC-XD", "tqhuy", "0908 245 307"),
    Person("TD-001", "Lâm Văn Tài", "HCM-TANDINH", "CT-UBND", "lvtai", "0912 378 401", head=True),
    Person("TD-002", "Châu Thị Ngọc Hân", "HCM-TANDINH", "VP-TK", "ctngochan", "0912 378 402"),
    Person("TD-003", "Nguyễn Hoàng Nam", "HCM-TANDINH", "DC-XD", "nhnam", "0912 378 403"),
    Person("TD-004", "Trần Thị Diễm My", "HCM-TANDINH", "TP-HT", "ttdiemmy", "0912 378 404"),
    Person("TD-005", "Lê Văn Phúc", "HCM-TANDINH", "VH-XH", "lvphuc", "0912 378 405"),
    Person("TD-006", "Phạm Thanh Trúc", "HCM-TANDINH", "TP-HT", "pttruc", "0912 378 406"),
    Person("TD-007", "Vũ Đình Khôi", "HCM-TANDINH", "VP-TK", "vdkhoi", "0912 378 407"),
    Person("BC-001", "Nguyễn Thị Lệ Thu", "HCM-BINHCHANH", "CT-UBND", "ntlethu", "0937 460 501", head=True),
    Person("BC-002", "Trịnh Văn Bảy", "HCM-BINHCHANH", "DC-XD", "tvbay", "0937 460 502"),
    Person("BC-003", "Hồ Thị Cẩm Tú", "HCM-BINHCHANH", "VP-TK", "htcamtu", "0937 460 503"),
    Person("BC-004", "Đinh Công Danh", "HCM-BINHCHANH", "TP-HT", "dcdanh", "0937 460 504"),
    Person("BC-005", "La Thị Yến Nhi", "HCM-BINHCHANH", "VH-XH", "ltyennhi", "0937 460 505"),
    Person("BC-006", "Cao Văn Lợi", "HCM-BINHCHANH", "DC-XD", "cvloi", "0937 460 506"),
]

# An official who can sign in with the demo password, to see "My mandatory training" with real statuses.
OFFICIAL_WITH_LOGIN = "BT-004"
CITY_HR = "nhansu"  # manages the whole city
WARD_HR = "nhansu.benthanh"  # manages Phường Bến Thành only

SECURITY = "ky-nang-an-toan-thong-tin-co-ban"
DIGITAL = "chuyen-doi-so-cho-can-bo-phuong-xa"


@dataclass(frozen=True)
class Plan:
    """One demo assignment. `days_ago`: when HR made it; the due rule and validity as HR chose them."""

    note: str
    course: str
    by: str
    days_ago: int
    unit: str | None = None
    position: str | None = None
    person: str | None = None
    due_days: int | None = None
    due_in_days: int | None = None  # a fixed date, counted from today
    validity_months: int | None = None


PLANS = [
    # The yearly security refresher for the whole city: assigned 40 days ago, due 30 days after, so those who
    # have not finished are 10 days late. Renewed every 12 months.
    Plan(
        note="Bồi dưỡng an toàn thông tin hằng năm (Kế hoạch 2026 của Thành phố)",
        course=SECURITY,
        by=CITY_HR,
        days_ago=40,
        unit=CITY[0],
        due_days=30,
        validity_months=12,
    ),
    # Phường Bến Thành's own digital-transformation plan: a fixed date in six weeks.
    Plan(
        note="Kế hoạch chuyển đổi số phường Bến Thành năm 2026",
        course=DIGITAL,
        by=WARD_HR,
        days_ago=5,
        unit="HCM-BENTHANH",
        due_in_days=45,
    ),
    # Every ward chair in the city, by position: due in ten days.
    Plan(
        note="Chủ tịch UBND phường, xã chủ trì chuyển đổi số tại địa phương",
        course=DIGITAL,
        by=CITY_HR,
        days_ago=20,
        unit=CITY[0],
        position="CT-UBND",
        due_days=30,
    ),
    # One person, after a land-records inspection: five days late.
    Plan(
        note="Bổ sung kiến thức sau đợt kiểm tra hồ sơ địa chính",
        course=DIGITAL,
        by=CITY_HR,
        days_ago=50,
        person="TD-003",
        due_days=45,
    ),
]

# Who has finished which course (through its quizzes), and who has only begun (one lesson read).
COMPLETED = {
    SECURITY: [
        "BT-001",
        "BT-002",
        "BT-003",
        "BT-005",
        "BT-008",
        "BT-009",
        "BT-010",
        "SG-001",
        "SG-002",
        "SG-004",
        "SG-007",
        "TD-001",
        "TD-006",
        "BC-003",
    ],
    DIGITAL: ["SG-001"],
}
STARTED = {
    SECURITY: ["BT-004", "TD-002", "BC-002"],  # started, but the due date has passed: still overdue
    DIGITAL: ["BT-001", "BT-004", "BT-006", "BT-009", "TD-001"],
}
EXEMPTIONS = [
    (
        SECURITY,
        "SG-006",
        "Đã hoàn thành lớp An toàn thông tin do Sở Khoa học và Công nghệ tổ chức, có giấy chứng nhận.",
    ),
]


def load_organisation(*, summary, users: dict, catalogue: CourseIndexPage) -> None:
    """Units, positions, officials, HR scopes, assignments and progress; `users` are the demo accounts."""
    units = _units(summary)
    positions = _positions(summary)
    officials = _officials(units, positions, summary)
    managed_unit_add(user=users[CITY_HR], unit=units[CITY[0]])
    managed_unit_add(user=users[WARD_HR], unit=units["HCM-BENTHANH"])
    courses = {
        slug: CoursePage.objects.child_of(catalogue).filter(slug=slug).first() for slug in (SECURITY, DIGITAL)
    }
    if not all(course is not None and course.live for course in courses.values()):
        summary.add("no demo assignments: the demo courses are missing")
        return
    assignments = {}
    for plan in PLANS:
        assignments[plan.note] = _assignment(plan, users, units, positions, officials, courses, summary)
    trainer = users["giangvien"]
    for slug, codes in STARTED.items():
        for code in codes:
            _start(officials[code].user, courses[slug], summary)
    for slug, codes in COMPLETED.items():
        for code in codes:
            _complete(officials[code].user, courses[slug], trainer, summary)
    _announce_completions()
    for slug, code, reason in EXEMPTIONS:
        _exempt(users[CITY_HR], officials[code].user, courses[slug], reason, summary)


def _units(summary) -> dict[str, OrgUnit]:
    units = {}
    city = OrgUnit.objects.filter(code=CITY[0]).first()
    if city is None:
        city = unit_create(code=CITY[0], name=CITY[1], kind=CITY[2])
        summary.add(f"unit {city.name}")
    units[city.code] = city
    for code, name, kind, offices in WARDS:
        ward = OrgUnit.objects.filter(code=code).first()
        if ward is None:
            ward = unit_create(code=code, name=name, kind=kind, parent=units[CITY[0]])
            summary.add(f"unit {ward.name}")
        units[code] = ward
        for office_code, office_name in offices:
            office = OrgUnit.objects.filter(code=office_code).first()
            if office is None:
                office = unit_create(
                    code=office_code, name=office_name, kind=OrgUnit.Kind.OFFICE, parent=ward
                )
                summary.add(f"unit {office.name}")
            units[office_code] = office
    return {code: OrgUnit.objects.get(pk=unit.pk) for code, unit in units.items()}


def _positions(summary) -> dict[str, Position]:
    positions = {}
    for code, name in POSITIONS:
        position = (
            Position.objects.filter(code=code).first() or Position.objects.filter(name__iexact=name).first()
        )
        if position is None:
            position = position_create(code=code, name=name)
            summary.add(f"position {name}")
        positions[code] = position
    return positions


def _officials(units, positions, summary) -> dict[str, Official]:
    existing = {
        o.employee_code: o
        for o in Official.objects.select_related("user").filter(employee_code__in=[p.code for p in OFFICIALS])
    }
    for person in OFFICIALS:
        if person.code in existing:
            continue
        official, _created = official_save(
            employee_code=person.code,
            full_name=person.name,
            unit=units[person.unit],
            position=positions[person.position],
            email=f"{person.mailbox}@{MAIL_DOMAIN[person.unit]}",
            phone=person.phone,
            is_unit_head=person.head,
        )
        if person.code == OFFICIAL_WITH_LOGIN:
            official.user.set_password(DEMO_PASSWORD)
            official.user.save(update_fields=["password"])
        existing[person.code] = official
        summary.add(f"official {person.name} ({person.code})")
    return existing


def _assignment(plan: Plan, users, units, positions, officials, courses, summary) -> Assignment:
    course = courses[plan.course]
    person = officials[plan.person].user if plan.person else None
    unit = units[plan.unit] if plan.unit else None
    found = Assignment.objects.filter(course_id=course.pk, note=plan.note, unit=unit, user=person).first()
    if found is not None:
        return found
    now = timezone.now() - timedelta(days=plan.days_ago)
    assignment = assignment_create(
        by=users[plan.by],
        course=course,
        unit=unit,
        position=positions[plan.position] if plan.position else None,
        user=person,
        due_days=plan.due_days,
        due_date=timezone.localdate() + timedelta(days=plan.due_in_days) if plan.due_in_days else None,
        validity_months=plan.validity_months,
        note=plan.note,
        now=now,
    )
    summary.add(f"assignment {course.title} → {unit.name if unit else person.get_full_name()}")
    return assignment


def _enrolment(user, course) -> Enrolment | None:
    return Enrolment.objects.filter(user=user, course_id=course.pk).first()


def _lessons(course) -> list[LessonPage]:
    return list(LessonPage.objects.live().descendant_of(course).filter(is_required=True).order_by("path"))


def _start(user, course, summary) -> None:
    """Read the first lesson: the obligation is then in progress (or still overdue, when late)."""
    enrolment = _enrolment(user, course)
    if enrolment is None or LessonCompletion.objects.filter(enrolment=enrolment).exists():
        return
    progress_record(user=user, lesson=_lessons(course)[0], source=LessonCompletion.Source.MANUAL)
    summary.add(f"progress {user.get_full_name()}: {course.title} begun")


def _complete(user, course, marker, summary) -> None:
    """Finish a course the way a learner does: read each lesson, pass each quiz (the essay marked by the
    trainer)."""
    enrolment = _enrolment(user, course)
    if enrolment is None or enrolment.completed_at is not None:
        return
    done = set(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True))
    for lesson in _lessons(course):
        if lesson.pk in done:
            continue
        quiz_ids = lesson.quiz_ids()
        if quiz_ids:
            for quiz in Quiz.objects.filter(pk__in=quiz_ids):
                _pass_quiz(user, quiz, lesson, marker)
        elif not lesson.completion_requirements():
            progress_record(user=user, lesson=lesson, source=LessonCompletion.Source.MANUAL)
    summary.add(f"progress {user.get_full_name()}: {course.title} completed")


def _announce_completions() -> None:
    """Certificates and completed obligations of the demo's completions, now: the demo is whole when load_demo
    returns, without waiting for a worker. The tasks queued by the commit then find them announced."""
    pending = Enrolment.objects.filter(completed_at__isnull=False, completion_announced_at__isnull=True)
    for enrolment_id, completed_at in pending.values_list("pk", "completed_at"):
        course_completion_announce(enrolment_id=enrolment_id, completed_at=completed_at)


ESSAY_ANSWER = (
    "Tôi sẽ áp dụng đúng quy trình đã học, hướng dẫn người dân từng bước và báo cáo kịp thời khi có sự cố."
)


def _right_answer(question: Question):
    if question.kind == Question.Kind.SINGLE:
        return next(a.pk for a in question.answers.all() if a.correct)
    if question.kind == Question.Kind.MULTIPLE:
        return [a.pk for a in question.answers.all() if a.correct]
    if question.kind == Question.Kind.TRUE_FALSE:
        return question.correct_is_true
    if question.kind == Question.Kind.SHORT:
        return next(a.text for a in question.answers.all() if a.correct)
    return ESSAY_ANSWER


def _pass_quiz(user, quiz: Quiz, lesson: LessonPage, marker) -> None:
    attempt = attempt_start(user=user, quiz=quiz, context_page_id=lesson.pk, seed=user.pk)
    questions = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("answers")
    for question in questions:
        attempt_save_answer(attempt=attempt, question_id=question.pk, response=_right_answer(question))
    attempt = attempt_submit(attempt=attempt)
    essays = AttemptAnswer.objects.filter(attempt=attempt, score__isnull=True).select_related("question")
    for answer in essays:
        answer_mark(
            answer=answer, marker=marker, score=answer.question.points, comment="Bài làm đạt yêu cầu."
        )


def _exempt(by, user, course, reason, summary) -> None:
    obligation = Obligation.objects.filter(user=user, course_id=course.pk, is_current=True).first()
    if obligation is None or obligation.exempt_at is not None:
        return
    obligation_exempt(by=by, obligation=obligation, reason=reason)
    summary.add(f"exemption {user.get_full_name()}: {course.title}")
