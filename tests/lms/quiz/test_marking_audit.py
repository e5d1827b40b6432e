"""Marking an essay is recorded in the audit trail, under the learner's unit when they are an official."""

from decimal import Decimal

import pytest

from lms.audit.models import AuditEntry
from lms.quiz import services
from tests.org_builders import make_official, make_org

from .test_marking import essay_answers, make_quiz, make_user, mark_url, submit

pytestmark = pytest.mark.django_db


def test_a_mark_is_recorded_with_the_score_before_and_after():
    org = make_org()
    learner = make_official(org.ward_a, name="Nguyễn Văn An").user
    marker = make_user("giangvien_nk", full_name="Trần Thị Giảng")
    quiz = make_quiz("kiem-tra-nhat-ky")
    attempt = submit(learner, quiz)
    answer = essay_answers(attempt)[0]

    services.answer_mark(answer=answer, marker=marker, score="1,5", comment="Thiếu bước 3.")

    recorded = AuditEntry.objects.get(action=AuditEntry.Action.ANSWER_MARK)
    assert recorded.actor == marker
    assert recorded.object_id == str(answer.pk)
    assert recorded.unit_path == org.ward_a.path
    assert recorded.object_repr == f"Nguyễn Văn An — {quiz.title} #1"
    assert recorded.changes["learner"] == "Nguyễn Văn An"
    assert recorded.changes["score"] == [None, "1.5"]
    assert recorded.changes["percent"] == ["33.33", "83.33"]  # 1 of 3 points, then 2.5 of 3
    assert recorded.changes["comment"] == ["", "Thiếu bước 3."]
    assert recorded.changes["question"] == "Trình bày quy trình số 1."


def test_a_learner_without_an_official_record_gives_an_entry_without_unit():
    learner = make_user("hocvien_nk", full_name="Lê Văn Tự Do")
    marker = make_user("giangvien_nk2", full_name="Trần Thị Giảng")
    attempt = submit(learner, make_quiz("kiem-tra-nhat-ky-2"))

    services.answer_mark(answer=essay_answers(attempt)[0], marker=marker, score=Decimal("2"))

    assert AuditEntry.objects.get(action=AuditEntry.Action.ANSWER_MARK).unit_path == ""


def test_a_refused_mark_records_nothing():
    learner = make_user("hocvien_nk3")
    marker = make_user("giangvien_nk3")
    attempt = submit(learner, make_quiz("kiem-tra-nhat-ky-3"))

    with pytest.raises(services.AnswerRejected):
        services.answer_mark(answer=essay_answers(attempt)[0], marker=marker, score="9")

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ANSWER_MARK).exists()


def test_marking_in_the_admin_records_the_trainer(client):
    learner = make_user("hocvien_nk4")
    trainer = make_user("giangvien_nk4", permissions=["quiz.mark_attempt", "wagtailadmin.access_admin"])
    attempt = submit(learner, make_quiz("kiem-tra-nhat-ky-4"))
    answer = essay_answers(attempt)[0]
    client.force_login(trainer)

    client.post(mark_url(attempt), {f"answer-{answer.pk}-score": "2", f"answer-{answer.pk}-comment": ""})

    recorded = AuditEntry.objects.get(action=AuditEntry.Action.ANSWER_MARK)
    assert recorded.actor == trainer
    assert recorded.ip_address == "127.0.0.1"
