"""HR's assignment pages in the Wagtail admin: the form with its confirmation step, refusals that write
nothing, withdrawal, exemptions, scope and query counts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.compliance.models import Assignment, Obligation
from lms.compliance.services import assignment_create
from lms.learning.models import Enrolment
from lms.people.services import official_deactivate
from tests.builders import UserFactory, make_course
from tests.org_builders import make_admin_user, make_hr, make_official

pytestmark = pytest.mark.django_db

BASE = "/admin/dao-tao-bat-buoc/"
CREATE = BASE + "giao-moi/"


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def hr_client(client, hr):
    client.force_login(hr)
    return in_english(client)


def in_days(n):
    return timezone.localdate() + timedelta(days=n)


def form_data(chosen_course, target_unit, **changes):
    data = {
        "course": chosen_course.pk,
        "target": "unit",
        "unit": target_unit.pk,
        "include_subunits": "on",
        "position": "",
        "person_query": "",
        "due_kind": "fixed",
        "due_date": in_days(30).isoformat(),
        "due_days": "",
        "validity_months": "",
        "note": "Kế hoạch năm 2026",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def nothing_written():
    return (
        not Assignment.objects.exists() and not Obligation.objects.exists() and not Enrolment.objects.exists()
    )


def test_form_then_confirmation_then_creation(org, hr, hr_client, course):
    people = [make_official(org.ward_a), make_official(org.office_a)]
    make_official(org.ward_b)
    assert hr_client.get(CREATE).status_code == 200

    preview = hr_client.post(CREATE, form_data(course, org.ward_a))

    assert preview.status_code == 200
    assert b'id="assignment-confirmation"' in preview.content
    assert b'data-count="3"' in preview.content  # two officials and the HR manager, who works in ward A
    assert nothing_written()

    confirm = form_data(course, org.ward_a, confirm="1")
    created = hr_client.post(CREATE, confirm)

    assignment = Assignment.objects.get()
    assert created.status_code == 302 and created["Location"] == f"{BASE}{assignment.pk}/"
    assert (
        assignment.unit == org.ward_a and assignment.include_subunits and assignment.due_date == in_days(30)
    )
    assert assignment.created_by == hr and assignment.note == "Kế hoạch năm 2026"
    reached = set(Obligation.objects.filter(assignment=assignment).values_list("user_id", flat=True))
    assert reached == {hr.pk, *(p.user_id for p in people)}
    page = hr_client.get(created["Location"])
    assert page.status_code == 200 and page.content.count(b'class="person-row"') == 3


def test_relative_due_date_validity_and_position(org, hr, hr_client, course):
    chair = make_official(org.ward_a, position=org.chair)
    make_official(org.ward_a, position=org.justice)
    data = form_data(
        course,
        org.ward_a,
        position=org.chair.pk,
        include_subunits=None,
        due_kind="relative",
        due_date="",
        due_days="14",
        validity_months="12",
    )

    preview = hr_client.post(CREATE, data)
    assert b'data-count="1"' in preview.content

    hr_client.post(CREATE, {**data, "confirm": "1"})

    assignment = Assignment.objects.get()
    assert (assignment.due_kind, assignment.due_days, assignment.due_date) == ("relative", 14, None)
    assert assignment.validity_months == 12 and not assignment.include_subunits
    assert list(Obligation.objects.values_list("user_id", flat=True)) == [chair.user_id]


def test_back_to_the_form_keeps_the_values(org, hr, hr_client, course):
    response = hr_client.post(CREATE, {**form_data(course, org.ward_a), "edit": "1"})
    assert b'id="assignment-form"' in response.content
    assert b"K\xe1\xba\xbf ho\xe1\xba\xa1ch n\xc4\x83m 2026" in response.content  # the note, still there
    assert nothing_written()


def test_a_person_found_by_employee_code(org, hr, hr_client, course):
    person = make_official(org.office_a, name="Trương Văn Tìm", employee_code="BT-777")
    data = form_data(course, org.ward_a, target="person", unit="", person_query="bt-777")

    preview = hr_client.post(CREATE, data)
    assert b'data-count="1"' in preview.content and "Trương Văn Tìm".encode() in preview.content

    hr_client.post(CREATE, {**data, "person": person.pk, "confirm": "1"})
    assignment = Assignment.objects.get()
    assert assignment.user == person.user and assignment.unit is None


def test_several_matches_ask_to_choose_one(org, hr, hr_client, course):
    first = make_official(org.ward_a, name="Nguyễn Văn Trùng Một")
    make_official(org.ward_a, name="Nguyễn Văn Trùng Hai")
    make_official(org.ward_b, name="Nguyễn Văn Trùng Ba")  # outside the scope: not offered
    data = form_data(course, org.ward_a, target="person", unit="", person_query="Trùng")

    response = hr_client.post(CREATE, data)
    assert b'id="person-candidates"' in response.content
    assert response.content.count(b'name="person" value=') == 2
    assert nothing_written()

    preview = hr_client.post(CREATE, {**data, "person": first.pk})
    assert b'data-count="1"' in preview.content


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"due_date": "PAST"}, 200, b"has already passed"),
        ({"course": ""}, 200, b"Choose a published course."),
        ({"unit": "OFFICE"}, 400, b"Nobody is reached by this assignment"),
        ({"unit": "WARD_B"}, 403, b"not one of the units you manage"),
        ({"due_kind": "relative", "due_date": "", "due_days": "0"}, 200, b"greater than or equal to 1"),
        ({"validity_months": "0"}, 200, b"greater than or equal to 1"),
        ({"target": "person", "person_query": "không ai tên này"}, 200, b"No active official in your units"),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_refusals_are_shown_and_nothing_is_written(
    org, hr, hr_client, course, changes, status, message, step
):
    make_official(org.ward_b)
    values = {"PAST": in_days(-1).isoformat(), "OFFICE": org.office_a.pk, "WARD_B": org.ward_b.pk}
    data = form_data(course, org.ward_a, **{k: values.get(v, v) for k, v in changes.items()})
    if step == "confirm":
        data["confirm"] = "1"

    response = hr_client.post(CREATE, data)

    assert response.status_code == status
    assert message in response.content
    assert b'id="assignment-form"' in response.content
    assert nothing_written()


def test_a_refusal_at_confirmation_shows_the_service_message(org, hr, hr_client, course):
    """The unit emptied between the confirmation and the click: the service refuses, the form says why."""
    alone = make_official(org.office_a)
    data = form_data(course, org.office_a, include_subunits=None)
    assert b'data-count="1"' in hr_client.post(CREATE, data).content
    official_deactivate(official=alone)

    response = hr_client.post(CREATE, {**data, "confirm": "1"})

    assert response.status_code == 400 and b"Nobody is reached" in response.content
    assert not Assignment.objects.exists() and not Obligation.objects.exists()


def test_an_unpublished_course_is_not_offered(org, hr, hr_client, catalogue):
    draft = make_course(catalogue, title="Khóa nháp")
    draft.unpublish()
    response = hr_client.post(CREATE, form_data(draft, org.ward_a))
    assert b"Select a valid choice" in response.content and nothing_written()


def test_the_unit_choices_are_the_scope_as_an_indented_tree(org, hr, hr_client):
    content = hr_client.get(CREATE).content.decode()
    select = content[content.index('name="unit"') : content.index("</select>", content.index('name="unit"'))]
    assert f'value="{org.ward_a.pk}"' in select and f'value="{org.office_a.pk}"' in select
    assert f'value="{org.ward_b.pk}"' not in select and f'value="{org.city.pk}"' not in select
    assert f"\u2003— {org.office_a.name}" in select


def make_assignment(hr, course, unit, **kwargs):
    kwargs.setdefault("due_days", 30)
    return assignment_create(by=hr, course=course, unit=unit, **kwargs)


def test_withdrawal_asks_for_confirmation(org, hr, hr_client, course):
    make_official(org.ward_a)
    assignment = make_assignment(hr, course, org.ward_a)
    url = f"{BASE}{assignment.pk}/thu-hoi/"

    page = hr_client.get(url)
    assert page.status_code == 200 and b'data-count="2"' in page.content
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is None

    response = hr_client.post(url)

    assert response.status_code == 302 and response["Location"] == BASE
    assignment.refresh_from_db()
    assert assignment.withdrawn_at is not None and assignment.withdrawn_by == hr
    assert not Obligation.objects.filter(assignment=assignment, is_current=True).exists()
    again = hr_client.get(url)
    assert again.status_code == 302 and again["Location"] == f"{BASE}{assignment.pk}/"
    listing = hr_client.get(BASE + "?state=withdrawn")
    assert f'data-assignment="{assignment.pk}"'.encode() in listing.content


def test_exemption_needs_a_reason_and_can_be_removed(org, hr, hr_client, course):
    person = make_official(org.ward_a)
    assignment = make_assignment(hr, course, org.ward_a)
    obligation = Obligation.objects.get(assignment=assignment, user=person.user)
    exempt_url = f"{BASE}nghia-vu/{obligation.pk}/mien/"

    assert hr_client.get(exempt_url).status_code == 200
    refused = hr_client.post(exempt_url, {"reason": "   "})
    assert refused.status_code == 200 and b"Give the reason for the exemption." in refused.content
    obligation.refresh_from_db()
    assert obligation.exempt_at is None

    done = hr_client.post(exempt_url, {"reason": "Đã học lớp tương đương tại Sở"})
    assert done.status_code == 302 and done["Location"] == f"{BASE}{assignment.pk}/"
    obligation.refresh_from_db()
    assert obligation.exempt_reason == "Đã học lớp tương đương tại Sở" and obligation.exempted_by == hr
    detail = hr_client.get(f"{BASE}{assignment.pk}/")
    assert f'data-obligation="{obligation.pk}" data-status="exempt"'.encode() in detail.content

    remove_url = f"{BASE}nghia-vu/{obligation.pk}/bo-mien/"
    assert hr_client.get(remove_url).status_code == 200
    obligation.refresh_from_db()
    assert obligation.exempt_at is not None  # the GET only asks
    assert hr_client.post(remove_url).status_code == 302
    obligation.refresh_from_db()
    assert obligation.exempt_at is None and obligation.exempt_reason == ""


def test_other_units_are_not_found(org, hr, course):
    other_hr = make_hr(org.ward_b)
    person = make_official(org.ward_a)
    assignment = make_assignment(hr, course, org.ward_a)
    obligation = Obligation.objects.get(assignment=assignment, user=person.user)
    from django.test import Client

    client = in_english(Client())
    client.force_login(other_hr)
    for url in (
        f"{BASE}{assignment.pk}/",
        f"{BASE}{assignment.pk}/thu-hoi/",
        f"{BASE}nghia-vu/{obligation.pk}/mien/",
        f"{BASE}nghia-vu/{obligation.pk}/bo-mien/",
    ):
        assert client.get(url).status_code == 404
        if "nghia-vu" in url or "thu-hoi" in url:
            assert client.post(url, {"reason": "không được"}).status_code == 404
    assert b'class="assignment-row"' not in client.get(BASE).content
    assignment.refresh_from_db()
    obligation.refresh_from_db()
    assert assignment.withdrawn_at is None and obligation.exempt_at is None


def test_a_ward_manager_sees_a_city_assignment_for_their_people_only(org, hr, hr_client, course):
    admin = make_admin_user()
    mine = make_official(org.ward_a)
    theirs = make_official(org.ward_b)
    assignment = make_assignment(admin, course, org.city)
    theirs_obligation = Obligation.objects.get(assignment=assignment, user=theirs.user)

    listing = hr_client.get(BASE)
    assert f'data-assignment="{assignment.pk}"'.encode() in listing.content
    detail = hr_client.get(f"{BASE}{assignment.pk}/")
    assert detail.status_code == 200 and b'id="assigned-higher-up"' in detail.content
    assert mine.user.get_full_name().encode() in detail.content
    assert theirs.user.get_full_name().encode() not in detail.content
    assert hr_client.get(f"{BASE}{assignment.pk}/thu-hoi/").status_code == 404
    assert hr_client.get(f"{BASE}nghia-vu/{theirs_obligation.pk}/mien/").status_code == 404
    mine_obligation = Obligation.objects.get(assignment=assignment, user=mine.user)
    hr_client.post(f"{BASE}nghia-vu/{mine_obligation.pk}/mien/", {"reason": "Nghỉ thai sản"})
    mine_obligation.refresh_from_db()
    assert mine_obligation.exempt_at is not None


def test_list_filters(org, hr, hr_client, course, catalogue):
    other_course = make_course(catalogue, title="An toàn thông tin")
    make_official(org.office_a)
    first = make_assignment(hr, course, org.ward_a)
    second = make_assignment(hr, other_course, org.office_a)
    withdrawn = make_assignment(hr, course, org.ward_a)
    hr_client.post(f"{BASE}{withdrawn.pk}/thu-hoi/")

    def shown(query=""):
        content = hr_client.get(BASE + query).content.decode()
        return {a.pk for a in (first, second, withdrawn) if f'data-assignment="{a.pk}"' in content}

    assert shown() == {first.pk, second.pk}
    assert shown(f"?course={other_course.pk}") == {second.pk}
    assert shown(f"?unit={org.office_a.pk}") == {first.pk, second.pk}  # the ward's assignment reaches it
    assert shown("?state=all") == {first.pk, second.pk, withdrawn.pk}
    assert shown(f"?state=withdrawn&course={course.pk}") == {withdrawn.pk}


def test_list_figures(org, hr, hr_client, course):
    for _ in range(3):
        make_official(org.ward_a)
    assignment = make_assignment(hr, course, org.ward_a)
    content = hr_client.get(BASE).content.decode()
    row = content[content.index(f'data-assignment="{assignment.pk}"') :]
    assert '<td class="reached">4</td>' in row.replace("\n", "").replace("  ", "")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_2_or_8_assignments(org, hr, hr_client, course, catalogue):
    admin = make_admin_user()
    make_official(org.ward_a)
    make_official(org.office_a)
    for _ in range(2):
        make_assignment(hr, course, org.ward_a, validity_months=12)
    person = make_official(org.ward_a)
    assignment_create(by=hr, course=course, user=person.user, due_days=10)  # a person target too
    make_assignment(admin, course, org.city)  # assigned above: reaches ward A
    hr_client.get(BASE)  # warm up what is loaded once per process
    few = _queries(hr_client, BASE)
    for _ in range(5):
        make_assignment(hr, make_course(catalogue), org.office_a, due_date=in_days(9), due_days=None)
    assert Assignment.objects.count() == 9
    assert _queries(hr_client, BASE) == few


def test_the_people_page_costs_the_same_for_3_or_9_people(org, hr, hr_client, course):
    make_official(org.ward_a)
    make_official(org.office_a)
    assignment = make_assignment(hr, course, org.ward_a)
    url = f"{BASE}{assignment.pk}/"
    hr_client.get(url)  # warm up what is loaded once per process
    few = _queries(hr_client, url)
    for _ in range(6):
        official_unit = org.office_a if _ % 2 else org.ward_a
        make_official(official_unit)
    assert Obligation.objects.filter(assignment=assignment).count() == 9
    assert _queries(hr_client, url) == few


def test_learners_trainers_and_visitors_are_refused(org, client, course):
    learner = make_official(org.ward_a).user
    trainer = UserFactory(username="giangvien_thu")
    from django.contrib.auth.models import Group

    from lms.people import roles

    trainer.groups.add(Group.objects.get(name=roles.TRAINER))
    hr_without_units = UserFactory(username="nhansu_chua_giao")
    hr_without_units.groups.add(Group.objects.get(name=roles.HR_MANAGER))

    anonymous = client.get(BASE)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    # Wagtail answers a refused admin page with a redirect to the admin home (or its login) and a message.
    for user in (learner, trainer, hr_without_units):  # the last two reach the admin, but manage no unit
        client.force_login(user)
        for response in (
            client.get(BASE),
            client.get(CREATE),
            client.post(CREATE, form_data(course, org.ward_a, confirm="1")),
        ):
            assert response.status_code == 302
            assert response["Location"] == "/admin/" or response["Location"].startswith("/admin/login/")
    assert nothing_written()


def test_the_menu_item_is_shown_to_hr_only(org, hr, hr_client, client):
    assert BASE.encode() in hr_client.get("/admin/").content
    trainer = UserFactory(username="giangvien_menu")
    from django.contrib.auth.models import Group

    from lms.people import roles

    trainer.groups.add(Group.objects.get(name=roles.TRAINER))
    client.force_login(trainer)
    assert BASE.encode() not in client.get("/admin/").content


def test_an_administrator_sees_and_assigns_everywhere(org, client, course):
    admin = make_admin_user()
    make_official(org.ward_b)
    client.force_login(admin)
    in_english(client)
    response = client.post(CREATE, form_data(course, org.city, confirm="1"))
    assert response.status_code == 302
    assert Assignment.objects.get().unit == org.city
