"""An official downloads their own data as a ZIP: every kind of record, theirs only."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from lms.audit.models import AuditEntry
from lms.certificates.models import Certificate
from lms.compliance.services import assignment_create
from lms.h5p import services as h5p_services
from lms.h5p import xapi
from lms.learning.services import enrolment_create, progress_record
from lms.quiz import services as quiz_services
from lms.reminders.models import Notification, Preference
from lms.skills.models import Competency, Framework, PersonLevel, Rating
from tests.builders import after_commit, lessons_of
from tests.h5p_builders import make_activity, statement
from tests.org_builders import make_hr, make_official, make_org
from tests.quiz_builders import make_question, make_quiz

pytestmark = pytest.mark.django_db

URL = "/ho-so/du-lieu-cua-toi/"


def give_records(user, course, *, marker: str):
    """A completed mandatory course (certificate), a quiz attempt, an H5P statement and a notification,
    each carrying `marker` where the person wrote or received text."""
    enrolment_create(user=user, course=course)
    with after_commit():  # what follows the completion runs after its commit
        for lesson in lessons_of(course):
            progress_record(user=user, lesson=lesson, source="manual")
    question = make_question("short", text=f"Câu hỏi của {marker}?")
    attempt = quiz_services.attempt_start(user=user, quiz=make_quiz([question]))
    quiz_services.attempt_save_answer(attempt=attempt, question_id=question.pk, response=f"Trả lời {marker}")
    quiz_services.attempt_submit(attempt=attempt)
    activity = make_activity(title=f"Hoạt động {marker}")
    h5p_services.statement_record(
        user=user,
        version=activity.current_version,
        lesson_id=lessons_of(course)[0].pk,
        checked=xapi.statement_check(statement()),
    )
    Notification.objects.create(user=user, kind="nudge", subject=f"Thông báo cho {marker}", body="Nội dung")


def skills_give(user, *, rated_by, marker: str) -> None:
    framework, _created = Framework.objects.get_or_create(
        id_number="NLS", defaults={"short_name": "Năng lực số"}
    )
    competency, _created = Competency.objects.get_or_create(
        framework=framework, id_number="4.2", defaults={"short_name": "Bảo vệ dữ liệu cá nhân"}
    )
    Rating.objects.create(
        user=user,
        competency=competency,
        level=3,
        note=f"Hướng dẫn người dân dùng VNeID {marker}",
        rated_by=rated_by,
    )
    PersonLevel.objects.create(
        user=user, competency=competency, level=3, evidence=[{"kind": "rating", "level": 3}]
    )


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def person(org, course):
    official = make_official(org.ward_a, name="Nguyễn Thị Ngọc Diễm", email="diem@phuong.example")
    hr = make_hr(org.ward_a)
    assignment_create(by=hr, course=course, unit=org.ward_a, due_days=30)
    give_records(official.user, course, marker="DIEM")
    Preference.objects.create(user=official.user, muted_kinds=["due_soon"], mandatory_in_digest=True)
    skills_give(official.user, rated_by=hr, marker="DIEM")
    return official.user


@pytest.fixture
def colleague(org, course):
    official = make_official(org.ward_a, name="Phạm Văn Bình", email="binh@phuong.example")
    give_records(official.user, course, marker="BINH")
    skills_give(official.user, rated_by=official.user, marker="BINH")
    return official.user


def download(client, user):
    client.force_login(user)
    response = client.post(URL)
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_json(archive, name):
    return json.loads(archive.read(name))


def test_the_zip_holds_every_kind_of_record(client, person, colleague):
    response, archive = download(client, person)

    certificate = Certificate.objects.get(user=person)
    assert sorted(archive.namelist()) == sorted(
        [
            "README.txt",
            "profile.json",
            "official.json",
            "enrolments.json",
            "quiz_attempts.json",
            "h5p_results.json",
            "h5p_statements.json",
            "certificates.json",
            f"certificates/{certificate.code}.pdf",
            "obligations.json",
            "notifications.json",
            "reminders.json",
            "reminder_preferences.json",
            "skills.json",
            "ho-so-dao-tao.pdf",
        ]
    )
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]


def test_the_files_hold_the_persons_data(client, person, colleague):
    _response, archive = download(client, person)

    assert read_json(archive, "profile.json")["email"] == "diem@phuong.example"
    assert read_json(archive, "official.json")["unit"]["name"] == "Phường Bến Thành"
    (enrolment,) = read_json(archive, "enrolments.json")
    assert enrolment["completed_at"] and len(enrolment["lesson_completions"]) == 4
    (attempt,) = read_json(archive, "quiz_attempts.json")
    assert attempt["answers"][0]["response"] == {"text": "Trả lời DIEM"}
    (result,) = read_json(archive, "h5p_results.json")["results"]
    assert result["activity"] == "Hoạt động DIEM"
    assert result["viewed_at"] and result["success"] is True and result["success_inferred"] is False
    assert len(read_json(archive, "h5p_statements.json")) == 1
    (certificate,) = read_json(archive, "certificates.json")
    assert certificate["holder_name"] == "Nguyễn Thị Ngọc Diễm"
    assert archive.read(certificate["pdf"]).startswith(b"%PDF")
    (obligation,) = read_json(archive, "obligations.json")
    assert obligation["status"] and "Lê Thị Nhân Sự" in obligation["reason"]
    subjects = [n["subject"] for n in read_json(archive, "notifications.json")]
    # the one given, and the completion's confirmation, sent as soon as the completion was announced
    assert sorted(subjects) == ["Thông báo cho DIEM", "Đã hoàn thành: Chuyển đổi số cho cán bộ phường"]
    assert read_json(archive, "reminder_preferences.json")["muted_kinds"] == ["due_soon"]
    (level,) = read_json(archive, "skills.json")["levels"]
    assert (level["competence"], level["level"]) == ("4.2", 3)
    (rating,) = read_json(archive, "skills.json")["ratings"]
    assert rating["note"] == "Hướng dẫn người dân dùng VNeID DIEM" and rating["rated_by"] == "Lê Thị Nhân Sự"
    assert archive.read("ho-so-dao-tao.pdf").startswith(b"%PDF")


def test_nothing_of_another_person_is_in_the_zip(client, person, colleague):
    _response, archive = download(client, person)

    text = "".join(
        archive.read(name).decode() for name in archive.namelist() if name.endswith((".json", ".txt"))
    )
    for trace in ("BINH", "Phạm Văn Bình", "binh@phuong.example", colleague.get_username()):
        assert trace not in text
    codes = set(Certificate.objects.filter(user=colleague).values_list("code", flat=True))
    assert not any(code in name for code in codes for name in archive.namelist())


def test_the_download_is_audited(client, person, org):
    download(client, person)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.PERSONAL_DATA_DOWNLOAD)
    assert entry.actor == person
    assert entry.object_id == str(person.pk)
    assert entry.unit_path == org.ward_a.path


def test_an_account_without_records_gets_a_zip_too(client, learner):
    _response, archive = download(client, learner)

    assert read_json(archive, "official.json") is None
    assert read_json(archive, "certificates.json") == []


def test_anonymous_is_sent_to_login(client):
    response = client.post(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_get_is_refused_with_an_explanation(client, learner):
    client.force_login(learner)

    assert client.get(URL).status_code == 405
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PERSONAL_DATA_DOWNLOAD).exists()


def test_the_profile_page_offers_the_download(client, learner):
    client.force_login(learner)

    page = client.get(reverse("people:profile")).content.decode()

    assert f'action="{URL}"' in page


def test_h5p_results_say_when_passed_was_decided_from_the_score(client, org, course):
    """Content that sends no result.success (e.g. Blanks): the export says success was inferred by us."""
    user = make_official(org.ward_a, name="Trần Thị Lan").user
    activity = make_activity(title="Điền vào chỗ trống")
    h5p_services.statement_record(
        user=user,
        version=activity.current_version,
        lesson_id=lessons_of(course)[0].pk,
        checked=xapi.statement_check(statement(success=None)),
    )

    _response, archive = download(client, user)

    (result,) = read_json(archive, "h5p_results.json")["results"]
    assert (result["success"], result["success_inferred"]) == (True, True)
    assert result["viewed_at"]
