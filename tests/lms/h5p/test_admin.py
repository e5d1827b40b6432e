import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page

from lms.h5p import admin_views
from lms.h5p.models import Activity, ContentVersion, Library, Result, Statement
from lms.h5p.packages import MESSAGES, PackageInvalid, package_store, package_validate
from lms.people import roles
from tests.builders import UserFactory, client_for

from .conftest import media_files, rebuild, upload

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_h5p_activity:add")
LIST_URL = reverse("wagtailsnippets_h5p_activity:list")


def new_version_url(activity):
    return reverse("wagtailsnippets_h5p_activity:new_version", args=[activity.pk])


def inspect_url(activity):
    return reverse("wagtailsnippets_h5p_activity:inspect", args=[activity.pk])


def delete_url(activity):
    return reverse("wagtailsnippets_h5p_activity:delete", args=[activity.pk])


@pytest.fixture
def trainer_client(trainer):
    return client_for(trainer)


@pytest.fixture
def stored(h5p_bytes, trainer):
    with package_validate(file=upload(h5p_bytes)) as validated:
        return package_store(validated=validated, user=trainer, title="An toàn thông tin")


def test_trainer_uploads_a_package(trainer_client, h5p_bytes, private_root):
    response = trainer_client.post(ADD_URL, {"title": "", "file": upload(h5p_bytes, "dung-sai.h5p")})

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == inspect_url(activity)
    assert activity.title == "Hello World"
    assert activity.current_version.original_filename == "dung-sai.h5p"
    assert f"{activity.current_version.storage_prefix}content/content.json" in media_files(private_root)


def test_the_upload_page_explains_the_limits(trainer_client):
    response = trainer_client.get(ADD_URL)

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"2000" in response.content


def test_a_bad_package_shows_why_and_writes_nothing(trainer_client, h5p_bytes, private_root):
    data = rebuild(h5p_bytes, add=[("content/steal.js", b"fetch('/admin/')")])
    with pytest.raises(PackageInvalid) as refused:
        package_validate(file=upload(data))

    response = trainer_client.post(ADD_URL, {"title": "Bài tập", "file": upload(data)})

    assert response.status_code == 200
    assert escape(refused.value.errors[0].message) in response.content.decode()
    assert not Activity.objects.exists()
    assert media_files(private_root) == set()


def test_a_file_over_the_upload_limit_is_refused_while_streaming(
    trainer_client, h5p_bytes, settings, private_root, monkeypatch
):
    settings.H5P_MAX_UPLOAD_BYTES = 10_000

    def never_reached(**kwargs):
        raise AssertionError("the oversized file reached the package service")

    monkeypatch.setattr(admin_views, "package_validate", never_reached)

    response = trainer_client.post(ADD_URL, {"title": "", "file": upload(h5p_bytes)})

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert errors[0].startswith(str(MESSAGES["too_large"]).split("%(size)s")[0])
    assert errors[0].endswith(f"{filesizeformat(10_000)}.")
    assert escape(errors[0]) in response.content.decode()
    assert not Activity.objects.exists()
    assert media_files(private_root) == set()


def test_uploading_without_a_file_asks_for_one(trainer_client):
    response = trainer_client.post(ADD_URL, {"title": "Bài tập"})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_upload_checks_csrf(trainer, h5p_bytes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)

    response = client.post(ADD_URL, {"title": "", "file": upload(h5p_bytes)})

    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_a_learner_cannot_upload(groups, h5p_bytes, private_root):
    learner = UserFactory(username="hocvien_h5p_admin")
    learner.groups.add(groups[roles.LEARNER])

    response = client_for(learner).post(ADD_URL, {"title": "", "file": upload(h5p_bytes)})

    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")
    assert not Activity.objects.exists()
    assert media_files(private_root) == set()


def test_an_admin_user_without_the_add_permission_is_refused(h5p_bytes):
    editor = UserFactory(username="bientap_h5p")
    editor.user_permissions.add(*_permissions("wagtailadmin.access_admin", "h5p.view_activity"))

    response = client_for(editor).post(ADD_URL, {"title": "", "file": upload(h5p_bytes)})

    assert response.status_code in (302, 403)
    assert not Activity.objects.exists()


