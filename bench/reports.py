"""HR reports at 100,000 officials on PostgreSQL: the city summary, a ward drill-down and the 100,000-row
XLSX export with its peak memory.

Point DATABASE_URL at a THROW-AWAY PostgreSQL database (about 10 million rows, 2 GB, go into it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/smartward_bench .venv/bin/python bench/reports.py

The database is created if it is missing (through the "postgres" maintenance database) and its tables with
`migrate`. The data is built once, with COPY, in one transaction (about 3 minutes): a city, about 300 units
(168 wards and communes, five of them below an intermediate level, offices inside wards), 5 positions,
100,000 officials with their accounts, 20 courses (Wagtail pages), city-wide, ward and position assignments,
over 2,000,000 current obligations with a mix of statuses (completed over the last 12 months, in progress, not
started, overdue, exempt, yearly recertification cycles) and the closed first cycles, one enrolment per person
and course, lesson completions to match; then VACUUM ANALYZE. Later runs find the data and only measure;
`--rebuild` drops the database and builds it again (refused on a database holding other organisation data).

Prints build_s and the row counts when it built, then medians of `--runs` runs after one warm-up:
- city_summary_ms / _queries: `unit_summary` of the city for an administrator;
- ward_drilldown_ms / _queries: the ward page for its HR manager, `unit_summary` of the ward and the first
  page of its people list (`reports.people_page`);
- city_page_data_ms, ward_page_data_ms: everything the dashboard view computes for the unit (figures, the
  12-month completion curve, this year's training hours, the first people page), without rendering (the
  hours come from certificates: bench/hours.py adds them to this data);
- snapshot_refresh_s: `reports.snapshot.snapshot_take`, the figures of every unit and course counted for the
  dashboards that read them "as of" (what Celery beat runs every 10 minutes);
- city_dashboard_ms / _queries: the whole city dashboard view (session, view, template: figures, the curve,
  the training hours, the first people page) through Django's test client, for an administrator, from that
  snapshot; city_dashboard_live_ms: the same view counting live (no snapshot used); ward_dashboard_ms /
  _queries: the ward's dashboard view for its HR manager (live: a ward is below DASHBOARD_LIVE_LIMIT);
  city_dashboard_cpu_ms, ward_dashboard_cpu_ms: the CPU time those two views take, this process's and its
  database backend's, averaged over `--runs` calls (what they cost on a busy machine without the wait for a
  core); `--dashboards-only` measures only these;
- export_100k_s, export_rows, export_xlsx_mb, export_peak_rss_mb: the dashboard's XLSX export of the whole
  city filtered to one city-wide course (one row per official), through `reports.export_rows` and
  `exports.xlsx_response`, its body consumed to the end, run `--export-runs` times, each in a child process
  so that the build's memory does not count (peak RSS = the child's VmHWM, the largest of the runs).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITY_CODE = "BENCH-HCM"
ADMIN_USERNAME = "bench_admin"
HR_USERNAME = "bench_hr"
SEED = 2025

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
    "Sơn",
    "Hòa",
    "Nhung",
    "Đạt",
    "Hương",
    "Khoa",
]
PLACES = [
    "Bến Thành", "Sài Gòn", "Tân Định", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc", "Chợ Quán", "An Đông",
    "Chợ Lớn", "Bình Tây", "Bình Tiên", "Phú Lâm", "Tân Thuận", "Phú Thuận", "Tân Mỹ", "Tân Hưng",
    "Chánh Hưng", "Phú Định", "Bình Đông", "Diên Hồng", "Vườn Lài", "Hòa Hưng", "Minh Phụng", "Bình Thới",
    "Hòa Bình", "Phú Thọ", "Đông Hưng Thuận", "Trung Mỹ Tây", "Tân Thới Hiệp", "Thới An", "An Phú Đông",
    "An Lạc", "Tân Tạo", "Bình Tân", "Bình Trị Đông", "Bình Hưng Hòa", "Gia Định", "Bình Thạnh",
    "Bình Lợi Trung", "Thạnh Mỹ Tây", "Bình Quới", "Hạnh Thông", "An Nhơn", "Gò Vấp", "An Hội Đông",
    "Thông Tây Hội", "An Hội Tây", "Đức Nhuận", "Cầu Kiệu", "Phú Nhuận", "Tân Sơn Hòa", "Tân Sơn Nhất",
    "Tân Hòa", "Bảy Hiền", "Tân Bình", "Tân Sơn", "Tây Thạnh", "Tân Sơn Nhì", "Phú Thọ Hòa", "Tân Phú",
    "Phú Thạnh", "Hiệp Bình", "Thủ Đức", "Tam Bình", "Linh Xuân", "Tăng Nhơn Phú", "Long Bình",
    "Long Phước", "Long Trường", "Cát Lái", "Bình Trưng", "Phước Long", "An Khánh",
]  # fmt: skip
POSITIONS = [  # code, name, share of officials
    ("CT-UBND", "Chủ tịch UBND", 0.01),
    ("PCT-UBND", "Phó Chủ tịch UBND", 0.03),
    ("TP-HT", "Tư pháp – Hộ tịch", 0.24),
    ("DC-XD", "Địa chính – Xây dựng", 0.30),
    ("VP-TK", "Văn phòng – Thống kê", 0.42),
]
LESSONS_PER_COURSE = 4


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------
# The database


def database_config(script: str = "bench/reports.py", example: str = "smartward_bench") -> dict:
    """DATABASE_URL parsed, or exit saying that `script` needs a throw-away PostgreSQL database."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if "postgresql" not in config.get("ENGINE", ""):
        sys.exit(
            f"{script} needs PostgreSQL: set DATABASE_URL to a throw-away database, e.g. "
            f"postgres://postgres@127.0.0.1:5432/{example}"
        )
    return config


