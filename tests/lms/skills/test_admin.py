"""The skills admin: import (nothing saved on a bad file), exports, archiving, evidence and profiles."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lms.skills.models import Competency, Evidence, ExpectedLevel, Framework
from tests.builders import lessons_of, make_catalogue, make_course
from tests.org_builders import make_admin_user, make_hr

from .moodle_frameworks import WARD_FRAMEWORK, competency_row, framework_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(org):
    client = Client()
    client.force_login(make_admin_user())
    return client


def upload(client, data: bytes, name="khung.csv"):
    return client.post(reverse("skills_admin:import"), {"file": SimpleUploadedFile(name, data)})


def test_an_administrator_imports_a_moodle_file_and_lands_on_its_competences(admin_client):
    response = upload(admin_client, WARD_FRAMEWORK.encode())
    assert response.status_code == 302
    framework = Framework.objects.get()
    assert f"framework={framework.pk}" in response["Location"]
    assert framework.competencies.count() == 5


def test_a_bad_file_lists_every_problem_in_vietnamese_and_saves_nothing(admin_client):
    data = framework_file(
        competency_row("C", "B", "Một"), competency_row("B", "C", "Hai"), competency_row("", "B", "Ba")
    )
    response = upload(admin_client, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dòng 3" in text and "Dòng 5" in text
    assert "không có gì được lưu" in text
    assert not Framework.objects.exists()


def test_the_exports_give_moodles_csv_and_json(admin_client):
    upload(admin_client, WARD_FRAMEWORK.encode())
    framework = Framework.objects.get()
    csv = b"".join(
        admin_client.get(reverse("skills_admin:export_csv", args=[framework.pk])).streaming_content
    )
    assert csv.decode("utf-8-sig").startswith("Parent ID number,ID number,Short name")
    data = json.loads(admin_client.get(reverse("skills_admin:export_json", args=[framework.pk])).content)
    assert data["id_number"] == "NLS-PHUONG"


def test_archiving_asks_first_and_takes_the_competences_below(admin_client):
    upload(admin_client, WARD_FRAMEWORK.encode())
    area = Competency.objects.get(id_number="1")
    url = reverse("skills_admin:archive", args=[area.pk])
    assert admin_client.get(url).status_code == 200
    assert not Competency.objects.filter(archived_at__isnull=False).exists()

    admin_client.post(url)

    assert set(Competency.objects.filter(archived_at__isnull=False).values_list("id_number", flat=True)) == {
        "1",
        "1.1",
        "1.3",
    }
    admin_client.post(reverse("skills_admin:archive", args=[Competency.objects.get(id_number="1.1").pk]))
    assert Competency.objects.get(id_number="1").archived_at is None
    assert Competency.objects.get(id_number="1.1").archived_at is None


def test_hr_managers_and_learners_cannot_author_frameworks(org, learner_client):
    hr = Client()
    hr.force_login(make_hr(org.ward_a))
    for client in (hr, learner_client):
        assert upload(client, WARD_FRAMEWORK.encode()).status_code in (302, 403)
    assert not Framework.objects.exists()


def test_a_competence_cannot_be_moved_below_its_own_child(admin_client, framework, area, security):
    url = reverse("wagtailsnippets_skills_competency:edit", args=[area.pk])
    response = admin_client.post(
        url,
        {
            "framework": framework.pk,
            "id_number": area.id_number,
            "sort_order": 1,
            "short_name": area.short_name,
            "parent": security.pk,
            "description": "",
        },
    )
    assert response.status_code == 200
    area.refresh_from_db()
    assert area.parent is None


def test_evidence_keeps_only_its_source_and_its_label(admin_client, security):
    course = make_course(make_catalogue())
    lesson = lessons_of(course)[0]
    response = admin_client.post(
        reverse("wagtailsnippets_skills_evidence:add"),
        {"competency": security.pk, "kind": "lesson", "level": 2, "page": lesson.pk, "threshold": 80},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get()
    assert (evidence.page_id, evidence.label) == (lesson.pk, lesson.title)


def test_evidence_of_a_kind_needs_a_page_of_that_kind_and_a_level_on_the_scale(admin_client, security):
    course = make_course(make_catalogue())
    response = admin_client.post(
        reverse("wagtailsnippets_skills_evidence:add"),
        {"competency": security.pk, "kind": "lesson", "level": 7, "page": course.pk, "threshold": 80},
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_a_position_profile_level_must_be_on_the_scale(admin_client, org, security):
    url = reverse("wagtailsnippets_skills_expectedlevel:add")
    admin_client.post(url, {"position": org.chair.pk, "competency": security.pk, "level": 9})
    assert not ExpectedLevel.objects.exists()
    admin_client.post(url, {"position": org.chair.pk, "competency": security.pk, "level": 3})
    assert ExpectedLevel.objects.get().level == 3
