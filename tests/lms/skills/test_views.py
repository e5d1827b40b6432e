"""The official's 'Kỹ năng số của tôi' page and the HR map pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.learning.services import enrolment_create, progress_record
from lms.skills.levels import person_levels_recompute
from lms.skills.models import Evidence, ExpectedLevel, PersonLevel, Rating
from lms.skills.snapshot import map_snapshot_take
from tests.builders import lessons_of, make_catalogue, make_course
from tests.org_builders import make_admin_user, make_hr, make_official

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def chair(org, security, data_skill):
    ExpectedLevel.objects.create(position=org.chair, competency=security, level=3)
    ExpectedLevel.objects.create(position=org.chair, competency=data_skill, level=2)
    return make_official(org.ward_a, name="Nguyễn Văn Chủ Tịch", position=org.chair)


def test_the_skills_page_shows_level_expected_gap_evidence_and_the_lessons_that_close_it(
    chair, security, data_skill
):
    course = make_course(make_catalogue())
    first, second = lessons_of(course)[:2]
    Evidence.objects.create(
        competency=security, level=1, kind=Evidence.Kind.LESSON, page=first, label=first.title
    )
    Evidence.objects.create(
        competency=security, level=3, kind=Evidence.Kind.LESSON, page=second, label=second.title
    )
    enrolment_create(user=chair.user, course=course)
    progress_record(user=chair.user, lesson=first, source="manual")
    person_levels_recompute(user_id=chair.user_id)

    page = client_of(chair.user).get(reverse("skills:mine"))

    text = page.content.decode()
    assert page.status_code == 200
    assert page["X-Offline-Page"] == "1"
    assert "Mức 1 — Cơ bản" in text and "Mức 3 — Khá" in text
    assert "còn 2 mức" in text
    assert f"hoàn thành bài học “{first.title}”" in text
    assert second.url in text  # the lesson that shows level 3
    assert "Có 2 năng lực chưa đạt" in text  # data management: no evidence, level 2 expected


def test_the_skills_page_without_a_profile_or_evidence_says_so(learner_client):
    text = learner_client.get(reverse("skills:mine")).content.decode()
    assert 'id="no-skills"' in text


def test_the_map_page_and_a_cell_for_the_hr_manager_of_the_ward(org, chair, security):
    PersonLevel.objects.create(user=chair.user, competency=security, level=3, evidence=[])
    hr = client_of(make_hr(org.ward_a))
    page = hr.get(reverse("skills_map:map"))
    text = page.content.decode()
    assert page.status_code == 200 and "Bản đồ kỹ năng số" in text
    assert 'data-reached="1" data-expected="1"' in text
    cell = hr.get(reverse("skills_map:cell", args=[security.pk]) + f"?unit={org.ward_a.pk}")
    assert "Nguyễn Văn Chủ Tịch" in cell.content.decode()
    export = hr.get(reverse("skills_map:export_csv"))
    assert "4.2" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_a_rating_saves_a_note_and_raises_the_level(org, chair, security):
    hr_user = make_hr(org.ward_a)
    hr = client_of(hr_user)
    url = reverse("skills_map:rate", args=[chair.user_id, security.pk])
    assert hr.get(url).status_code == 200
    response = hr.post(url + "?back=?unit=1", {"level": 3, "note": "Hướng dẫn cả phường dùng VNeID"})
    assert response.status_code == 302 and response["Location"].endswith("?unit=1")
    assert Rating.objects.get().rated_by == hr_user
    assert PersonLevel.objects.get(user=chair.user, competency=security).level == 3
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SKILL_RATE)
    assert (entry.actor, entry.unit_path, entry.changes["level"]) == (hr_user, org.ward_a.path, 3)


def test_a_rating_cannot_send_the_browser_elsewhere_nor_rate_oneself(org, chair, security):
    hr_user = make_hr(org.ward_a)
    hr = client_of(hr_user)
    url = reverse("skills_map:rate", args=[chair.user_id, security.pk])
    response = hr.post(url + "?back=//evil.example/", {"level": 2, "note": "x"})
    assert "evil" not in response["Location"]
    own = reverse("skills_map:rate", args=[hr_user.pk, security.pk])
    assert hr.post(own, {"level": 4, "note": "tự khen"}).status_code == 403


def test_a_level_outside_the_scale_is_a_form_error(org, chair, security):
    hr = client_of(make_hr(org.ward_a))
    url = reverse("skills_map:rate", args=[chair.user_id, security.pk])
    assert hr.post(url, {"level": 9, "note": "x"}).status_code == 200
    assert not Rating.objects.exists()


def test_a_large_map_says_as_of_when_its_figures_are_the_snapshots(org, chair, security, settings):
    PersonLevel.objects.create(user=chair.user, competency=security, level=3, evidence=[])
    admin = client_of(make_admin_user())
    assert 'id="figures-as-of"' not in admin.get(reverse("skills_map:map")).content.decode()  # no snapshot

    settings.SKILLS_MAP_LIVE_LIMIT = 0  # this small city counts as large
    snapshot = map_snapshot_take()
    text = admin.get(reverse("skills_map:map")).content.decode()

    moment = timezone.localtime(snapshot.taken_at)
    assert f"Số liệu lúc {moment:%H:%M} ngày {moment:%d/%m/%Y}" in text
    assert "danh sách người của từng ô luôn cập nhật tức thời" in text
    assert 'data-reached="1" data-expected="1"' in text