def _maintenance_connection(config: dict):
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


def database_prepare(config: dict, *, rebuild: bool) -> None:
    """Create the database if it is missing; on --rebuild drop it first (only if it is the bench's own)."""
    from psycopg import sql

    name = config["NAME"]
    with _maintenance_connection(config) as maintenance:
        exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            if not _is_bench_database(config):
                sys.exit(
                    f"--rebuild refused: database {name!r} holds organisation data that is not the bench's."
                )
            log(f"dropping database {name}")
            maintenance.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            log(f"creating database {name}")
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _is_bench_database(config: dict) -> bool:
    import psycopg

    with psycopg.connect(
        dbname=config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    ) as conn:
        if conn.execute("SELECT to_regclass('people_orgunit')").fetchone()[0] is None:
            return True
        roots = [r[0] for r in conn.execute("SELECT code FROM people_orgunit WHERE depth = 1")]
        return roots in ([], [CITY_CODE])


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------------------
# The data


@dataclass
class UnitPlan:
    name: str
    code: str
    kind: str
    children: list["UnitPlan"] = field(default_factory=list)
    path: str = ""
    pk: int | None = None
    officials: int = 0  # for wards: officials in the ward and its offices


@dataclass
class AssignmentPlan:
    pk: int
    course: int  # index into the course list
    created_at: datetime
    due_at: datetime
    validity_months: int | None
    completion: float  # share of people who complete (first cycle)
    position: int | None = None  # index into POSITIONS


@dataclass
class Built:
    city: object
    ward: object
    admin: object
    hr: object
    officials: int
    obligations_current: int
    obligations_total: int
    obligation_sources: int
    enrolments: int
    lesson_completions: int
    units: int
    courses: int


def _ward_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    names = []
    for i in range(count):
        place = PLACES[i % len(PLACES)] + (f" {i // len(PLACES) + 1}" if i >= len(PLACES) else "")
        kind = "ward" if i % 10 < 7 else "commune"
        names.append((("Phường " if kind == "ward" else "Xã ") + place, kind))
    rng.shuffle(names)
    return names


def plan_units(*, wards: int, rng: random.Random) -> tuple[UnitPlan, list[UnitPlan]]:
    """City → wards/communes (the last five below an intermediate level) → 0–2 offices each."""
    city = UnitPlan(name="Thành phố Hồ Chí Minh", code=CITY_CODE, kind="city")
    intermediate = UnitPlan(name="Cụm xã ven biển", code="BENCH-CUM", kind="district")
    ward_plans = []
    for i, (name, kind) in enumerate(_ward_names(wards, rng)):
        ward = UnitPlan(name=name, code=f"BENCH-W{i + 1:03d}", kind=kind)
        offices = 2 if i % 4 == 0 else 1 if i % 4 == 1 else 0
        for j in range(offices):
            label = ("Văn phòng HĐND-UBND", "Phòng Kinh tế")[j]
            ward.children.append(
                UnitPlan(name=f"{label} {name}", code=f"{ward.code}-O{j + 1}", kind="office")
            )
        ward_plans.append(ward)
    below = ward_plans[-5:] if wards > 6 else []
    city.children = [w for w in ward_plans if w not in below]
    if below:
        intermediate.children = below
        city.children.append(intermediate)
    return city, ward_plans


def _assign_paths(node: UnitPlan, path: str, depth: int, unit_model) -> list[tuple[UnitPlan, int]]:
    """Materialised paths as treebeard would give them: siblings numbered in the order of node_order_by."""
    node.path = path
    out = [(node, depth)]
    for n, child in enumerate(sorted(node.children, key=lambda c: c.name), start=1):
        out += _assign_paths(child, unit_model._get_path(path, depth + 1, n), depth + 1, unit_model)
    return out


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 — names are constants
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


