"""The one permission model of HR (lms/people/permissions.py): a role's permission AND units in scope.

Half an HR manager is no HR manager: the HR group without managed units, or managed units without the HR
group, opens no HR view, shows no HR menu item and passes no HR service, consistently. And the permission
is really read: taking one permission away from the HR group closes exactly the views it guards.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from lms.certificates.services import RevokeNotAllowed, certificate_revoke
from lms.compliance.services import ComplianceError, assignment_create
from lms.people import roles
from lms.people.permissions import allows
from lms.reminders.scheduling import obligations_nudge
from lms.reminders.services import ReminderError
from tests.org_builders import make_hr, make_official
from tests.security.test_authorization_matrix import NAME_A, NAME_B, b_targets, body, world  # noqa: F401

pytestmark = pytest.mark.django_db

# The menu items' names, as the admin's sidebar data carries them.
HR_MENU_NAMES = ("training-reports", "mandatory-training", "certificates", "reminders-nudge", "org-officials")


@pytest.fixture
def hr_group_without_units(world):  # noqa: F811
    official = make_official(world["org"].ward_a, name="Đỗ Thị Không Đơn Vị")
    official.user.groups.add(Group.objects.get(name=roles.HR_MANAGER))
    return official.user


@pytest.fixture
def units_without_hr_group(world):  # noqa: F811
    user = make_hr(world["org"].ward_a)
    user.groups.remove(Group.objects.get(name=roles.HR_MANAGER))
    # The admin itself stays open to them (another role could grant it), so the refusals below are HR's.
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize("who", ["hr_group_without_units", "units_without_hr_group"])
def test_half_an_hr_manager_sees_nothing_of_hr(client, world, who, request):  # noqa: F811
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name, url in b_targets(world).items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 403, 404, 405), (who, name, method.__name__)
            text = body(response)
            assert NAME_A not in text and NAME_B not in text, (who, name)
    home = body(client.get(reverse("wagtailadmin_home")))
    for name in HR_MENU_NAMES:
        assert f'"{name}"' not in home, (who, name)


@pytest.mark.parametrize("who", ["hr_group_without_units", "units_without_hr_group"])
def test_half_an_hr_manager_passes_no_hr_service(world, who, request):  # noqa: F811
    user = request.getfixturevalue(who)
    with pytest.raises(ComplianceError):
        assignment_create(by=user, course=world["assignment_a"].course, unit=world["org"].ward_a, due_days=10)
    with pytest.raises(RevokeNotAllowed):
        certificate_revoke(certificate=world["certificate_a"], by=user, reason="thử")
    with pytest.raises(ReminderError):
        obligations_nudge(by=user, obligation_ids=[])
    for permission in (
        "compliance.view_reports",
        "people.manage_organisation",
        "certificates.view_certificate",
    ):
        assert not allows(user, permission)


def test_the_permission_is_read_not_the_group_name(client, world):  # noqa: F811
    """Without `compliance.view_reports` in the HR group, the reports close and the rest stays open."""
    hr = world["hr_a"]
    Group.objects.get(name=roles.HR_MANAGER).permissions.remove(
        Permission.objects.get(content_type__app_label="compliance", codename="view_reports")
    )
    client.force_login(hr)
    for url in (
        reverse("compliance_reports:index"),
        reverse("compliance_reports:unit", args=[world["org"].ward_a.pk]),
    ):
        response = client.get(url)  # Wagtail turns the refusal into a message on the admin's home
        assert response.status_code in (302, 403), url
        assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("compliance_assignments:index")).status_code == 200
    officials = client.get(reverse("people_admin:officials"))
    assert officials.status_code == 200 and NAME_A in body(officials)
    home = body(client.get(reverse("wagtailadmin_home")))
    assert '"training-reports"' not in home and '"mandatory-training"' in home


def test_the_hr_role_grants_what_hr_does(world):  # noqa: F811
    hr = world["hr_a"]
    for permission in roles.MODEL_PERMISSIONS[roles.HR_MANAGER]:
        assert hr.has_perm(permission), permission
    assert allows(hr, "compliance.view_reports")
    assert not allows(hr, "reminders.operate_reminders", units=False)
