"""A small city with known figures for the HR dashboard and export tests.

Course 1 ("An toàn thông tin") is assigned to the whole city 40 days ago, due 5 days later: everyone is
overdue unless they completed it or were exempted. Course 2 ("Cải cách hành chính") is assigned to ward B
today, due in 30 days: not started.

    city            the two HR managers (overdue on course 1)
      ward A        a_done (completed), a_exempt (exempt), a_late (overdue)
        office A    o_late (overdue)
      ward B        b_done (course 1 completed, course 2 not started),
                    b_late (course 1 overdue, course 2 not started)

Figures: city 10 obligations, 2 completed, 1 exempt, 5 overdue, 2 not started: 2 / (10 − 1) = 22.2 %;
ward A 4 obligations (1 completed, 1 exempt, 2 overdue): 33.3 %; ward B 4 (1 completed, 1 overdue,
2 not started): 25.0 %.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create, obligation_exempt
from lms.learning.services import progress_record
from lms.people.services import managed_unit_add
from tests.builders import after_commit, lessons_of, make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org


@dataclass
class City:
    org: object
    admin: object
    hr: object  # manages the city
    hr_a: object  # manages ward A only
    course: object
    course_b: object
    people: dict


def complete(user, course):
    with after_commit():  # the obligation and the certificate follow the completion's commit
        for lesson in lessons_of(course):
            progress_record(user=user, lesson=lesson, source="manual")


def current(user, assignment):
    """The current cycle of an assignment for a person."""
    return Obligation.objects.get(user=user, assignment=assignment, is_current=True)


def build_city(catalogue, *, admin_username: str = "quantri_baocao") -> City:
    org = make_org()
    admin = make_admin_user(admin_username)
    hr = make_hr(org.city)
    hr_a = make_official(org.city, name="Lê Thị Nhân Sự Phường").user  # works at the city, manages ward A
    hr_a.set_password("MatKhau@123")
    hr_a.save(update_fields=["password"])
    managed_unit_add(user=hr_a, unit=org.ward_a)
    people = {
        "a_done": make_official(org.ward_a, name="Nguyễn Văn Hoàn", position=org.chair),
        "a_exempt": make_official(org.ward_a, name="Trần Thị Miễn", position=org.justice),
        "a_late": make_official(org.ward_a, name="Lê Văn Trễ", phone="0901 234 567"),
        "o_late": make_official(org.office_a, name="Phạm Thị Văn Phòng"),
        "b_done": make_official(org.ward_b, name="Võ Văn Bê"),
        "b_late": make_official(org.ward_b, name="Đỗ Thị Chậm", phone="0912 000 111"),
    }
    course = make_course(catalogue, title="An toàn thông tin", modules=1, lessons_per_module=2)
    course_b = make_course(catalogue, title="Cải cách hành chính", modules=1, lessons_per_module=1)
    assignment = assignment_create(
        by=admin, course=course, unit=org.city, due_days=5, now=timezone.now() - timedelta(days=40)
    )
    complete(people["a_done"].user, course)
    complete(people["b_done"].user, course)
    obligation_exempt(
        by=admin,
        obligation=Obligation.objects.get(assignment=assignment, user=people["a_exempt"].user),
        reason="Đã học tại Sở Nội vụ",
    )
    assignment_create(by=admin, course=course_b, unit=org.ward_b, due_days=30)
    return City(org=org, admin=admin, hr=hr, hr_a=hr_a, course=course, course_b=course_b, people=people)


def add_people(unit, count: int, *, course, by, prefix: str = "Cán bộ") -> list:
    """More officials in a unit, each with an overdue obligation for `course`."""
    officials = [make_official(unit, name=f"{prefix} {i:03d}") for i in range(count)]
    assignment_create(by=by, course=course, unit=unit, due_days=3, now=timezone.now() - timedelta(days=20))
    return officials
