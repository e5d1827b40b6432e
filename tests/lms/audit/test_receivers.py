"""Role and HR-scope changes are recorded wherever they are made, with the actor of the request."""

import pytest
from django.contrib.auth.models import Group

from lms.audit import context
from lms.audit.models import AuditEntry
from lms.people import roles
from lms.people.models import ManagedUnit
from lms.people.services import managed_unit_add
from tests.builders import UserFactory
from tests.org_builders import make_admin_user, make_official, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def acting_admin(org):
    """An administrator signed in: entries written in this test name them."""
    admin = make_admin_user()
    token = context._current.set((admin, "10.1.2.3"))
    yield admin
    context._current.reset(token)


def role_entries(user):
    return AuditEntry.objects.filter(action=AuditEntry.Action.ROLES_CHANGE, object_id=str(user.pk))


def test_giving_a_role_records_the_roles_before_and_after(org, acting_admin):
    person = make_official(org.ward_a).user

    person.groups.add(Group.objects.get(name=roles.TRAINER))

    entry = role_entries(person).get()
    assert entry.actor == acting_admin
    assert entry.ip_address == "10.1.2.3"
    assert entry.unit_path == org.ward_a.path
    assert entry.changes == {"roles": [["Học viên"], ["Giảng viên", "Học viên"]]}


def test_setting_the_groups_as_the_user_editor_does_records_what_changed(org, acting_admin):
    person = make_official(org.ward_b).user
    person.groups.add(Group.objects.get(name=roles.TRAINER))

    person.groups.set([Group.objects.get(name=roles.LEARNER), Group.objects.get(name=roles.HR_MANAGER)])

    latest = list(role_entries(person).order_by("pk").values_list("changes", flat=True))
    assert latest[-2:] == [
        {"roles": [["Giảng viên", "Học viên"], ["Học viên"]]},
        {"roles": [["Học viên"], ["Cán bộ nhân sự", "Học viên"]]},
    ]


def test_adding_people_to_a_group_from_the_group_side_is_recorded_per_person(org, acting_admin):
    first, second = make_official(org.ward_a).user, make_official(org.ward_b).user

    Group.objects.get(name=roles.ADMINISTRATOR).user_set.add(first, second)

    assert role_entries(first).get().unit_path == org.ward_a.path
    assert role_entries(second).get().unit_path == org.ward_b.path


def test_clearing_the_groups_is_recorded(org, acting_admin):
    person = make_official(org.ward_a).user
    person.groups.add(Group.objects.get(name=roles.TRAINER))

    person.groups.clear()

    assert role_entries(person).order_by("pk").last().changes == {"roles": [["Giảng viên", "Học viên"], []]}


def test_the_learner_role_alone_is_not_recorded(org, acting_admin):
    """Every new official receives it and it grants nothing; the official's creation is recorded apart."""
    person = make_official(org.ward_a).user
    person.groups.remove(Group.objects.get(name=roles.LEARNER))
    person.groups.add(Group.objects.get(name=roles.LEARNER))

    assert not role_entries(person).exists()


def test_adding_a_role_someone_already_has_records_nothing(org, acting_admin):
    person = make_official(org.ward_a).user
    person.groups.add(Group.objects.get(name=roles.TRAINER))

    person.groups.add(Group.objects.get(name=roles.TRAINER))

    assert role_entries(person).count() == 1


def test_making_an_account_superuser_is_recorded(org, acting_admin):
    person = make_official(org.ward_a).user
    person.is_superuser = True
    person.save()

    entry = role_entries(person).get()
    assert entry.changes == {"superuser": [False, True]}
    assert entry.actor == acting_admin


def test_saving_an_account_without_touching_its_flags_records_nothing(org, acting_admin):
    person = UserFactory()
    person.full_name = "Tên Mới"
    person.save()
    person.save(update_fields=["last_login"])

    assert not role_entries(person).exists()


def test_giving_an_hr_manager_a_unit_is_recorded_under_that_unit(org, acting_admin):
    manager = make_official(org.ward_a).user

    managed_unit_add(user=manager, unit=org.ward_b)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.MANAGED_UNITS_CHANGE)
    assert entry.actor == acting_admin
    assert entry.object_id == str(manager.pk)
    assert entry.unit_path == org.ward_b.path
    assert entry.changes == {"added": f"{org.ward_b.name} ({org.ward_b.code})"}


def test_taking_a_unit_away_from_an_hr_manager_is_recorded(org, acting_admin):
    manager = make_official(org.ward_a).user
    managed_unit_add(user=manager, unit=org.ward_b)

    ManagedUnit.objects.get(user=manager, unit=org.ward_b).delete()

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.MANAGED_UNITS_CHANGE).latest("pk")
    assert entry.changes == {"removed": f"{org.ward_b.name} ({org.ward_b.code})"}
    assert entry.unit_path == org.ward_b.path


def test_moving_a_managed_unit_row_is_recorded_with_both_units(org, acting_admin):
    manager = make_official(org.ward_a).user
    row = managed_unit_add(user=manager, unit=org.ward_a)

    row.unit = org.ward_b
    row.save()

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.MANAGED_UNITS_CHANGE).latest("pk")
    assert entry.changes == {
        "unit": [f"{org.ward_a.name} ({org.ward_a.code})", f"{org.ward_b.name} ({org.ward_b.code})"]
    }


def test_a_role_given_in_the_wagtail_user_editor_names_the_administrator(client, org):
    from django.urls import reverse

    admin = make_admin_user("quantri_vai_tro")
    person = make_official(org.ward_a).user
    client.force_login(admin)
    trainer, learner = Group.objects.get(name=roles.TRAINER), Group.objects.get(name=roles.LEARNER)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[person.pk]),
        {
            "username": person.username,
            "email": person.email,
            "first_name": "Văn",
            "last_name": "Nguyễn",
            "is_active": "on",
            "groups": [trainer.pk, learner.pk],
            "password1": "",
            "password2": "",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    entry = role_entries(person).get()
    assert entry.actor == admin
    assert entry.ip_address == "127.0.0.1"
    assert entry.unit_path == org.ward_a.path
    assert entry.changes == {"roles": [["Học viên"], ["Giảng viên", "Học viên"]]}
