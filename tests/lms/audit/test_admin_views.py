"""The audit trail in the Wagtail admin: who sees which entries, the filters, the page of an entry, the CSV
export of the filtered list, and that nothing there changes an entry."""

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.people import roles
from tests.builders import UserFactory
from tests.org_builders import make_admin_user, make_hr, make_official, make_org

pytestmark = pytest.mark.django_db

INDEX = "/admin/nhat-ky-thao-tac/"


@pytest.fixture
def world():
    org = make_org()
    admin = make_admin_user()
    hr_a = make_hr(org.ward_a)
    actor = make_official(org.city, name="Đỗ Văn Thao Tác").user
    entries = {
        "a": audit_record(
            action=AuditEntry.Action.EXEMPTION_GRANT,
            actor=actor,
            object_repr="Nguyễn Văn Phường A — An toàn thông tin",
            unit=org.ward_a,
            changes={"exempt": [False, True], "reason": "Đã học tại Sở"},
        ),
        "office_a": audit_record(
            action=AuditEntry.Action.ASSIGNMENT_CREATE,
            actor=admin,
            object_repr="Dịch vụ công → Văn phòng A",
            unit=org.office_a,
            changes={"course": "Dịch vụ công", "people_reached": 3},
        ),
        "b": audit_record(
            action=AuditEntry.Action.EXEMPTION_GRANT,
            actor=actor,
            object_repr="Võ Thị Phường Bê — An toàn thông tin",
            unit=org.ward_b,
            changes={"exempt": [False, True], "reason": "Nghỉ thai sản"},
        ),
        "none": audit_record(
            action=AuditEntry.Action.ROLES_CHANGE,
            actor=admin,
            object_repr="Tài khoản không đơn vị",
            changes={"roles": [[], ["Quản trị viên"]]},
        ),
    }
    return {"org": org, "admin": admin, "hr_a": hr_a, "actor": actor, "entries": entries}


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response))))


def shown(page: str, world) -> set[str]:
    return {key for key, entry in world["entries"].items() if entry.object_repr in page}


def test_the_list_is_at_its_address():
    assert reverse("audit_admin:index") == INDEX


def test_an_administrator_sees_every_entry(client, world):
    client.force_login(world["admin"])

    response = client.get(INDEX)

    assert response.status_code == 200
    assert shown(text(response), world) == {"a", "office_a", "b", "none"}


def test_the_hr_manager_of_ward_a_sees_ward_a_and_below_and_nothing_else(client, world):
    client.force_login(world["hr_a"])

    page = text(client.get(INDEX))

    assert shown(page, world) == {"a", "office_a"}
    assert "Nghỉ thai sản" not in page


def test_the_list_says_what_changed_in_words(client, world):
    client.force_login(world["admin"])

    page = text(client.get(INDEX))

    assert "Đã học tại Sở" in page
    assert "&quot;reason&quot;" not in page and '"reason"' not in page  # never the raw JSON


def test_the_hr_manager_opens_an_entry_of_their_unit_but_not_of_another(client, world):
    client.force_login(world["hr_a"])
    mine, other = world["entries"]["a"], world["entries"]["b"]

    page = client.get(reverse("audit_admin:inspect", args=[mine.pk]))
    refused = client.get(reverse("audit_admin:inspect", args=[other.pk]))

    assert page.status_code == 200
    body = text(page)
    assert "Đã học tại Sở" in body and "Đỗ Văn Thao Tác" in body and "<table" in body
    assert refused.status_code == 404
    assert "Nghỉ thai sản" not in text(refused)


