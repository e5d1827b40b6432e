"""Results of H5P activities, sent by the trusted lesson page (never by the sandboxed player).

JSON in, JSON out: authenticated by the session, CSRF-checked by Django's middleware, size-limited, the
lesson published and holding the activity, the person enrolled. Scores were computed in the browser and
are stored as such; they only ever complete lessons through the `learning` service.
"""

import json

from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.h5p import selectors as h5p_selectors
from lms.h5p import services as h5p_services
from lms.h5p.models import ContentVersion
from lms.h5p.xapi import MAX_STATEMENT_BYTES, StatementInvalid, statement_check
from lms.learning import services as learning_services
from lms.learning.models import Enrolment, LessonCompletion, LessonRequirement
from lms.validation import parse_id

MAX_BODY_BYTES = MAX_STATEMENT_BYTES + 1024
MAX_STATE_BODY_BYTES = h5p_services.MAX_STATE_BYTES + 1024


class Refused(Exception):
    def __init__(self, message, status: int):
        super().__init__(str(message))
        self.message, self.status = message, status


def _refuse(message, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": str(message)}, status=status)


def _read_json(request, limit: int) -> dict:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise Refused(_("The data sent is too large."), 413)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise Refused(_("The data sent is too large."), 413)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused(_("The data sent is not valid JSON."), 400) from error
    if not isinstance(data, dict):
        raise Refused(_("The data sent is not valid JSON."), 400)
    return data


def _storable(text: str) -> bool:
    """Text PostgreSQL can store: no NUL character, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _whole_number(data: dict, name: str) -> int:
    value = data.get(name)
    number = parse_id(value) if isinstance(value, int) else None  # a JSON number, not a string of digits
    if number is None:
        raise Refused(_("The request does not say which lesson and activity it is for."), 400)
    return number


def _placement(request, data: dict):
    """The requirement of a published lesson for this activity (the index names the lesson's course), the
    content version and the enrolment: three queries, as a statement is sent many times per activity."""
    if not request.user.is_authenticated:
        raise Refused(_("Please log in again: your session has ended."), 401)
    lesson_id, activity_id, version_id = (_whole_number(data, n) for n in ("lesson", "activity", "version"))
    requirement = LessonRequirement.objects.filter(
        lesson_id=lesson_id,
        kind=LessonRequirement.Kind.H5P,
        object_id=activity_id,
        lesson__live=True,
    ).first()
    if requirement is None:
        raise Refused(_("This activity is not part of a published lesson."), 404)
    version = ContentVersion.objects.filter(pk=version_id, activity_id=activity_id).first()
    if version is None:
        raise Refused(_("This version of the activity does not exist."), 404)
    try:
        enrolment = learning_services.enrolment_in_course(user=request.user, course_id=requirement.course_id)
    except learning_services.LearningError as error:
        raise Refused(error.message, error.status) from error
    return requirement, version, enrolment


@require_POST
def xapi_statement(request):
    try:
        data = _read_json(request, MAX_BODY_BYTES)
        requirement, version, enrolment = _placement(request, data)
        checked = statement_check(data.get("statement"))
        course_done_before = enrolment.completed_at is not None
        recorded = h5p_services.statement_record(
            user=request.user, version=version, lesson_id=requirement.lesson_id, checked=checked
        )
    except Refused as error:
        return _refuse(error.message, error.status)
    except StatementInvalid as error:
        return _refuse(error.message, 400)
    except h5p_services.H5PError as error:
        return _refuse(error.message, error.status)
    result = recorded.result
    now = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .annotate(
            lesson_done=Exists(
                LessonCompletion.objects.filter(enrolment=OuterRef("pk"), lesson_id=requirement.lesson_id)
            )
        )
        .values("completed_at", "lesson_done")
        .get()
    )
    return JsonResponse(
        {
            "ok": True,
            "duplicate": recorded.duplicate,
            "result": None
            if result is None
            else {
                "completion": result.completion,
                "success": result.success,
                "scaled": float(result.score_scaled) if result.score_scaled is not None else None,
                "raw": float(result.score_raw) if result.score_raw is not None else None,
                "max": float(result.score_max) if result.score_max is not None else None,
            },
            "rule_met": h5p_selectors.rule_met(
                result=result, rule={"rule": requirement.rule, "min_score": requirement.min_score}
            ),
            "lesson_completed": now["lesson_done"],
            "course_completed": not course_done_before and now["completed_at"] is not None,
        }
    )


@require_POST
def state_save(request):
    try:
        data = _read_json(request, MAX_STATE_BODY_BYTES)
        _requirement, version, _enrolment = _placement(request, data)
        state, data_type, sub_content_id = (
            data.get("data"),
            data.get("data_type", "state"),
            data.get("sub_content_id", ""),
        )
        if (
            not isinstance(state, str)
            or not isinstance(data_type, str)
            or not isinstance(sub_content_id, str)
        ):
            raise Refused(_("The saved state is not in the expected form."), 400)
        # The player restores only the whole-content state: nothing else is kept.
        if data_type != "state" or sub_content_id != "" or not _storable(state):
            raise Refused(_("The saved state is not in the expected form."), 400)
        h5p_services.state_save(
            user=request.user, version=version, data_type=data_type, sub_content_id=sub_content_id, data=state
        )
    except Refused as error:
        return _refuse(error.message, error.status)
    except h5p_services.H5PError as error:
        return _refuse(error.message, error.status)
    return JsonResponse({"ok": True})