def test_trainer_uploads_a_new_version(trainer_client, stored, h5p_bytes):
    activity = stored.activity

    page = trainer_client.get(new_version_url(activity))
    response = trainer_client.post(new_version_url(activity), {"title": "", "file": upload(h5p_bytes)})

    assert page.status_code == 200
    assert "vẫn được giữ lại" in page.content.decode()
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "An toàn thông tin"
    assert activity.current_version.number == 2
    assert ContentVersion.objects.filter(activity=activity).count() == 2


def test_a_new_version_needs_the_change_permission(stored, h5p_bytes):
    uploader = UserFactory(username="chi_them_moi")
    uploader.user_permissions.add(*_permissions("wagtailadmin.access_admin", "h5p.add_activity"))

    response = client_for(uploader).post(new_version_url(stored.activity), {"file": upload(h5p_bytes)})

    assert response.status_code in (302, 403)
    assert ContentVersion.objects.count() == 1


def test_list_search_and_inspect(trainer_client, stored):
    listing = trainer_client.get(LIST_URL)
    found = trainer_client.get(LIST_URL, {"q": "toàn"})
    missing = trainer_client.get(LIST_URL, {"q": "không có"})
    inspect = trainer_client.get(inspect_url(stored.activity))

    assert listing.status_code == 200
    assert "An toàn thông tin" in listing.content.decode()
    assert "H5P.TrueFalse 1.6.1" in listing.content.decode()
    assert "An toàn thông tin" in found.content.decode()
    assert "An toàn thông tin" not in missing.content.decode()
    assert inspect.status_code == 200
    body = inspect.content.decode()
    assert "bai-tap.h5p" in body and "Tether 1.0.2" in body
    assert new_version_url(stored.activity) in body


def test_the_activity_can_be_chosen_in_lessons(trainer_client, stored):
    response = trainer_client.get(reverse("wagtailsnippetchoosers_h5p_activity:choose"))

    assert response.status_code == 200
    assert "An toàn thông tin" in response.json()["html"]


def _give_a_result(version):
    learner = UserFactory(username="hocvien_ket_qua")
    statement = Statement.objects.create(
        statement_id="2b9f1a40-1d7c-4a55-8d7e-0c3f6e0c9b21",
        user=learner,
        activity=version.activity,
        version=version,
        lesson=Page.get_first_root_node(),
        verb="http://adlnet.gov/expapi/verbs/answered",
        is_top_level=True,
        payload={},
    )
    Result.objects.create(user=learner, activity=version.activity, version=version, statement=statement)


def test_deleting_an_activity_with_results_is_refused(stored, private_root):
    activity = stored.activity
    _give_a_result(stored)
    admin = client_for(UserFactory(username="quantri_h5p", is_superuser=True))

    confirm = admin.get(delete_url(activity), follow=True)
    response = admin.post(delete_url(activity), follow=True)

    assert confirm.status_code == 200 and response.status_code == 200
    assert "Không thể xóa" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert media_files(private_root)


def test_bulk_deleting_an_activity_with_results_is_refused(stored):
    _give_a_result(stored)
    admin = client_for(UserFactory(username="quantri_h5p_hangloat", is_superuser=True))
    url = reverse("wagtail_bulk_action", args=["h5p", "activity", "delete"]) + f"?id={stored.activity.pk}"

    response = admin.post(url, follow=True)

    assert response.status_code == 200
    assert Activity.objects.filter(pk=stored.activity.pk).exists()


def test_deleting_an_unused_activity_removes_its_content_but_not_the_shared_libraries(
    stored, private_root, django_capture_on_commit_callbacks
):
    admin = client_for(UserFactory(username="quantri_h5p_xoa", is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(delete_url(stored.activity))

    assert response.status_code == 302
    assert not Activity.objects.exists()
    files = media_files(private_root)
    assert not any(name.startswith(stored.storage_prefix) for name in files)
    assert f"{Library.objects.get(machine_name='H5P.TrueFalse').storage_prefix}library.json" in files
    assert Library.objects.count() == 8


def _permissions(*dotted):
    from django.contrib.auth.models import Permission

    for name in dotted:
        app_label, codename = name.split(".")
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)
