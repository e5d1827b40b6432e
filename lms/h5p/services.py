"""Writes of learners' H5P records (xAPI statements, append-only; results; resume state) and deleting an
activity nobody uses."""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.errors import UserError

from . import compatibility
from .models import Activity, ContentVersion, Result, Statement, UserData
from .package_errors import ActivityInUse
from .player import activity_iri
from .selectors import activity_in_use_reason
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
    "answered" statement means the activity was completed; "passed" means `success` was true, or, when the
    content sends a score without `success` (Blanks, Drag the Words, Course Presentation, Interactive
    Video), that the score reached the package's pass mark (compatibility.pass_mark). Any other top-level
    sign that the learner went through the content (compatibility's rule "viewed") sets `viewed_at`.
    """
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
            if checked.is_result:
                result = _result_update(user=user, version=version, statement=statement)
            elif checked.is_viewed:
                result = _result_viewed(user=user, version=version, statement=statement)
            else:
                result = None
    except IntegrityError:
        # A statement with this id is stored already: a retry after a lost reply, or the same statement twice
        # at once. Looked up only then: a new statement, the usual case, costs one INSERT.
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


def _result_write(*, user, version: ContentVersion, statement: Statement, change) -> tuple[Result, bool]:
    """Apply `change(result)` to the person's result for the activity, under a row lock; the first result is
    created with the change already applied (one INSERT). `change` returns False when it changed nothing.
    Returns (the result, whether it changed and was saved)."""
    locked = Result.objects.select_for_update().filter(user=user, activity_id=version.activity_id)
    result = locked.first()
    if result is not None:
        result.user = user  # the receivers of result_recorded read it
    else:
        first = Result(user=user, activity_id=version.activity_id, version=version, statement=statement)
        change(first)
        try:
            with transaction.atomic():
                first.save(force_insert=True)
            return first, True
        except IntegrityError:
            result = locked.get()  # a statement recorded at the same moment created it first
            result.user = user
    if not change(result):
        return result, False
    result.save()
    return result, True


def _result_viewed(*, user, version: ContentVersion, statement: Statement) -> Result | None:
    """The first sign that the person went through the content; later ones change nothing."""

    def view(result: Result) -> bool:
        if result.viewed_at is not None:
            return False
        result.viewed_at = timezone.now()
        return True

    result, changed = _result_write(user=user, version=version, statement=statement, change=view)
    if changed:
        result_recorded.send(sender=Result, result=result)
    return result


def _content_json(version: ContentVersion) -> dict | None:
    from .storage import h5p_storage  # storage imports libraries, which imports this module

    try:
        with h5p_storage().open(f"{version.storage_prefix.rstrip('/')}/content/content.json", "rb") as handle:
            content = json.load(handle)
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) else None


def _success(*, version: ContentVersion, statement: Statement) -> tuple[bool | None, bool]:
    """(success, inferred): the content's own `success`, or ours from its score and the pass mark."""
    if statement.success is not None or statement.score_scaled is None:
        return statement.success, False
    behaviour = compatibility.behaviour_of_version(version)
    content = _content_json(version) if compatibility.needs_content(behaviour) else None
    mark = compatibility.pass_mark(behaviour, content)
    return Decimal(statement.score_scaled) >= mark, True


def _result_update(*, user, version: ContentVersion, statement: Statement) -> Result:
    now = timezone.now()
    success, inferred = _success(version=version, statement=statement)

    def update(result: Result) -> bool:
        result.version = version
        result.statement = statement
        result.score_raw = statement.score_raw
        result.score_max = statement.score_max
        result.score_scaled = statement.score_scaled
        result.success = success
        result.success_inferred = inferred
        result.completion = True
        result.duration = statement.duration
        if statement.score_scaled is not None and (
            result.best_scaled is None or statement.score_scaled > result.best_scaled
        ):
            result.best_scaled = statement.score_scaled
        result.ever_passed = result.ever_passed or success is True
        result.first_completed_at = result.first_completed_at or now
        result.viewed_at = result.viewed_at or now
        return True

    result, _changed = _result_write(user=user, version=version, statement=statement, change=update)
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


def activity_delete(*, activity: Activity) -> None:
    """Delete an activity nobody has used, its versions and (after the commit) their content files.
    Shared libraries stay. Raises ActivityInUse when learners' results or pages depend on it."""
    reason = activity_in_use_reason(activity=activity)
    if reason:
        raise ActivityInUse(reason)
    from .storage import _delete_folders  # storage → libraries → this module (H5PError): import when used

    prefixes = list(activity.versions.values_list("storage_prefix", flat=True))
    try:
        with transaction.atomic():
            Activity.objects.filter(pk=activity.pk).update(current_version=None)
            Activity.objects.filter(pk=activity.pk).delete()
            transaction.on_commit(lambda: _delete_folders(prefixes))
    except ProtectedError:
        raise ActivityInUse(
            _("“%(title)s” cannot be deleted: learners have results for it.") % {"title": activity.title}
        ) from None
