"""Everything the platform holds about one person, as files for a ZIP: JSON per kind of record, the PDFs of
their certificates and their training record.

This app sits on top (like lms.demo): it reads every app and nothing imports it. Each reader takes the
person and reads only rows that belong to them. Long lists (xAPI statements, notifications, reminders)
are read in chunks and written as they come, so memory stays bounded whatever their number.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from lms import dates
from lms.certificates.models import Certificate
from lms.certificates.pdf import certificate_pdf
from lms.compliance.models import Obligation
from lms.compliance.reports import record
from lms.compliance.reports import selectors as reports
from lms.compliance.selectors import obligation_views
from lms.h5p.models import Result, Statement, UserData
from lms.learning.models import Enrolment, LessonCompletion
from lms.people.models import ManagedUnit, Official
from lms.quiz.models import Attempt, AttemptAnswer
from lms.reminders.models import Notification, Preference, Reminder
from lms.skills.models import PersonLevel, Rating

CHUNK = 500

README = """Dữ liệu của bạn trên Học viện Phường thông minh (SmartWard Learn)
Xuất lúc: {now}

profile.json               Tài khoản: tên đăng nhập, họ tên, email, vai trò, đơn vị phụ trách
official.json              Hồ sơ cán bộ: mã cán bộ, đơn vị, chức vụ, điện thoại
enrolments.json            Các khóa học đã ghi danh và các bài học đã hoàn thành
quiz_attempts.json         Các lượt làm bài kiểm tra, kèm câu trả lời và điểm
h5p_results.json           Kết quả các hoạt động H5P và trạng thái đang làm dở
h5p_statements.json        Các bản ghi xAPI do trình duyệt gửi khi làm hoạt động H5P
certificates.json          Giấy chứng nhận (kể cả giấy đã bị thu hồi, với lý do)
certificates/<mã>.pdf      Bản PDF của từng giấy chứng nhận còn hiệu lực
obligations.json           Đào tạo bắt buộc: từng chu kỳ, trạng thái và lý do
notifications.json         Thông báo trong ứng dụng
reminders.json             Lời nhắc đã lên lịch hoặc đã gửi qua email
reminder_preferences.json  Cài đặt nhận lời nhắc
skills.json                Kỹ năng số: mức của bạn ở từng năng lực, bằng chứng, và đánh giá của người khác
ho-so-dao-tao.pdf          Hồ sơ đào tạo (bản PDF)

