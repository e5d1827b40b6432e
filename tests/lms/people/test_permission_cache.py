"""A person's permissions are read from the database once, then from the cache until a role changes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LINK = 'href="/admin/"'


def _page(client) -> tuple[str, int]:
    """The catalogue's header, and how many queries read the person's model permissions for it."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    # Django's ModelBackend reads "app_label.codename" pairs (Wagtail's page permissions are another matter).
    marker = 'AS "content_type__app_label"'
    return html, sum(marker in query["sql"] for query in queries.captured_queries)


@pytest.fixture(autouse=True)
def site(catalogue):
    return catalogue


@pytest.fixture
def editors():
    group = Group.objects.create(name="Biên tập thử")
    group.permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    return group


def test_permissions_are_read_once_then_come_from_the_cache(client, editors):
    person = UserFactory(username="bien_tap")
    person.groups.add(editors)
    client.force_login(person)

    first_html, first_reads = _page(client)
    second_html, second_reads = _page(client)

    assert ADMIN_LINK in first_html and ADMIN_LINK in second_html
    assert first_reads > 0
    assert second_reads == 0


def test_a_role_given_or_taken_counts_from_the_next_request(client, editors):
    person = UserFactory(username="bien_tap")
    client.force_login(person)
    assert ADMIN_LINK not in _page(client)[0]

    person.groups.add(editors)
    assert ADMIN_LINK in _page(client)[0]

    editors.permissions.clear()
    assert ADMIN_LINK not in _page(client)[0]

    editors.permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    assert ADMIN_LINK in _page(client)[0]
    person.groups.remove(editors)
    assert ADMIN_LINK not in _page(client)[0]


def test_a_deactivated_account_has_no_permission_even_while_cached(client, editors):
    person = UserFactory(username="bien_tap")
    person.groups.add(editors)
    assert person.has_perm("wagtailadmin.access_admin")

    person.is_active = False
    person.save()
    reread = type(person).objects.get(pk=person.pk)

    assert not reread.has_perm("wagtailadmin.access_admin")


def test_another_persons_new_role_does_not_make_mine_read_again(client, editors):
    person = UserFactory(username="bien_tap")
    person.groups.add(editors)
    client.force_login(person)
    _page(client)

    UserFactory(username="nguoi_khac").groups.add(editors)

    assert _page(client)[1] == 0