BULK_TABLES = (
    "people_user_groups", "people_official", "compliance_obligation", "compliance_obligationsource",
    "learning_enrolment", "learning_lessoncompletion",
)  # fmt: skip


def _foreign_keys_drop(cursor, tables) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of the tables about to be loaded, returning their definitions.

    Django's foreign keys are deferred: kept, they would queue one check per copied row until COMMIT (many
    minutes for 10 million rows); added back after the load, each is validated by a single join."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [list(tables)],
    )
    keys = cursor.fetchall()
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the rows written so far, so the keys can go
    for table, name, _definition in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return keys


def _foreign_keys_add(cursor, keys) -> None:
    for table, name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred


def _sync_sequence(cursor, table: str) -> None:
    statement = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
    cursor.execute(statement)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def _person_obligations(rng, assignments, now, admin_id):
    """The obligation rows of one person: (assignment, cycle, current, opened, due, started, completed,
    valid_until, exempt_at, exempt_reason, exempted_by)."""
    rows = []
    for a in assignments:
        opened = a.created_at
        if rng.random() < 0.01:
            exempt_at = _between(rng, opened, now)
            rows.append(
                (
                    a,
                    1,
                    True,
                    opened,
                    a.due_at,
                    None,
                    None,
                    None,
                    exempt_at,
                    "Đã học tại trường chính trị",
                    admin_id,
                )
            )
            continue  # fmt: skip
        completed = started = valid = None
        window = (opened + timedelta(days=1), now - timedelta(hours=1))  # completions happen in the past
        if window[0] < window[1] and rng.random() < a.completion:
            completed = _between(rng, *window)
            started = completed - timedelta(days=rng.uniform(0, 10))
            started = max(started, opened)
            if a.validity_months:
                valid = completed + timedelta(days=round(30.44 * a.validity_months))
        elif rng.random() < 0.5:
            started = _between(rng, opened, now)
        renew_at = valid - timedelta(days=30) if valid else None
        if renew_at is not None and renew_at <= now:
            # The first certificate runs out: cycle 1 becomes history, cycle 2 is due when it ends.
            rows.append((a, 1, False, opened, a.due_at, started, completed, valid, None, "", None))
            c_completed = c_started = c_valid = None
            window = (renew_at + timedelta(hours=1), min(now, valid + timedelta(days=30)))
            if window[0] < window[1] and rng.random() < (0.7 if valid < now else 0.3):
                c_completed = _between(rng, *window)
                c_started = max(renew_at, c_completed - timedelta(days=rng.uniform(0, 7)))
                c_valid = c_completed + timedelta(days=round(30.44 * a.validity_months))
            elif rng.random() < 0.4:
                c_started = _between(rng, renew_at, now)
            rows.append((a, 2, True, renew_at, valid, c_started, c_completed, c_valid, None, "", None))
        else:
            rows.append((a, 1, True, opened, a.due_at, started, completed, valid, None, "", None))
    return rows


def _as_duties(rows: list) -> tuple[list, dict]:
    """One duty per course (issue 15): of the rows planned per assignment, the governing assignment's (due
    first) make the duty; every assignment of the course is one of its sources. Returns (rows, {course:
    [assignment plans]})."""
    by_course: dict[int, list] = {}
    for row in rows:
        by_course.setdefault(row[0].course, []).append(row)
    duties, sources = [], {}
    for course, course_rows in by_course.items():
        reaching = sorted({r[0].pk: r[0] for r in course_rows}.values(), key=lambda a: (a.due_at, a.pk))
        governing = reaching[0]
        duties += [r for r in course_rows if r[0] is governing]
        sources[course] = reaching
    return duties, sources


