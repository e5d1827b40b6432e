"""Organisation admin pages: who may open them, scope, the unit tree, officials, and the import flow."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.people import roles
from lms.people.import_views import STAGING
from lms.people.models import Official, OrgUnit, Position
from lms.people.services import unit_create
from lms.storage import private_storage
from tests.builders import UserFactory
from tests.lms.people.org_builders import (
    attach_official,
    csv_bytes,
    make_administrator,
    make_hr_manager,
    make_learner,
    make_official,
    make_org,
    row,
    xlsx_from_dicts,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/organisation/import/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def hr(org):
    return make_hr_manager(org.ben_thanh)


@pytest.fixture
def admin_user(org):
    return make_administrator()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(data: bytes, name: str = "can-bo.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def staged_files() -> list[str]:
    try:
        return private_storage().listdir(STAGING.directory)[1]
    except FileNotFoundError:
        return []


def test_the_urls_are_where_the_report_says():
    assert reverse("people_admin:units") == "/admin/organisation/"
    assert reverse("people_admin:officials") == "/admin/organisation/officials/"
    assert reverse("people_admin:import") == IMPORT_URL
    assert (
        reverse("people_admin:import_template", args=["xlsx"]) == "/admin/organisation/import/template.xlsx"
    )
    assert reverse("people_admin:unit_move", args=[4]) == "/admin/organisation/units/4/move/"


PAGES = [
    "/admin/organisation/",
    "/admin/organisation/units/add/",
    "/admin/organisation/positions/",
    "/admin/organisation/officials/",
    IMPORT_URL,
    "/admin/organisation/import/template.csv",
    "/admin/organisation/import/template.xlsx",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_learner_is_sent_to_the_login_page(org, url):
    response = client_for(make_learner()).get(url)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_a_trainer_with_admin_access_is_turned_away(org, url):
    trainer = UserFactory(username="giangvien_org")
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))

    response = client_for(trainer).get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_an_hr_manager_sees_the_menu_and_a_trainer_does_not(org, hr):
    trainer = UserFactory(username="giangvien_menu")
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))

    assert reverse("people_admin:import") in client_for(hr).get("/admin/").content.decode()
    assert reverse("people_admin:import") not in client_for(trainer).get("/admin/").content.decode()


# --- Units and positions --------------------------------------------------------------------------------


def test_an_hr_manager_sees_only_their_subtree_with_counts(org, hr):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh)
    make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    make_official("CB003", "Đã Nghỉ", org.ben_thanh_office, active=False)
    make_official("CB004", "Lý Văn Cường", org.sai_gon)

    response = client_for(hr).get("/admin/organisation/")

    rows = response.context["rows"]
    assert [(r.unit.code, r.level, r.officials, r.officials_in_subtree) for r in rows] == [
        ("P-BENTHANH", 0, 1, 2),
        ("BT-VP", 1, 1, 1),
    ]
    assert "P-SAIGON" not in response.content.decode()
    assert reverse("people_admin:unit_add") not in response.content.decode()


def test_an_administrator_sees_the_whole_tree(org, admin_user):
    response = client_for(admin_user).get("/admin/organisation/")

    assert [r.unit.code for r in response.context["rows"]] == ["HCM", "P-BENTHANH", "BT-VP", "P-SAIGON"]
    assert [r.level for r in response.context["rows"]] == [0, 1, 2, 1]


def test_an_administrator_adds_a_unit_inside_another(org, admin_user):
    response = client_for(admin_user).post(
        "/admin/organisation/units/add/",
        {"parent": org.sai_gon.pk, "name": "Văn phòng phường Sài Gòn", "code": "SG-VP", "kind": "office"},
    )

    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="SG-VP")
    assert unit.get_parent() == org.sai_gon


def test_a_unit_code_in_use_is_refused_with_a_message(org, admin_user):
    response = client_for(admin_user).post(
        "/admin/organisation/units/add/",
        {"parent": "", "name": "Trùng mã", "code": "P-SAIGON", "kind": "ward"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert OrgUnit.objects.filter(code="P-SAIGON").count() == 1


def test_an_administrator_moves_a_unit_with_its_subtree(org, admin_user):
    response = client_for(admin_user).post(
        f"/admin/organisation/units/{org.ben_thanh.pk}/move/", {"new_parent": org.sai_gon.pk}
    )

    assert response.status_code == 302
    office = OrgUnit.objects.get(pk=org.ben_thanh_office.pk)
    assert office.path.startswith(OrgUnit.objects.get(pk=org.sai_gon.pk).path)


def test_moving_a_unit_below_its_own_child_is_refused_with_the_reason(org, admin_user):
    before = list(OrgUnit.objects.order_by("pk").values_list("pk", "path"))

    response = client_for(admin_user).post(
        f"/admin/organisation/units/{org.ben_thanh.pk}/move/", {"new_parent": org.ben_thanh_office.pk}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["new_parent"]
    assert "Phường Bến Thành" in errors[0] and "Văn phòng HĐND và UBND phường Bến Thành" in errors[0]
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "path")) == before


def test_an_hr_manager_may_not_add_or_move_units_or_positions(org, hr):
    client = client_for(hr)

    add = client.post("/admin/organisation/units/add/", {"name": "X", "code": "X1", "kind": "ward"})
    move = client.post(
        f"/admin/organisation/units/{org.ben_thanh_office.pk}/move/", {"new_parent": org.city.pk}
    )
    position = client.post("/admin/organisation/positions/add/", {"name": "Mới", "code": "MOI"})

    assert add.status_code == 302 and move.status_code == 302
    assert position.status_code == 302 and position["Location"] == reverse("wagtailadmin_home")
    assert not OrgUnit.objects.filter(code="X1").exists()
    assert not Position.objects.filter(code="MOI").exists()
    assert OrgUnit.objects.get(pk=org.ben_thanh_office.pk).get_parent() == org.ben_thanh
    listing = client.get("/admin/organisation/positions/")
    assert listing.status_code == 200
    assert reverse("people_admin:position_add") not in listing.content.decode()


def test_an_administrator_adds_a_position(org, admin_user):
    response = client_for(admin_user).post(
        "/admin/organisation/positions/add/", {"name": "Công an", "code": "CONG-AN"}
    )

    assert response.status_code == 302
    listing = client_for(admin_user).get("/admin/organisation/positions/")
    assert "CONG-AN" in [position.code for position in listing.context["object_list"]]


# --- Officials ------------------------------------------------------------------------------------------


def test_the_officials_list_is_scoped_searchable_and_paginated(org, hr):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh)
    make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    make_official("CB003", "Lý Văn Cường", org.sai_gon)
    client = client_for(hr)

    everyone = client.get("/admin/organisation/officials/")
    found = client.get("/admin/organisation/officials/", {"q": "Bích"})

    assert [o.employee_code for o in everyone.context["page_obj"]] == ["CB001", "CB002"]
    assert [o.employee_code for o in found.context["page_obj"]] == ["CB002"]


def test_the_officials_list_filters_by_unit_and_status_and_offers_the_actions(org, hr):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an@phuong.example")
    make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    left = make_official("CB003", "Đã Nghỉ", org.ben_thanh_office, active=False)
    client = client_for(hr)

    office = client.get("/admin/organisation/officials/", {"unit": org.ben_thanh_office.pk})
    gone = client.get("/admin/organisation/officials/", {"status": "inactive"})
    everyone = client.get("/admin/organisation/officials/results/", {"status": "all"})
    outside = client.get("/admin/organisation/officials/", {"unit": org.sai_gon.pk})

    assert [o.employee_code for o in office.context["page_obj"]] == ["CB002"]
    assert [o.employee_code for o in gone.context["page_obj"]] == ["CB003"]
    assert [o.employee_code for o in everyone.context["page_obj"]] == ["CB001", "CB002", "CB003"]
    assert not outside.context["filters"].is_valid()  # a unit outside the scope is not a choice
    page = client.get("/admin/organisation/officials/").content.decode()
    first = Official.objects.get(employee_code="CB001")
    assert reverse("people_admin:official_welcome", args=[first.pk]) in page
    assert reverse("people_admin:official_deactivate", args=[first.pk]) in page
    assert reverse("people_admin:official_deactivate", args=[left.pk]) not in page
    assert reverse("people_admin:import") in page


def test_the_officials_list_costs_the_same_queries_for_a_few_or_a_full_page(org, hr):
    client = client_for(hr)
    for i in range(3):
        make_official(f"A{i}", f"Người {i}", org.ben_thanh, position=org.chairman)
    client.get("/admin/organisation/officials/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/organisation/officials/")
    for i in range(3, 60):
        make_official(f"A{i}", f"Người {i}", org.ben_thanh_office, position=org.civil_status)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/admin/organisation/officials/")

    assert len(response.context["page_obj"].object_list) == 50
    assert len(many) == len(few)


def test_deactivating_asks_first_then_deactivates_on_post(org, hr):
    official = make_official("CB001", "Nguyễn Văn An", org.ben_thanh)
    client = client_for(hr)
    url = f"/admin/organisation/officials/{official.pk}/deactivate/"

    confirm = client.get(url)
    official.user.refresh_from_db()
    assert confirm.status_code == 200 and official.user.is_active

    response = client.post(url)
    official.user.refresh_from_db()
    assert response.status_code == 302
    assert not official.user.is_active
    assert Official.objects.filter(pk=official.pk).exists()


def test_an_hr_manager_cannot_deactivate_outside_their_units_themself_or_an_administrator(org, hr):
    other = make_official("CB003", "Lý Văn Cường", org.sai_gon)
    mine = attach_official(hr, "NS001", org.ben_thanh)
    admin_record = attach_official(make_administrator(), "QT001", org.ben_thanh)
    client = client_for(hr)

    assert client.post(f"/admin/organisation/officials/{other.pk}/deactivate/").status_code == 404
    assert client.post(f"/admin/organisation/officials/{mine.pk}/deactivate/").status_code == 403
    assert client.post(f"/admin/organisation/officials/{admin_record.pk}/deactivate/").status_code == 403
    assert Official.objects.filter(user__is_active=True).count() == 3


def test_the_set_password_email_can_be_sent_again_until_a_password_is_chosen(
    org, hr, django_capture_on_commit_callbacks
):
    official = make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an@phuong.example")
    url = f"/admin/organisation/officials/{official.pk}/welcome/"
    client = client_for(hr)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/organisation/officials/"
    assert [m.to for m in mail.outbox] == [["an@phuong.example"]]

    official.user.set_password("DaCo@MatKhau1")
    official.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 1
    assert client.get(url).status_code == 405


# --- Import flow ----------------------------------------------------------------------------------------


def test_upload_preview_confirm_creates_officials_and_emails_them(
    org, hr, django_capture_on_commit_callbacks
):
    client = client_for(hr)
    data = xlsx_from_dicts(
        [row(), row(employee_code="CB002", full_name="Trần Thị Bích", email="b@phuong.example")]
    )

    preview = client.post(IMPORT_URL, {"file": upload(data, "can-bo.xlsx")})

    assert preview.status_code == 200
    assert preview.context["counts"]["new"] == 2
    assert Official.objects.count() == 0
    assert len(staged_files()) == 1
    token = preview.context["token"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/organisation/import/confirm/", {"token": token})

    assert response.status_code == 302 and response["Location"] == "/admin/organisation/officials/"
    assert set(Official.objects.values_list("employee_code", flat=True)) == {"CB001", "CB002"}
    assert sorted(m.to[0] for m in mail.outbox) == ["an.nguyen@phuong.example", "b@phuong.example"]
    assert staged_files() == []

    again = client.post("/admin/organisation/import/confirm/", {"token": token})
    assert again.status_code == 302 and again["Location"] == IMPORT_URL
    assert Official.objects.count() == 2


def test_a_file_with_bad_rows_shows_every_error_and_cannot_be_confirmed(org, hr):
    client = client_for(hr)
    data = csv_bytes(
        [row(), row(employee_code="CB002", email="sai"), row(employee_code="CB001", email="c@x.vn")]
    )

    response = client.post(IMPORT_URL, {"file": upload(data)})

    assert response.status_code == 200
    assert response.context["token"] is None
    assert [(e.row, e.code) for e in response.context["errors"]] == [
        (3, "bad_email"),
        (4, "duplicate_employee_code"),
    ]
    assert b'data-code="bad_email"' in response.content
    assert staged_files() == []
    assert Official.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_upload_form(org, hr):
    response = client_for(hr).post(IMPORT_URL, {"file": upload(b"%PDF-1.4 binary \x00\x01", "danh-sach.csv")})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert staged_files() == []


def test_rows_outside_the_hr_managers_units_are_errors(org, hr):
    response = client_for(hr).post(IMPORT_URL, {"file": upload(csv_bytes([row(unit_code="P-SAIGON")]))})

    assert [e.code for e in response.context["errors"]] == ["unit_out_of_scope"]
    assert response.context["token"] is None


def test_leavers_are_previewed_and_deactivated_on_confirm(org, hr):
    make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.nguyen@phuong.example")
    leaver = make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    elsewhere = make_official("CB003", "Lý Văn Cường", org.sai_gon)
    client = client_for(hr)

    first = client.post(IMPORT_URL, {"file": upload(csv_bytes([row(phone="")]))})
    assert first.context["counts"]["deactivate"] == 0
    assert not first.context["parsed"].has_writes

    with_leavers = client.post(
        "/admin/organisation/import/preview/", {"token": first.context["token"], "deactivate_missing": "on"}
    )
    assert [o.employee_code for o in with_leavers.context["leavers"]] == ["CB002"]
    assert b'id="import-leavers"' in with_leavers.content

    client.post("/admin/organisation/import/confirm/", {"token": with_leavers.context["token"]})

    leaver.user.refresh_from_db()
    elsewhere.user.refresh_from_db()
    assert not leaver.user.is_active and elsewhere.user.is_active


def test_a_confirmation_after_the_data_changed_shows_the_new_plan_first(org, hr):
    make_official("CB002", "Trần Thị Bích", org.ben_thanh_office)
    client = client_for(hr)
    preview = client.post(IMPORT_URL, {"file": upload(csv_bytes([row()])), "deactivate_missing": "on"})
    assert preview.context["counts"]["deactivate"] == 1
    make_official("CB004", "Mới Vào Sau", org.ben_thanh)  # someone adds an official meanwhile

    changed = client.post("/admin/organisation/import/confirm/", {"token": preview.context["token"]})

    assert changed.status_code == 200 and changed.context["changed"]
    assert changed.context["counts"]["deactivate"] == 2
    assert not Official.objects.filter(employee_code="CB001").exists()

    client.post("/admin/organisation/import/confirm/", {"token": changed.context["token"]})
    assert Official.objects.filter(employee_code="CB001").exists()
    assert not Official.objects.get(employee_code="CB004").user.is_active


def test_another_persons_token_imports_nothing(org, hr):
    token = client_for(hr).post(IMPORT_URL, {"file": upload(csv_bytes([row()]))}).context["token"]
    other = make_hr_manager(org.ben_thanh, username="nhansu_khac")

    response = client_for(other).post("/admin/organisation/import/confirm/", {"token": token})

    assert response.status_code == 302
    assert Official.objects.count() == 0


def test_cancel_discards_the_upload(org, hr):
    client = client_for(hr)
    token = client.post(IMPORT_URL, {"file": upload(csv_bytes([row()]))}).context["token"]

    client.post("/admin/organisation/import/cancel/", {"token": token})

    assert staged_files() == []
    client.post("/admin/organisation/import/confirm/", {"token": token})
    assert Official.objects.count() == 0


def test_reimporting_through_the_admin_shows_everything_unchanged(
    org, hr, django_capture_on_commit_callbacks
):
    client = client_for(hr)
    data = csv_bytes([row()])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/organisation/import/confirm/",
            {"token": client.post(IMPORT_URL, {"file": upload(data)}).context["token"]},
        )
    sent = len(mail.outbox)

    preview = client.post(IMPORT_URL, {"file": upload(data)})

    assert preview.context["counts"] == {"new": 0, "update": 0, "unchanged": 1, "deactivate": 0}
    assert b'id="import-nothing"' in preview.content
    assert len(mail.outbox) == sent == 1


# --- Templates and formula neutralisation ---------------------------------------------------------------


def test_the_csv_template_is_utf8_with_a_bom_and_vietnamese_headers(org, hr):
    response = client_for(hr).get("/admin/organisation/import/template.csv")

    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[0].startswith("Mã cán bộ,Họ và tên,Mã đơn vị")


def test_the_xlsx_template_lists_only_the_viewers_units_and_neutralises_formulas(org, hr):
    unit_create(
        name='=HYPERLINK("http://evil.example","Bấm")', code="BT-X", kind="office", parent=org.ben_thanh
    )
    unit_create(name="Phường khác", code="P-KHAC", kind="ward", parent=org.city)

    response = client_for(hr).get("/admin/organisation/import/template.xlsx")

    assert response["Content-Type"] == XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = workbook.worksheets[1]
    values = [r for r in codes.iter_rows(min_row=2, values_only=True) if r[0]]
    assert sorted(r[0] for r in values) == ["BT-VP", "BT-X", "P-BENTHANH"]
    evil = next(r for r in values if r[0] == "BT-X")
    assert evil[1].startswith("'=HYPERLINK")
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith("=")
        for sheet in workbook
        for r in sheet
        for cell in r
    )


def test_an_unknown_template_format_is_not_found(org, hr):
    assert client_for(hr).get("/admin/organisation/import/template.pdf").status_code == 404


def test_a_get_on_confirm_explains_itself(org, hr):
    response = client_for(hr).get("/admin/organisation/import/confirm/")

    assert response.status_code == 405


# --- Login data of accounts with roles (issue 11) ----------------------------------------------------------


def _trainer_official(org, code="GV001"):
    user = UserFactory(username=f"giangvien_{code.lower()}", email=f"{code.lower()}@phuong.example")
    user.groups.add(Group.objects.get(name=roles.TRAINER))
    return attach_official(user, code, org.ben_thanh)


def test_an_hr_manager_cannot_deactivate_a_trainer(org, hr):
    trainer = _trainer_official(org)

    response = client_for(hr).post(f"/admin/organisation/officials/{trainer.pk}/deactivate/")

    trainer.user.refresh_from_db()
    assert response.status_code == 403
    assert "chỉ quản trị viên mới được thay đổi email" in response.content.decode()
    assert trainer.user.is_active


def test_the_takeover_through_the_import_is_refused_and_saves_nothing(org, hr):
    trainer = _trainer_official(org)
    client = client_for(hr)
    data = csv_bytes(
        [
            row(employee_code="CB002", email="moi@phuong.example"),
            row(employee_code="GV001", email="hr@evil.example"),
        ]
    )

    preview = client.post(IMPORT_URL, {"file": upload(data)})

    page = preview.content.decode()
    assert preview.status_code == 200 and preview.context["token"] is None
    assert 'data-code="protected_login_data" data-row="3"' in page
    assert "chỉ quản trị viên mới được thay đổi email" in page
    trainer.user.refresh_from_db()
    assert trainer.user.email == "gv001@phuong.example"
    assert not Official.objects.filter(employee_code="CB002").exists()


def test_the_preview_shows_a_learners_new_email_as_waiting_for_confirmation(
    org, hr, django_capture_on_commit_callbacks
):
    official = make_official("CB001", "Nguyễn Văn An", org.ben_thanh, email="an.cu@phuong.example")
    client = client_for(hr)

    preview = client.post(IMPORT_URL, {"file": upload(csv_bytes([row(email="an.moi@phuong.example")]))})
    assert "(chờ địa chỉ mới xác nhận)" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/admin/organisation/import/confirm/", {"token": preview.context["token"]}, follow=True
        )

    official.user.refresh_from_db()
    assert official.user.email == "an.cu@phuong.example"
    assert "1 thay đổi email đang chờ địa chỉ mới xác nhận" in done.content.decode()
