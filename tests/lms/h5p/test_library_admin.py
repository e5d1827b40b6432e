"""The administrator's approval of shared H5P libraries in the Wagtail admin (lms/h5p/library_admin.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.audit.models import AuditEntry
from lms.h5p.models import Library
from tests.builders import client_for
from tests.h5p_builders import approve_all, doctored_question, store_package

pytestmark = pytest.mark.django_db

INDEX_URL = "/admin/h5p-libraries/"


def approve_url(library: Library) -> str:
    return reverse("h5p_libraries:approve", args=[library.pk])


@pytest.fixture
def pending(h5p_bytes, trainer):
    """The real package uploaded by a trainer: its libraries wait for approval."""
    return store_package(h5p_bytes, user=trainer).libraries.get(machine_name="H5P.Question")


def test_the_urls(pending):
    assert reverse("h5p_libraries:index") == INDEX_URL
    assert approve_url(pending) == f"{INDEX_URL}{pending.pk}/approve/"


def test_a_trainer_sees_what_waits_for_approval_but_cannot_approve(trainer, pending):
    client = client_for(trainer)

    listing = client.get(INDEX_URL)
    assert listing.status_code == 200
    assert str(pending) in listing.content.decode()
    assert approve_url(pending) not in listing.content.decode()
    assert client.get(approve_url(pending)).status_code in (302, 403)
    assert client.post(approve_url(pending)).status_code in (302, 403)

    pending.refresh_from_db()
    assert pending.approved_at is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LIBRARY_APPROVE).exists()


def test_an_administrator_confirms_then_approves(administrator, pending):
    client = client_for(administrator)

    confirm = client.get(approve_url(pending))
    assert confirm.status_code == 200
    assert 'id="approve-form"' in confirm.content.decode()
    pending.refresh_from_db()
    assert pending.approved_at is None  # a GET only asks

    response = client.post(approve_url(pending))

    assert response.status_code == 302 and response["Location"] == INDEX_URL
    pending.refresh_from_db()
    assert pending.approved_by == administrator
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LIBRARY_APPROVE)
    assert entry.actor == administrator and entry.object_id == str(pending.pk)


def test_the_confirmation_shows_which_files_differ_from_the_approved_copy(
    administrator, h5p_bytes, trainer, pending
):
    approve_all(user=administrator)
    doctored = store_package(doctored_question(h5p_bytes), user=trainer).libraries.get(
        machine_name="H5P.Question"
    )

    page = client_for(administrator).get(approve_url(doctored)).content.decode()

    assert 'id="library-differences"' in page
    assert "scripts/question.js" in page
    assert "scripts/explainer.js" not in page  # unchanged files are not listed


def test_approving_an_approved_library_again_says_so(administrator, pending):
    client = client_for(administrator)
    client.post(approve_url(pending))

    response = client.post(approve_url(pending), follow=True)

    assert response.status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LIBRARY_APPROVE).count() == 1


def test_approval_takes_post_only(administrator, pending):
    assert client_for(administrator).put(approve_url(pending)).status_code == 405


def test_an_unknown_library_is_a_404(administrator):
    assert client_for(administrator).get("/admin/h5p-libraries/999999/approve/").status_code == 404


# --- The list (Wagtail's generic index view)


def test_the_list_shows_what_waits_for_approval_first(administrator, h5p_bytes, trainer, pending):
    approved = Library.objects.exclude(pk=pending.pk).first()
    client_for(administrator).post(approve_url(approved))

    listed = list(client_for(administrator).get(INDEX_URL).context["page_obj"].object_list)

    assert listed.index(pending) < listed.index(approved)
    assert all(library.approved_at is None for library in listed[: listed.index(approved)])


def test_the_list_filters_approved_or_waiting(administrator, pending):
    approved = Library.objects.exclude(pk=pending.pk).first()
    client = client_for(administrator)
    client.post(approve_url(approved))

    waiting = list(client.get(INDEX_URL, {"approved": "no"}).context["page_obj"].object_list)
    done = list(client.get(INDEX_URL, {"approved": "yes"}).context["page_obj"].object_list)

    assert pending in waiting and approved not in waiting
    assert done == [approved]


def test_an_administrator_is_offered_the_approval_from_the_list(administrator, pending):
    page = client_for(administrator).get(INDEX_URL).content.decode()

    assert approve_url(pending) in page


def test_the_list_costs_the_same_queries_for_one_or_many_libraries(
    administrator, h5p_bytes, trainer, django_assert_num_queries
):
    client = client_for(administrator)
    Library.objects.create(machine_name="H5P.One", major_version=1, minor_version=0, uploaded_by=trainer)
    client.get(INDEX_URL)  # warm up caches (content types, site)
    with CaptureQueriesContext(connection) as one:
        assert client.get(INDEX_URL).status_code == 200
    store_package(h5p_bytes, user=trainer)  # eight more libraries, with the activity versions using them

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(INDEX_URL)

    assert response.context["page_obj"].paginator.count > 1