def build(*, officials: int = 100_000, wards: int = 168, courses: int = 20, seed: int = SEED) -> Built:
    """Fill an empty organisation with the bench's data, in bulk. The caller holds the transaction."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone
    from wagtail.models import Page

    from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
    from lms.compliance.models import Assignment
    from lms.compliance.rules import end_of_day
    from lms.people import roles
    from lms.people.models import ManagedUnit, OrgUnit, Position, User
    from lms.people.services import roles_sync

    rng = random.Random(seed)
    now = timezone.now()
    groups = roles_sync()
    admin = User.objects.create(username=ADMIN_USERNAME, full_name="Quản trị Thành phố", password="!")
    admin.groups.add(groups[roles.ADMINISTRATOR])
    hr = User.objects.create(username=HR_USERNAME, full_name="Lê Thị Nhân Sự", password="!")
    hr.groups.add(groups[roles.HR_MANAGER])

    positions = Position.objects.bulk_create(Position(code=c, name=n) for c, n, _ in POSITIONS)
    position_weights = [share for _, _, share in POSITIONS]

    # Units, with their paths computed here (treebeard's alphabet and step length) and numchild set.
    city_plan, ward_plans = plan_units(wards=wards, rng=rng)
    roots = OrgUnit.get_root_nodes().count()
    flat = _assign_paths(city_plan, OrgUnit._get_path(None, 1, roots + 1), 1, OrgUnit)
    created = OrgUnit.objects.bulk_create(
        OrgUnit(name=p.name, code=p.code, kind=p.kind, path=p.path, depth=depth, numchild=len(p.children))
        for p, depth in flat
    )
    for (plan, _), unit in zip(flat, created, strict=True):
        plan.pk = unit.pk

    # Courses through Wagtail: a catalogue, and for each course one module of four lessons.
    catalogue = Page.get_first_root_node().add_child(
        instance=CourseIndexPage(title="Khóa học bắt buộc", slug=f"khoa-hoc-bench-{seed}")
    )
    course_ids, lesson_ids = [], []
    titles = [
        "Chuyển đổi số cho cán bộ phường", "Dịch vụ công trực tuyến", "An toàn thông tin",
        "Cải cách hành chính", "Văn hóa công sở", "Kỹ năng lãnh đạo", "Quản lý đất đai", "Hộ tịch điện tử",
        "Phòng chống tham nhũng", "Kỹ năng tiếp dân", "Quản lý đô thị", "Phòng cháy chữa cháy",
        "Bảo vệ môi trường", "Quốc phòng an ninh", "Công tác dân vận", "Thống kê cơ sở", "Ngân sách xã",
        "Kỹ năng soạn thảo văn bản", "Luật Đất đai 2024", "Chính quyền hai cấp",
    ]  # fmt: skip
    for c in range(courses):
        course = catalogue.add_child(
            instance=CoursePage(
                title=titles[c % len(titles)],
                slug=f"khoa-{c + 1}",
                summary="Khóa học bắt buộc cho cán bộ phường, xã.",
                estimated_hours=2,
            )
        )
        module = course.add_child(instance=ModulePage(title="Chương 1", slug="chuong-1"))
        lessons = [
            module.add_child(
                instance=LessonPage(
                    title=f"Bài {n}", slug=f"bai-{n}", body=[("paragraph", "<p>Nội dung</p>")]
                )
            )
            for n in range(1, LESSONS_PER_COURSE + 1)
        ]
        course_ids.append(course.pk)
        lesson_ids.append([lesson.pk for lesson in lessons])

    # Assignments: most courses city-wide (the first few every 12 months), the rest ward by ward, and one
    # leadership course for chairs and vice-chairs city-wide.
    ward_courses = max(1, round(courses * 0.3)) if courses > 1 else 0
    city_courses = courses - ward_courses
    recert_courses = min(4, max(1, city_courses // 3))
    today = timezone.localdate(now)
    specs = []  # (course, unit plan or None for the city, position, created, due, validity, completion)
    for c in range(city_courses):
        if c < recert_courses:
            created_at = now - timedelta(days=600 + 15 * c)
            due = today - timedelta(days=540 + 15 * c)
            specs.append((c, None, None, created_at, due, 12, 0.85))
        else:
            ages = (390, 330, 270, 210, 150, 110, 80, 60, 40, 20)  # days ago: 13 months to recent
            created_at = now - timedelta(days=ages[(c - recert_courses) % len(ages)])
            due = timezone.localdate(created_at) + timedelta(days=90)
            specs.append((c, None, None, created_at, due, None, 0.8 if due < today else 0.35))
    for w, ward in enumerate(ward_plans):
        for k in range(ward_courses):
            age = rng.randint(30, 360)
            created_at = now - timedelta(days=age)
            due = timezone.localdate(created_at) + timedelta(days=rng.choice((30, 60, 90, 120)))
            diligence = 0.5 + 0.4 * ((w * 7 + k) % 10) / 10
            completion = diligence if due < today else diligence * 0.5
            specs.append((city_courses + k, ward, None, created_at, due, None, completion))
    # Overlaps: each ward also assigns one or two of the city-wide courses itself, with an earlier due date,
    # so most people are reached twice for those courses (one duty each, two sources).
    plain_city = list(range(recert_courses, city_courses))
    for ward in ward_plans:
        for c in rng.sample(plain_city, k=min(len(plain_city), rng.choice((1, 2)))):
            city_created = specs[c][3]
            created_at = city_created + timedelta(days=rng.randint(1, 10))
            due = specs[c][4] - timedelta(days=rng.randint(5, 30))
            specs.append(
                (c, ward, None, created_at, max(due, timezone.localdate(created_at)), None, specs[c][6])
            )
    leadership = min(5, city_courses - 1) if city_courses > 1 else 0
    for position in (0, 1):  # chairs and vice-chairs
        specs.append(
            (leadership, None, position, now - timedelta(days=200), today + timedelta(days=60), None, 0.6)
        )

    city_pk = city_plan.pk
    assignment_rows = []
    for course, ward, position, created_at, due, validity, _ in specs:
        assignment_rows.append(
            Assignment(
                course_id=course_ids[course],
                unit_id=ward.pk if ward else city_pk,
                include_subunits=True,
                position_id=positions[position].pk if position is not None else None,
                due_kind=Assignment.DueKind.FIXED,
                due_date=due,
                validity_months=validity,
                created_by=admin,
                created_at=created_at,
                note="bench",
            )
        )
    saved = Assignment.objects.bulk_create(assignment_rows)
    plans = [
        AssignmentPlan(
            pk=a.pk,
            course=spec[0],
            created_at=spec[3],
            due_at=end_of_day(spec[4]),
            validity_months=spec[5],
            completion=spec[6],
            position=spec[2],
        )
        for a, spec in zip(saved, specs, strict=True)
    ]
    city_wide = [p for p, s in zip(plans, specs, strict=True) if s[1] is None and s[2] is None]
    by_ward = {}
    for p, s in zip(plans, specs, strict=True):
        if s[1] is not None:
            by_ward.setdefault(s[1].code, []).append(p)
    for_leaders = [p for p in plans if p.position is not None]

    # People: ward sizes vary; about 70% sit in the ward itself, the rest in its offices.
    weights = [rng.uniform(0.5, 1.5) for _ in ward_plans]
    sizes = [int(officials * w / sum(weights)) for w in weights]
    for i in range(officials - sum(sizes)):
        sizes[i % len(sizes)] += 1
    people = []  # (user_id, unit_id, position index, ward plan)
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM people_user")
        next_user = c.fetchone()[0] + 1
    for ward, size in zip(ward_plans, sizes, strict=True):
        ward.officials = size
        for _ in range(size):
            in_office = ward.children and rng.random() < 0.3  # about 30% work in the ward's offices
            unit_pk = rng.choice(ward.children).pk if in_office else ward.pk
            position = rng.choices(range(len(POSITIONS)), weights=position_weights)[0]
            people.append((next_user, unit_pk, position, ward))
            next_user += 1

    def person_plan(user_id, position, ward):
        person_rng = random.Random(seed * 1_000_003 + user_id)
        reaching = city_wide + by_ward.get(ward.code, [])
        reaching = reaching + [p for p in for_leaders if p.position == position]
        return _as_duties(_person_obligations(person_rng, reaching, now, admin.pk))

    pg = connection.connection
    cursor = pg.cursor()
    start = time.perf_counter()
    foreign_keys = _foreign_keys_drop(cursor, BULK_TABLES)

    def user_rows():
        name_rng = random.Random(seed + 1)
        for n, (user_id, _unit, _position, _ward) in enumerate(people, start=1):
            full_name = f"{name_rng.choice(FAMILY)} {name_rng.choice(MIDDLE)} {name_rng.choice(GIVEN)}"
            code = f"CB{n:06d}"
            joined = now - timedelta(days=700 + n % 300)
            email = f"{code.lower()}@phuong.example"
            yield (user_id, "!", None, False, code, "", "", email, False, True, joined, full_name)

    user_columns = [
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
        "is_staff", "is_active", "date_joined", "full_name",
    ]  # fmt: skip
    _copy(cursor, "people_user", user_columns, user_rows())
    _sync_sequence(cursor, "people_user")
    learner = Group.objects.get(name=roles.LEARNER).pk
    _copy(cursor, "people_user_groups", ["user_id", "group_id"], ((p[0], learner) for p in people))
    _copy(
        cursor,
        "people_official",
        ["user_id", "employee_code", "unit_id", "position_id", "phone", "is_unit_head"],
        (
            (
                user_id,
                f"CB{n:06d}",
                unit,
                positions[position].pk,
                f"09{user_id % 100_000_000:08d}",
                position == 0,
            )
            for n, (user_id, unit, position, _ward) in enumerate(people, start=1)
        ),
    )
    log(f"  users and officials: {time.perf_counter() - start:.1f} s")

    counts = {"current": 0, "total": 0, "sources": 0}
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM compliance_obligation")
        first_obligation = c.fetchone()[0] + 1

    def obligation_rows():
        obligation_id = first_obligation
        for user_id, unit, position, ward in people:
            rows, sources = person_plan(user_id, position, ward)
            for (
                a,
                cycle,
                current,
                opened,
                due,
                started,
                completed,
                valid,
                exempt_at,
                reason,
                by,
            ) in rows:
                counts["total"] += 1
                counts["current"] += current
                yield (
                    obligation_id, a.pk, user_id, course_ids[a.course], unit, cycle, current, opened, due,
                    started, completed, valid, exempt_at, reason, by, None, "", 0,
                )  # fmt: skip
                obligation_id += 1

    obligation_columns = [
        "id",
        "assignment_id",
        "user_id",
        "course_id",
        "unit_id",
        "cycle",
        "is_current",
        "opened_at",
        "due_at",
        "started_at",
        "completed_at",
        "valid_until",
        "exempt_at",
        "exempt_reason",
        "exempted_by_id",
        "closed_at",
        "closed_reason",
        "reopen_count",  # NOT NULL since certificate revocation reopens obligations; COPY sets no default
    ]
    _copy(cursor, "compliance_obligation", obligation_columns, obligation_rows())
    _sync_sequence(cursor, "compliance_obligation")

    def source_rows():
        """The sources of the obligations just written: the same plans again (seeded per person), so the
        obligation ids follow in the same order without holding millions of rows in memory."""
        obligation_id = first_obligation
        for user_id, _unit, position, ward in people:
            rows, sources = person_plan(user_id, position, ward)
            for row in rows:
                a, cycle, opened, due = row[0], row[1], row[3], row[4]
                for source in sources[a.course]:
                    source_due = source.due_at if cycle == 1 else due
                    yield (obligation_id, source.pk, max(opened, source.created_at), source_due, None, "")
                obligation_id += 1

    counts["sources"] = _copy(
        cursor,
        "compliance_obligationsource",
        ["obligation_id", "assignment_id", "opened_at", "due_at", "closed_at", "closed_reason"],
        source_rows(),
    )
    log(f"  obligations and their sources: {time.perf_counter() - start:.1f} s")

    # One enrolment per person and course, following the person's current cycle; lessons done to match.
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM learning_enrolment")
        first_enrolment = c.fetchone()[0] + 1

    def enrolments(with_lessons: bool):
        enrolment_id = first_enrolment
        for user_id, _unit, position, ward in people:
            per_course: dict[int, list] = {}
            for row in person_plan(user_id, position, ward)[0]:
                per_course.setdefault(row[0].course, []).append(row)
            for course, rows in per_course.items():
                enrolled = min(r[3] for r in rows)
                current = [r for r in rows if r[2]]
                done = next((r[6] for r in current if r[6] is not None), None)
                began = max((r[5] for r in current if r[5] is not None), default=None)
                lessons = lesson_ids[course]
                count = (
                    len(lessons) if done else (1 + (user_id + course) % (len(lessons) - 1) if began else 0)
                )
                if with_lessons:
                    moment = began or done
                    for lesson in lessons[:count]:
                        yield (enrolment_id, lesson, "manual", moment)
                else:
                    last_lesson = lessons[count - 1] if count else None
                    activity = done or began
                    course_id = course_ids[course]
                    yield (
                        enrolment_id,
                        user_id,
                        course_id,
                        "assignment",
                        enrolled,
                        done,
                        last_lesson,
                        activity,
                    )
                enrolment_id += 1

    enrolment_columns = "id user_id course_id source enrolled_at completed_at last_lesson_id last_activity_at"
    enrolment_count = _copy(cursor, "learning_enrolment", enrolment_columns.split(), enrolments(False))
    _sync_sequence(cursor, "learning_enrolment")
    log(f"  enrolments: {time.perf_counter() - start:.1f} s")
    completion_count = _copy(
        cursor,
        "learning_lessoncompletion",
        ["enrolment_id", "lesson_id", "source", "completed_at"],
        enrolments(True),
    )
    log(f"  lesson completions: {time.perf_counter() - start:.1f} s")
    _foreign_keys_add(cursor, foreign_keys)
    log(f"  foreign keys checked: {time.perf_counter() - start:.1f} s")

    # The HR manager of the largest ward directly below the city that has offices.
    wards_below_city = [w for w in ward_plans if w in city_plan.children and w.children]
    ward_plan = max(wards_below_city or ward_plans, key=lambda w: w.officials)
    ManagedUnit.objects.create(user=hr, unit_id=ward_plan.pk)
    for table in (
        "people_orgunit", "people_user", "people_official", "compliance_assignment", "compliance_obligation",
        "compliance_obligationsource", "learning_enrolment", "learning_lessoncompletion",
    ):  # fmt: skip
        cursor.execute(f"ANALYZE {table}")
    return Built(
        city=OrgUnit.objects.get(pk=city_plan.pk),
        ward=OrgUnit.objects.get(pk=ward_plan.pk),
        admin=admin,
        hr=hr,
        officials=len(people),
        obligations_current=counts["current"],
        obligations_total=counts["total"],
        obligation_sources=counts["sources"],
        enrolments=enrolment_count,
        lesson_completions=completion_count,
        units=len(flat),
        courses=courses,
    )


def built_data():
    """The bench's city, ward and viewers when the data is there, else None."""
    from lms.people.models import ManagedUnit, OrgUnit, User

    city = OrgUnit.objects.filter(code=CITY_CODE, depth=1).first()
    if city is None:
        return None
    hr = User.objects.get(username=HR_USERNAME)
    ward = ManagedUnit.objects.select_related("unit").get(user=hr).unit
    return city, ward, User.objects.get(username=ADMIN_USERNAME), hr