@pytest.mark.parametrize("role", [None, roles.LEARNER, roles.TRAINER])
def test_learners_and_trainers_get_nothing(client, world, role):
    person = make_official(world["org"].ward_a).user
    if role:
        person.groups.add(Group.objects.get(name=role))
    client.force_login(person)

    for url in (
        INDEX,
        INDEX + "?export=csv",
        reverse("audit_admin:index_results"),
        reverse("audit_admin:inspect", args=[world["entries"]["a"].pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        assert "Đã học tại Sở" not in text(response)


def test_an_hr_role_without_units_gets_nothing(client, world):
    person = UserFactory()
    person.groups.add(Group.objects.get(name=roles.HR_MANAGER))
    client.force_login(person)

    assert client.get(INDEX).status_code in (302, 403)


def test_filter_by_action(client, world):
    client.force_login(world["admin"])

    page = text(client.get(INDEX, {"action": AuditEntry.Action.ROLES_CHANGE}))

    assert shown(page, world) == {"none"}


def test_filter_by_the_person_who_acted(client, world):
    client.force_login(world["admin"])

    page = text(client.get(INDEX, {"actor": world["actor"].pk}))

    assert shown(page, world) == {"a", "b"}


def test_filter_by_unit_includes_its_subunits(client, world):
    client.force_login(world["admin"])

    page = text(client.get(INDEX, {"unit": world["org"].ward_a.pk}))

    assert shown(page, world) == {"a", "office_a"}


def test_filter_by_date_range(client, world):
    client.force_login(world["admin"])
    today = timezone.localdate()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=40)):
        audit_record(action=AuditEntry.Action.EXPORT, actor=world["admin"], object_repr="Xuất từ tháng trước")

    recent = text(client.get(INDEX, {"at_from": (today - timedelta(days=7)).isoformat()}))
    earlier = text(client.get(INDEX, {"at_to": (today - timedelta(days=30)).strftime("%d/%m/%Y")}))

    assert shown(recent, world) == {"a", "office_a", "b", "none"}
    assert "Xuất từ tháng trước" not in recent
    assert shown(earlier, world) == set()
    assert "Xuất từ tháng trước" in earlier


def test_an_absurd_date_is_an_error_on_the_form_not_a_server_error(client, world):
    client.force_login(world["admin"])

    for value in ("0001-01-01", "9999-12-31", "abc"):
        response = client.get(INDEX, {"at_from": value, "at_to": value})
        assert response.status_code == 200, value
        export = client.get(INDEX, {"at_from": value, "export": "csv"})
        assert export.status_code == 200, value
        text(export)


def test_the_hr_manager_cannot_filter_on_a_unit_outside_their_scope(client, world):
    client.force_login(world["hr_a"])

    page = text(client.get(INDEX, {"unit": world["org"].ward_b.pk}))

    assert "Nghỉ thai sản" not in page


def test_the_export_streams_the_filtered_rows_and_is_recorded(client, world):
    client.force_login(world["hr_a"])

    response = client.get(INDEX, {"action": AuditEntry.Action.EXEMPTION_GRANT, "export": "csv"})
    rows = csv_rows(response)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert len(rows) == 2  # the heading and ward A's exemption only
    assert "Nguyễn Văn Phường A — An toàn thông tin" in rows[1]
    assert any("Đã học tại Sở" in cell for cell in rows[1])
    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert export.actor == world["hr_a"]
    assert export.ip_address == "127.0.0.1"
    assert export.unit_path == world["org"].ward_a.path
    assert export.changes["filters"] == {"action": str(AuditEntry.Action.EXEMPTION_GRANT.label)}


def test_the_export_keeps_formulas_as_text(client, world):
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=world["admin"],
        object_repr='=HYPERLINK("http://evil.example")',
        unit=world["org"].ward_a,
    )
    client.force_login(world["admin"])

    rows = csv_rows(client.get(INDEX, {"export": "csv", "action": AuditEntry.Action.EXPORT}))

    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


def test_there_is_no_way_to_add_edit_or_delete_an_entry(client, world):
    client.force_login(world["admin"])
    entry = world["entries"]["a"]

    for name in ("add", "edit", "delete", "copy", "history", "usage"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit_admin:{name}", args=[entry.pk] if name != "add" else [])
    for url in (f"{INDEX}edit/{entry.pk}/", f"{INDEX}delete/{entry.pk}/", f"{INDEX}new/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"object_repr": "sửa"}).status_code == 404, url
    inspect = reverse("audit_admin:inspect", args=[entry.pk])
    assert client.post(inspect, {"object_repr": "sửa"}).status_code == 405
    page = text(client.get(INDEX))
    assert f"{INDEX}edit/" not in page and f"{INDEX}delete/" not in page and f"{INDEX}new/" not in page
    entry.refresh_from_db()
    assert entry.object_repr == "Nguyễn Văn Phường A — An toàn thông tin"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_django_admin_offers_no_audit_entries(client, world):
    user = world["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)

    assert client.get("/django-admin/audit/auditentry/").status_code == 404


def test_the_menu_offers_the_trail_to_hr_managers_and_administrators_only(client, world):
    trainer = make_official(world["org"].ward_a).user
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))

    for user, offered in ((world["admin"], True), (world["hr_a"], True), (trainer, False)):
        client.force_login(user)
        home = client.get("/admin/")
        assert home.status_code == 200
        assert (INDEX in home.content.decode()) is offered, user


def test_the_entry_page_shows_only_what_a_reader_needs(client, world):
    client.force_login(world["admin"])

    page = text(client.get(reverse("audit_admin:inspect", args=[world["entries"]["a"].pk])))

    assert world["org"].ward_a.path not in page  # the unit's path is for the scope, not for people
    assert "Đỗ Văn Thao Tác" in page and world["org"].ward_a.name in page
