"""The shape of the xAPI statements H5P content sends, checked before anything is stored.

Only what we use is required; everything else in the statement is kept as sent. Messages are Vietnamese
(via gettext) because they reach the learner's page when something goes wrong.
"""

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_STATEMENT_BYTES = 16 * 1024
MAX_DEPTH = 12
COMPLETED_VERBS = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/answered",
}
# Top-level statements that show the learner went through the content (the rule "viewed"). "experienced" is
# also what the lesson page sends for its "I have finished viewing" button (static/js/h5p-lesson.js).
VIEWED_VERB = "http://adlnet.gov/expapi/verbs/experienced"
VIEWED_VERBS = COMPLETED_VERBS | {
    VIEWED_VERB,
    "http://adlnet.gov/expapi/verbs/interacted",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://activitystrea.ms/schema/1.0/consume",
}
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:\S{1,2040}$", re.IGNORECASE)
_DURATION = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$"
)
SCORE_LIMIT = Decimal("1000000")
# A player address (its grant) or a files address (its key) anywhere in a statement: H5P names its object
# by the page's address unless told otherwise (player.py: activity_iri), and a package may copy it anywhere.
# The slash after the grant goes with it only where nothing of a path follows ("…/choi/<grant>/?sub…"); a
# file's path inside the content keeps its own ("…/tep/<key>/content/a.png" → "<IRI>/content/a.png").
_PLAYER_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://[^/\s\"']+)?/h5p/(?:choi|tep)/[^/?#\s\"']+(?:/(?=[?#\s\"']|$))?", re.IGNORECASE
)
MAX_VERB_CHARS = 255  # Statement.verb


class StatementInvalid(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CheckedStatement:
    statement_id: uuid.UUID
    verb: str
    is_top_level: bool
    is_result: bool  # a top-level completed/answered statement: the activity's result
    is_viewed: bool  # a top-level statement showing the learner went through the content
    score_raw: Decimal | None
    score_max: Decimal | None
    score_scaled: Decimal | None
    success: bool | None
    completion: bool | None
    duration: str
    payload: dict


def _depth(value, level=0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def _storable(value, level: int = 0) -> bool:
    """No NUL characters or lone surrogates anywhere (PostgreSQL refuses them in text and JSON)."""
    if level > MAX_DEPTH + 1:
        return True  # too deep: refused by the depth check
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k, level + 1) and _storable(v, level + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v, level + 1) for v in value)
    return True


def _number(value, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementInvalid(_("The score “%(name)s” is not a number.") % {"name": name})
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise StatementInvalid(_("The score “%(name)s” is not a number.") % {"name": name}) from error
    if not number.is_finite() or abs(number) > SCORE_LIMIT:
        raise StatementInvalid(_("The score “%(name)s” is out of range.") % {"name": name})
    return number


def _flag(value, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise StatementInvalid(_("“%(name)s” must be true or false.") % {"name": name})


def statement_check(statement) -> CheckedStatement:
    """Validate one statement as H5P emits it (plus the id the lesson page adds)."""
    if not isinstance(statement, dict):
        raise StatementInvalid(_("The statement must be a JSON object."))
    if not _storable(statement):
        raise StatementInvalid(_("The statement contains characters that cannot be stored."))
    if _depth(statement) > MAX_DEPTH:
        raise StatementInvalid(_("The statement is nested too deeply."))
    try:
        statement_id = uuid.UUID(str(statement.get("id", "")))
    except ValueError as error:
        raise StatementInvalid(_("The statement has no valid id.")) from error
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or len(verb_id) > MAX_VERB_CHARS or not _IRI.match(verb_id):
        raise StatementInvalid(_("The statement has no valid verb."))
    target = statement.get("object")
    object_id = target.get("id") if isinstance(target, dict) else None
    if not isinstance(object_id, str) or not _IRI.match(object_id):
        raise StatementInvalid(_("The statement has no valid object."))
    context = statement.get("context") or {}
    if not isinstance(context, dict):
        raise StatementInvalid(_("The statement's context must be an object."))
    activities = context.get("contextActivities") or {}
    if not isinstance(activities, dict):
        raise StatementInvalid(_("The statement's context must be an object."))
    is_top_level = not activities.get("parent") and "subContentId=" not in object_id

    result = statement.get("result")
    if result is not None and not isinstance(result, dict):
        raise StatementInvalid(_("The statement's result must be an object."))
    result = result or {}
    score = result.get("score")
    if score is not None and not isinstance(score, dict):
        raise StatementInvalid(_("The statement's score must be an object."))
    score = score or {}
    raw, low, high = (
        _number(score.get("raw"), "raw"),
        _number(score.get("min"), "min"),
        _number(score.get("max"), "max"),
    )
    scaled = _number(score.get("scaled"), "scaled")
    if high is not None and high < 0:
        raise StatementInvalid(_("The score “%(name)s” is out of range.") % {"name": "max"})
    if raw is not None and high is not None and raw > high:
        raise StatementInvalid(_("The raw score is greater than the maximum."))
    if raw is not None and low is not None and raw < low:
        raise StatementInvalid(_("The raw score is smaller than the minimum."))
    if scaled is None and raw is not None and high:
        scaled = raw / high
    if scaled is not None:
        if not Decimal(-1) <= scaled <= Decimal(1):
            raise StatementInvalid(_("The score “%(name)s” is out of range.") % {"name": "scaled"})
        scaled = max(scaled, Decimal(0)).quantize(Decimal("0.0001"))
    duration = result.get("duration", "")
    if not isinstance(duration, str) or (duration and (len(duration) > 64 or not _DURATION.match(duration))):
        raise StatementInvalid(_("The duration is not an ISO 8601 duration."))
    success = _flag(result.get("success"), "success")
    completion = _flag(result.get("completion"), "completion")
    return CheckedStatement(
        statement_id=statement_id,
        verb=verb_id,
        is_top_level=is_top_level,
        is_result=is_top_level and verb_id in COMPLETED_VERBS,
        is_viewed=is_top_level and verb_id in VIEWED_VERBS,
        score_raw=raw,
        score_max=high,
        score_scaled=scaled,
        success=success,
        completion=completion,
        duration=duration,
        payload=statement,
    )


def grants_removed(value, iri: str):
    """The statement with every player or files address replaced by the activity's IRI (keeping what
    follows it, such as `?subContentId=`), so that no stored statement carries a grant."""
    if isinstance(value, str):
        return _PLAYER_ADDRESS.sub(iri, value) if "/h5p/" in value else value
    if isinstance(value, dict):
        return {key: grants_removed(item, iri) for key, item in value.items()}
    if isinstance(value, list):
        return [grants_removed(item, iri) for item in value]
    return value