# ---------------------------------------------------------------------------------------------------------
# The measurements


def _fresh(user):
    """The viewer as a new request would load it (no cached scope)."""
    return type(user).objects.get(pk=user.pk)


def measure(label: str, action, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action()  # warm-up
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    log(f"  {label}: {', '.join(f'{t:.0f}' for t in timings)} ms")
    return statistics.median(timings), queries


def export_course(city) -> int:
    """The course of the whole-city export: a city-wide course with no position assignment (one row per
    official)."""
    from lms.compliance.models import Assignment

    return (
        Assignment.objects.filter(unit=city, position__isnull=True, validity_months__isnull=True)
        .order_by("pk")
        .values_list("course_id", flat=True)
        .first()
    )


def export_child() -> None:
    """Run the whole-city XLSX export once, in this (child) process, and print its figures as JSON.

    The dashboard's path: the report rows of the city for one course, written by `xlsx_response` (openpyxl
    write-only workbook in a temporary file) and its streamed body consumed to the end."""
    django_setup()
    city, _ward, admin, _hr = built_data()
    from lms.compliance.reports.exports import xlsx_response
    from lms.compliance.reports.selectors import ReportFilters, export_headers, export_rows

    filters = ReportFilters(course_id=export_course(city))
    rows = 0

    def counted(iterator):
        nonlocal rows
        for row in iterator:
            rows += 1
            yield row

    start = time.perf_counter()
    response = xlsx_response(
        headers=export_headers(),
        rows=counted(export_rows(viewer=_fresh(admin), unit=city, filters=filters)),
        filename="bao-cao.xlsx",
        sheet_title="Báo cáo",
    )
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    seconds = time.perf_counter() - start
    status = Path("/proc/self/status").read_text()
    hwm_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
    print(json.dumps({"seconds": seconds, "rows": rows, "bytes": size, "peak_rss_mb": hwm_kb / 1024}))


def measure_export(runs: int) -> list[dict]:
    results = []
    for _ in range(runs):
        child = subprocess.run(  # noqa: S603 — this script, by its own path
            [sys.executable, __file__, "--export-child"], capture_output=True, text=True, check=False
        )
        if child.returncode != 0:
            sys.exit(f"the export failed:\n{child.stderr}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        log(f"  export: {result['seconds']:.1f} s, {result['rows']} rows, {result['peak_rss_mb']:.0f} MB")
        results.append(result)
    return results


def dashboards(*, city, ward, admin, hr, runs: int) -> None:
    """The whole dashboard view through Django's test client (session, middleware, view, template): the city
    for an administrator after a snapshot of the figures (reports.snapshot), the same without one (counted
    live), and the ward for its HR manager (live: a ward is below the live limit)."""
    from django.test import Client, override_settings
    from django.urls import reverse

    from lms.compliance.reports.snapshot import snapshot_take

    start = time.perf_counter()
    snapshot_take()
    print(f"snapshot_refresh_s: {time.perf_counter() - start:.1f}")

    def view(user, unit, *, as_of: bool):
        client = Client()
        client.force_login(user)
        url = reverse("compliance_reports:unit", args=[unit.pk])

        def get():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            assert (b'id="figures-as-of"' in response.content) == as_of
            assert b'id="people"' in response.content

        return get

    city_view, ward_view = view(admin, city, as_of=True), view(hr, ward, as_of=False)
    ms, queries = measure("city dashboard", city_view, runs)
    print(f"city_dashboard_ms: {ms:.1f}")
    print(f"city_dashboard_queries: {queries}")
    print(f"city_dashboard_cpu_ms: {cpu_ms(city_view, runs):.0f}")
    with override_settings(DASHBOARD_LIVE_LIMIT=10**9):
        ms, _queries = measure("city dashboard, live", view(admin, city, as_of=False), runs)
    print(f"city_dashboard_live_ms: {ms:.1f}")
    ms, queries = measure("ward dashboard", ward_view, runs)
    print(f"ward_dashboard_ms: {ms:.1f}")
    print(f"ward_dashboard_queries: {queries}")
    print(f"ward_dashboard_cpu_ms: {cpu_ms(ward_view, runs):.0f}")


def cpu_ms(action, runs: int) -> float:
    """CPU time of one call, averaged over `runs` calls: this process's and its PostgreSQL backend's (read
    from /proc, in clock ticks), i.e. what the call costs without waiting for a busy machine's cores. Parallel
    query workers are not counted (the dashboards' snapshot and ward queries use none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    stat = Path(f"/proc/{backend}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def backend_seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime and stime

    start_process, start_backend = time.process_time(), backend_seconds()
    for _ in range(runs):
        action()
    spent = time.process_time() - start_process + backend_seconds() - start_backend
    return spent * 1000 / runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database and build it again")
    parser.add_argument("--officials", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--export-runs", type=int, default=2)
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dashboards-only", action="store_true", help="measure only the two dashboard views")
    args = parser.parse_args()

    config = database_config()
    if args.export_child:
        export_child()
        return
    database_prepare(config, rebuild=args.rebuild)
    django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    if built_data() is None:
        log(f"building: {args.officials} officials …")
        start = time.perf_counter()
        with transaction.atomic():
            built = build(officials=args.officials)
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")  # as autovacuum would have by then: statistics and visibility maps
        print(f"build_s: {time.perf_counter() - start:.0f}")
        print(f"built_units: {built.units}")
        print(f"built_officials: {built.officials}")
        print(f"built_obligations_current: {built.obligations_current}")
        print(f"built_obligations_total: {built.obligations_total}")
        print(f"built_obligation_sources: {built.obligation_sources}")
        print(f"built_enrolments: {built.enrolments}")
        print(f"built_lesson_completions: {built.lesson_completions}")
    city, ward, admin, hr = built_data()
    if args.dashboards_only:
        print(f"load_average_before: {os.getloadavg()[0]:.1f}")
        dashboards(city=city, ward=ward, admin=admin, hr=hr, runs=args.runs)
        print(f"load_average_after: {os.getloadavg()[0]:.1f}")
        return
    from lms.compliance.selectors import unit_summary

    print(f"database: PostgreSQL {connection.pg_version // 10000}")
    print(f"cpus: {os.cpu_count()}")
    print(f"load_average_before: {os.getloadavg()[0]:.1f}")
    ms, queries = measure("city summary", lambda: unit_summary(viewer=_fresh(admin), root=city), args.runs)
    print(f"city_summary_ms: {ms:.1f}")
    print(f"city_summary_queries: {queries}")
    from lms.compliance.reports.selectors import people_page

    def ward_page():
        viewer = _fresh(hr)
        unit_summary(viewer=viewer, root=ward)
        page = people_page(viewer=viewer, unit=ward, page_number=1)
        assert len(list(page.object_list)) == min(page.paginator.count, page.paginator.per_page)

    ms, queries = measure("ward drill-down", ward_page, args.runs)
    print(f"ward_drilldown_ms: {ms:.1f}")
    print(f"ward_drilldown_queries: {queries}")

    from lms.compliance.reports.selectors import (
        completion_over_time,
        current_year,
        dashboard_hours,
        dashboard_summary,
    )

    def page_data(viewer, unit):
        """What the dashboard view computes for a unit: figures, the 12-month curve (from the figures), the
        training hours of this year, the first people page."""
        top, children = dashboard_summary(viewer=viewer, unit=unit)
        completion_over_time(viewer=viewer, unit=unit, figures=top)
        dashboard_hours(viewer=viewer, unit=unit, children=[c.unit for c in children], year=current_year())
        list(people_page(viewer=viewer, unit=unit, page_number=1).object_list)

    ms, _queries = measure("city page data", lambda: page_data(_fresh(admin), city), args.runs)
    print(f"city_page_data_ms: {ms:.1f}")
    ms, _queries = measure("ward page data", lambda: page_data(_fresh(hr), ward), args.runs)
    print(f"ward_page_data_ms: {ms:.1f}")
    dashboards(city=city, ward=ward, admin=admin, hr=hr, runs=args.runs)
    exports = measure_export(args.export_runs)
    print(f"export_100k_s: {statistics.median(r['seconds'] for r in exports):.1f}")
    print(f"export_rows: {exports[0]['rows']}")
    print(f"export_xlsx_mb: {exports[0]['bytes'] / 2**20:.1f}")
    print(f"export_peak_rss_mb: {max(r['peak_rss_mb'] for r in exports):.0f}")
    print(f"load_average_after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
