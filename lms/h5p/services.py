"""Writes of learners' H5P records: xAPI statements (append-only), results, and resume state."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.errors import UserError

from .models import ContentVersion, Result, Statement, UserData
from .player import activity_iri
from .signals import result_recorded
from .xapi import CheckedStatement, grants_removed

MAX_STATE_BYTES = 64 * 1024


class H5PError(UserError):
    """A request the H5P rules refuse (a statement or state the server will not store)."""


class StatementConflict(H5PError):
    status = 409


class StateTooLarge(H5PError):
    status = 413


@dataclass(frozen=True)
class Recorded:
    statement: Statement
    duplicate: bool
    result: Result | None


def statement_record(*, user, version: ContentVersion, lesson_id: int, checked: CheckedStatement) -> Recorded:
    """Store a statement once, by its id, and let a top-level completed/answered statement update the
    person's result for the activity.

    Sending the same statement again (a retry after a lost connection) changes nothing and answers as the
    first time did; the same id from another person is refused. Scores are the browser's, kept as given.
    Our rule for completion (H5P versions disagree on the `completion` flag): a top-level "completed" or
    "answered" statement means the activity was completed; "passed" means `success` was true.
    """
    existing = Statement.objects.filter(statement_id=checked.statement_id).first()
    if existing is not None:
        return _replayed(existing, user=user)
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                statement_id=checked.statement_id,
                user=user,
                activity_id=version.activity_id,
                version=version,
                lesson_id=lesson_id,
                verb=checked.verb,
                is_top_level=checked.is_top_level,
                score_raw=checked.score_raw,
                score_max=checked.score_max,
                score_scaled=checked.score_scaled,
                success=checked.success,
                completion=checked.completion,
                duration=checked.duration,
                payload=grants_removed(checked.payload, activity_iri(version)),
            )
            result = (
                _result_update(user=user, version=version, statement=statement) if checked.is_result else None
            )
    except IntegrityError:
        # The same statement arrived twice at once: the other request stored it.
        existing = Statement.objects.filter(statement_id=checked.statement_id).first()
        if existing is None:
            raise
        return _replayed(existing, user=user)
    return Recorded(statement=statement, duplicate=False, result=result)


def _replayed(existing: Statement, *, user) -> Recorded:
    if existing.user_id != user.pk:
        raise StatementConflict(_("This statement was already recorded for someone else."))
    result = Result.objects.filter(user=user, activity_id=existing.activity_id).first()
    return Recorded(statement=existing, duplicate=True, result=result)


def _result_update(*, user, version: ContentVersion, statement: Statement) -> Result:
    now = timezone.now()
    locked = Result.objects.select_for_update().filter(user=user, activity_id=version.activity_id)
    result = locked.first()
    if result is None:
        try:
            with transaction.atomic():
                result = Result.objects.create(
                    user=user, activity_id=version.activity_id, version=version, statement=statement
                )
        except IntegrityError:
            result = locked.get()  # a statement recorded at the same moment created it first
    result.version = version
    result.statement = statement
    result.score_raw = statement.score_raw
    result.score_max = statement.score_max
    result.score_scaled = statement.score_scaled
    result.success = statement.success
    result.completion = True
    result.duration = statement.duration
    if statement.score_scaled is not None and (
        result.best_scaled is None or statement.score_scaled > result.best_scaled
    ):
        result.best_scaled = statement.score_scaled
    result.ever_passed = result.ever_passed or statement.success is True
    result.first_completed_at = result.first_completed_at or now
    result.save()
    result_recorded.send(sender=Result, result=result)
    return result


def state_save(*, user, version: ContentVersion, data_type: str, sub_content_id: str, data: str) -> UserData:
    """Keep the content's resume state (H5P content user data) for the person; the newest wins."""
    if len(data.encode()) > MAX_STATE_BYTES:
        raise StateTooLarge(_("The saved state of this activity is too large."))
    state, _created = UserData.objects.update_or_create(
        user=user,
        activity_id=version.activity_id,
        data_type=data_type,
        sub_content_id=sub_content_id,
        defaults={"version": version, "data": data},
    )
    return state