Thời gian theo chuẩn ISO 8601, múi giờ Asia/Ho_Chi_Minh.
"""


def _time(moment):
    return dates.local(moment).isoformat() if moment else None


def _json(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _json_list(items: Iterator[dict]) -> Iterator[bytes]:
    """A JSON array written item by item."""
    yield b"["
    first = True
    for item in items:
        yield (b"\n  " if first else b",\n  ") + json.dumps(
            item, cls=DjangoJSONEncoder, ensure_ascii=False
        ).encode()
        first = False
    yield b"\n]\n"


@dataclass(frozen=True)
class File:
    name: str
    chunks: Iterator[bytes]


def _profile(user) -> dict:
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "email": user.email,
        "is_active": user.is_active,
        "date_joined": _time(user.date_joined),
        "last_login": _time(user.last_login),
        "roles": sorted(Group.objects.filter(user=user).values_list("name", flat=True)),
        "managed_units": [
            {"name": name, "code": code}
            for name, code in ManagedUnit.objects.filter(user=user)
            .order_by("unit__path")
            .values_list("unit__name", "unit__code")
        ],
    }


def _official(user) -> dict | None:
    official = Official.objects.select_related("unit", "position").filter(user=user).first()
    if official is None:
        return None
    return {
        "employee_code": official.employee_code,
        "unit": {"name": official.unit.name, "code": official.unit.code},
        "position": official.position.name if official.position else None,
        "phone": official.phone,
        "is_unit_head": official.is_unit_head,
    }


def _enrolments(user) -> list[dict]:
    completions: dict[int, list[dict]] = {}
    for row in (
        LessonCompletion.objects.filter(enrolment__user=user)
        .order_by("completed_at", "pk")
        .values("enrolment_id", "lesson_id", "lesson__title", "source", "completed_at")
    ):
        completions.setdefault(row["enrolment_id"], []).append(
            {
                "lesson_id": row["lesson_id"],
                "lesson": row["lesson__title"],
                "source": row["source"],
                "completed_at": _time(row["completed_at"]),
            }
        )
    return [
        {
            "course_id": enrolment.course_id,
            "course": enrolment.course.title,
            "source": enrolment.source,
            "enrolled_at": _time(enrolment.enrolled_at),
            "completed_at": _time(enrolment.completed_at),
            "last_activity_at": _time(enrolment.last_activity_at),
            "lesson_completions": completions.get(enrolment.pk, []),
        }
        for enrolment in Enrolment.objects.filter(user=user).select_related("course").order_by("enrolled_at")
    ]


def _attempts(user) -> list[dict]:
    answers: dict[int, list[dict]] = {}
    for answer in (
        AttemptAnswer.objects.filter(attempt__user=user)
        .select_related("question")
        .order_by("answered_at", "pk")
    ):
        answers.setdefault(answer.attempt_id, []).append(
            {
                "question_id": answer.question_id,
                "question": answer.question.text,
                "response": answer.response,
                "score": answer.score,
                "answered_at": _time(answer.answered_at),
                "marked_at": _time(answer.marked_at),
                "marker_comment": answer.marker_comment,
            }
        )
    return [
        {
            "quiz": attempt.quiz.title,
            "number": attempt.number,
            "state": attempt.state,
            "started_at": _time(attempt.started_at),
            "submitted_at": _time(attempt.submitted_at),
            "auto_submitted": attempt.auto_submitted,
            "score": attempt.score,
            "max_score": attempt.max_score,
            "percent": attempt.percent,
            "passed": attempt.passed,
            "awaiting_marking": attempt.awaiting_marking,
            "answers": answers.get(attempt.pk, []),
        }
        for attempt in Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at", "pk")
    ]


def _h5p_results(user) -> dict:
    return {
        "results": [
            {
                "activity": result.activity.title,
                "score_raw": result.score_raw,
                "score_max": result.score_max,
                "score_scaled": result.score_scaled,
                "success": result.success,
                "success_inferred": result.success_inferred,
                "completion": result.completion,
                "duration": result.duration,
                "best_scaled": result.best_scaled,
                "ever_passed": result.ever_passed,
                "viewed_at": _time(result.viewed_at),
                "first_completed_at": _time(result.first_completed_at),
                "updated_at": _time(result.updated_at),
            }
            for result in Result.objects.filter(user=user).select_related("activity").order_by("pk")
        ],
        "saved_states": [
            {
                "activity": state.activity.title,
                "data_type": state.data_type,
                "sub_content_id": state.sub_content_id,
                "data": state.data,
                "updated_at": _time(state.updated_at),
            }
            for state in UserData.objects.filter(user=user).select_related("activity").order_by("pk")
        ],
    }


def _statements(user) -> Iterator[dict]:
    rows = (
        Statement.objects.filter(user=user)
        .order_by("received_at", "pk")
        .values("statement_id", "activity__title", "lesson_id", "verb", "is_top_level", "score_raw",
                "score_max", "score_scaled", "success", "completion", "duration", "payload", "received_at")
    )  # fmt: skip
    for row in rows.iterator(chunk_size=CHUNK):
        row["activity"] = row.pop("activity__title")
        row["received_at"] = _time(row["received_at"])
        yield row


def _certificates(user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).order_by("completed_at", "pk"))


def _certificate(certificate: Certificate) -> dict:
    return {
        "code": certificate.code,
        "holder_name": certificate.holder_name,
        "course": certificate.course_title,
        "hours": certificate.hours,
        "completed_at": _time(certificate.completed_at),
        "issued_at": _time(certificate.issued_at),
        "revoked_at": _time(certificate.revoked_at),
        "revoke_reason": certificate.revoke_reason,
        "pdf": None if certificate.is_revoked else f"certificates/{certificate.code}.pdf",
    }


def _obligations(user) -> list[dict]:
    """Every cycle, current or history, with its status and the reason in words (as the person sees it)."""
    views = obligation_views(Obligation.objects.filter(user=user), user=user)
    return [
        {
            "course": view.course_title,
            "cycle": view.obligation.cycle,
            "is_current": view.obligation.is_current,
            "status": view.status.label if view.obligation.is_current else None,
            "reason": view.reason if view.obligation.is_current else None,
            "opened_at": _time(view.obligation.opened_at),
            "due_at": _time(view.obligation.due_at),
            "started_at": _time(view.obligation.started_at),
            "completed_at": _time(view.obligation.completed_at),
            "valid_until": _time(view.obligation.valid_until),
            "exempt_at": _time(view.obligation.exempt_at),
            "exempt_reason": view.obligation.exempt_reason,
            "closed_at": _time(view.obligation.closed_at),
            "closed_reason": view.obligation.get_closed_reason_display()
            if view.obligation.closed_reason
            else "",
        }
        for view in views
    ]


def _notifications(user) -> Iterator[dict]:
    rows = Notification.objects.filter(user=user).order_by("created_at", "pk")
    for row in rows.values("kind", "subject", "body", "url", "created_at", "read_at").iterator(CHUNK):
        row["created_at"], row["read_at"] = _time(row["created_at"]), _time(row["read_at"])
        yield row


def _reminders(user) -> Iterator[dict]:
    rows = Reminder.objects.filter(recipient=user).order_by("created_at", "pk")
    for row in rows.values("kind", "state", "created_at", "sent_at", "message").iterator(CHUNK):
        row["created_at"], row["sent_at"] = _time(row["created_at"]), _time(row["sent_at"])
        yield row


def _preferences(user) -> dict:
    preference = Preference.objects.filter(user=user).first()
    if preference is None:
        return {"muted_kinds": [], "mandatory_in_digest": False, "updated_at": None}
    return {
        "muted_kinds": preference.muted_kinds,
        "mandatory_in_digest": preference.mandatory_in_digest,
        "updated_at": _time(preference.updated_at),
    }


def _lazy(make) -> Iterator[bytes]:
    """Run `make` only when the file is written (one kind of record in memory at a time)."""
    yield _json(make())


def _pdf(make) -> Iterator[bytes]:
    yield make()


def _skills(user) -> dict:
    return {
        "levels": [
            {
                "framework": row.competency.framework.short_name,
                "competence": row.competency.id_number,
                "name": row.competency.short_name,
                "level": row.level,
                "evidence": row.evidence,
                "computed_at": _time(row.computed_at),
            }
            for row in PersonLevel.objects.filter(user=user).select_related("competency__framework")
        ],
        "ratings": [
            {
                "competence": rating.competency.id_number,
                "name": rating.competency.short_name,
                "level": rating.level,
                "note": rating.note,
                "rated_by": rating.rated_by.get_full_name(),
                "rated_as": rating.rated_as,
                "course": rating.course.title if rating.course else "",
                "rated_at": _time(rating.rated_at),
            }
            for rating in Rating.objects.filter(user=user).select_related("competency", "rated_by", "course")
        ],
    }


def _training_record(user) -> bytes:
    with translation.override("vi"):
        return record.training_record_pdf(reports.person_record(viewer=user, user=user))


def personal_files(user, *, request=None) -> Iterator[File]:
    """The files of the person's ZIP, each read only when written."""
    yield File("README.txt", iter([README.format(now=_time(timezone.now())).encode()]))
    yield File("profile.json", _lazy(lambda: _profile(user)))
    yield File("official.json", _lazy(lambda: _official(user)))
    yield File("enrolments.json", _lazy(lambda: _enrolments(user)))
    yield File("quiz_attempts.json", _lazy(lambda: _attempts(user)))
    yield File("h5p_results.json", _lazy(lambda: _h5p_results(user)))
    yield File("h5p_statements.json", _json_list(_statements(user)))
    certificates = _certificates(user)
    yield File("certificates.json", _lazy(lambda: [_certificate(c) for c in certificates]))
    for certificate in certificates:
        if not certificate.is_revoked:
            yield File(
                f"certificates/{certificate.code}.pdf",
                _pdf(lambda c=certificate: certificate_pdf(c, request=request)),
            )
    yield File("obligations.json", _lazy(lambda: _obligations(user)))
    yield File("notifications.json", _json_list(_notifications(user)))
    yield File("reminders.json", _json_list(_reminders(user)))
    yield File("reminder_preferences.json", _lazy(lambda: _preferences(user)))
    yield File("skills.json", _lazy(lambda: _skills(user)))
    yield File("ho-so-dao-tao.pdf", _pdf(lambda: _training_record(user)))
