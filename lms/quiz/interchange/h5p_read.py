"""Reading H5P questions: a content.json, or the content.json inside a whole .h5p package.

`h5p_upload_load` takes the uploaded bytes (a content.json, or an .h5p zip from which only content.json and
h5p.json are read), `h5p_content_read` turns the content into question drafts. A Question Set imports what
it can: its Multiple Choice and True/False questions; every other item is skipped and listed with its type,
title and reason. A lone Multiple Choice or True/False content with a problem is refused. The mapping is in
docs/quiz-import.md.
"""

import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.spreadsheets import XLSX_SIGNATURE, upload_bytes

from ..models import Question
from .columns import MAX_ANSWER_CHARS, MAX_CHOICES, MAX_EXPLANATION_CHARS, MAX_QUESTION_CHARS, Kind
from .drafts import AnswerDraft, QuestionDraft
from .errors import H5PContentError
from .html_text import html_to_text

MAX_H5P_BYTES = 2 * 1024 * 1024  # content.json
MAX_H5P_PACKAGE_BYTES = 50 * 1024 * 1024  # a whole .h5p (only two small files of it are read)
MAX_H5P_JSON_BYTES = 256 * 1024
MAX_H5P_QUESTIONS = 500
MAX_EXAMPLES = 3
H5P_QUESTION_SET_PASS_DEFAULT = 50  # H5P.QuestionSet's semantics.json default for passPercentage


@dataclass(frozen=True)
class H5PUpload:
    """An uploaded content.json, or the content.json read from an .h5p package."""

    content: dict
    data: bytes  # the content.json bytes (what is kept between preview and confirmation)
    title: str = ""  # h5p.json's title, for a package


@dataclass(frozen=True)
class SkippedItem:
    """A Question Set item that is not imported."""

    number: int
    library: str
    title: str
    reasons: list[str]

    @property
    def label(self) -> str:
        if self.title:
            return _("question %(number)d (%(library)s, “%(title)s”)") % {
                "number": self.number,
                "library": self.library,
                "title": self.title,
            }
        return _("question %(number)d (%(library)s)") % {"number": self.number, "library": self.library}


@dataclass
class H5PRead:
    """What an H5P content holds for the bank, and, for a Question Set, the settings a quiz takes over."""

    drafts: list[QuestionDraft]
    skipped: list[SkippedItem] = field(default_factory=list)
    is_question_set: bool = False
    title: str = ""
    description: str = ""
    pass_mark: int = H5P_QUESTION_SET_PASS_DEFAULT
    pool_size: int | None = None
    random_order: bool = False

    @property
    def quiz_pool_size(self) -> int | None:
        """The pool size a quiz of the imported questions gets: None (all) when the set draws all of them."""
        if self.pool_size and self.pool_size < len(self.drafts):
            return self.pool_size
        return None

    @property
    def skipped_summary(self) -> list[str]:
        return grouped_reasons(self.skipped)


def grouped_reasons(skipped: list[SkippedItem]) -> list[str]:
    """Each reason once, with how many questions it concerns and some of them as examples."""
    groups: dict[str, list[SkippedItem]] = {}
    for item in skipped:
        for reason in item.reasons:
            groups.setdefault(reason, []).append(item)
    lines = []
    for reason, items in groups.items():
        count = len(items)
        examples = ", ".join(item.label for item in items[:MAX_EXAMPLES])
        if count > MAX_EXAMPLES:
            line = _("%(count)d questions: %(reason)s (for example %(examples)s).")
        else:
            line = ngettext(
                "%(count)d question: %(reason)s (%(examples)s).",
                "%(count)d questions: %(reason)s (%(examples)s).",
                count,
            )
        lines.append(line % {"count": count, "reason": reason, "examples": examples})
    return lines


# --- Loading ----------------------------------------------------------------------------------------------


def _json_object(data: bytes) -> dict:
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise H5PContentError(
            _("This file is not valid JSON: upload the content.json of an H5P content, or the .h5p file.")
        ) from None
    if not isinstance(content, dict):
        raise H5PContentError(_("The content.json must hold a JSON object."))
    return content


def _too_large() -> H5PContentError:
    return H5PContentError(
        _("The content.json is larger than %(size)d MB.") % {"size": MAX_H5P_BYTES // (1024 * 1024)}
    )


def h5p_content_load(*, file: BinaryIO | bytes) -> dict:
    """Read an uploaded content.json (UTF-8, at most MAX_H5P_BYTES)."""
    data = upload_bytes(file, max_bytes=MAX_H5P_BYTES)
    if len(data) > MAX_H5P_BYTES:
        raise _too_large()
    if data.startswith(XLSX_SIGNATURE):
        raise H5PContentError(
            _("This is a zip file (perhaps a whole .h5p package). Upload the content.json inside it.")
        )
    return _json_object(data)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise H5PContentError(_("The package is protected by a password; such packages cannot be read."))
    with archive.open(info) as member:
        return member.read(limit + 1)


def h5p_package_load(*, file: BinaryIO) -> H5PUpload:
    """Read content/content.json (and h5p.json's title and main library) from an .h5p package."""
    try:
        with zipfile.ZipFile(file) as archive:
            data = _read_member(archive, "content/content.json", MAX_H5P_BYTES)
            h5p_json = _read_member(archive, "h5p.json", MAX_H5P_JSON_BYTES)
    except H5PContentError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise H5PContentError(
            _("The .h5p package is damaged and cannot be read. Export it from H5P again.")
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:
        raise H5PContentError(_("The .h5p package uses a compression that cannot be read.")) from exc
    if data is None:
        raise H5PContentError(_("The .h5p package has no content/content.json."))
    if len(data) > MAX_H5P_BYTES:
        raise _too_large()
    meta = {}
    if h5p_json is not None and len(h5p_json) <= MAX_H5P_JSON_BYTES:
        try:
            meta = _json_object(h5p_json)
        except H5PContentError:
            meta = {}
    main = meta.get("mainLibrary")
    if isinstance(main, str) and main not in ("H5P.QuestionSet", "H5P.MultiChoice", "H5P.TrueFalse"):
        raise H5PContentError(
            _(
                "This package is a “%(library)s” content: only a Question Set, a Multiple Choice or a "
                "True/False content can be imported into the question bank. Upload it as an H5P activity "
                "instead."
            )
            % {"library": main[:80]}
        )
    title = meta.get("title") if isinstance(meta.get("title"), str) else ""
    return H5PUpload(content=_json_object(data), data=data, title=" ".join(title.split())[:200])


def h5p_upload_load(*, file: BinaryIO | bytes) -> H5PUpload:
    """An uploaded content.json or .h5p package (told apart by the zip signature)."""
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(bytes(file))
    start = file.read(len(XLSX_SIGNATURE))
    file.seek(0)
    if start == XLSX_SIGNATURE:
        return h5p_package_load(file=file)
    data = upload_bytes(file, max_bytes=MAX_H5P_BYTES)
    if len(data) > MAX_H5P_BYTES:
        raise _too_large()
    return H5PUpload(content=_json_object(data), data=data)


# --- Questions -------------------------------------------------------------------------------------------


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _question_text(params: dict, reasons: list[str]) -> str:
    text = html_to_text(params.get("question"))
    if not text:
        reasons.append(_("the question text is missing"))
    elif len(text) > MAX_QUESTION_CHARS:
        reasons.append(_("the question text is too long"))
    return text


def _feedback_text(value) -> str:
    return html_to_text(value)[:MAX_EXPLANATION_CHARS] if isinstance(value, str) else ""


def _explanation_from_overall_feedback(feedback) -> str:
    """MultiChoice's overallFeedback is feedback by score range ("Wrong" for 0 %, "Correct!" for 100 %): it is
    an explanation for everyone only when one text covers every score (0–100), as our own export writes."""
    if not isinstance(feedback, list):
        return ""
    ranges = [f for f in feedback if isinstance(f, dict) and html_to_text(f.get("feedback"))]
    if len(ranges) != 1:
        return ""
    only = ranges[0]
    try:
        covers_all = int(only.get("from", 0)) <= 0 and int(only.get("to", 100)) >= 100
    except (TypeError, ValueError):
        return ""
    return _feedback_text(only.get("feedback")) if covers_all else ""


def _draft_from_multichoice(params: dict, reasons: list[str]) -> QuestionDraft | None:
    text = _question_text(params, reasons)
    raw_answers = params.get("answers")
    answers = []
    if isinstance(raw_answers, list):
        for raw in raw_answers:
            if not isinstance(raw, dict):
                reasons.append(_("an answer is not an object"))
                continue
            answer_text = html_to_text(raw.get("text"))
            if not answer_text:
                continue
            if len(answer_text) > MAX_ANSWER_CHARS:
                reasons.append(_("an answer is too long"))
            tips = raw.get("tipsAndFeedback") if isinstance(raw.get("tipsAndFeedback"), dict) else {}
            answers.append(
                AnswerDraft(
                    text=answer_text,
                    correct=_truthy(raw.get("correct")),
                    tip=_feedback_text(tips.get("tip")),
                    chosen_feedback=_feedback_text(tips.get("chosenFeedback")),
                    not_chosen_feedback=_feedback_text(tips.get("notChosenFeedback")),
                )
            )
    if len(answers) < 2:
        reasons.append(_("a multiple-choice question needs at least 2 answers"))
    elif len(answers) > MAX_CHOICES:
        reasons.append(_("more than %(max)d answers") % {"max": MAX_CHOICES})
    n_correct = sum(a.correct for a in answers)
    if answers and n_correct == 0:
        reasons.append(_("no answer is marked correct"))
    if reasons:
        return None
    behaviour = params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    multiple = behaviour.get("type") == "multi" or n_correct > 1
    return QuestionDraft(
        kind=Kind.MULTIPLE if multiple else Kind.SINGLE,
        text=text,
        answers=answers,
        partial_credit=multiple and not _truthy(behaviour.get("singlePoint", False)),
        explanation=_explanation_from_overall_feedback(params.get("overallFeedback")),
        answer_order=Question.AnswerOrder.RANDOM
        if _truthy(behaviour.get("randomAnswers"))
        else Question.AnswerOrder.AS_WRITTEN,
    )


def _draft_from_truefalse(params: dict, reasons: list[str]) -> QuestionDraft | None:
    text = _question_text(params, reasons)
    correct = params.get("correct")
    if isinstance(correct, bool):
        correct = "true" if correct else "false"
    if correct not in ("true", "false"):
        reasons.append(_('“correct” must be "true" or "false"'))
    if reasons:
        return None
    behaviour = params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    # Feedback on a right / a wrong answer is not an explanation for everyone: only one text given for both
    # (as our export writes) is.
    on_correct = _feedback_text(behaviour.get("feedbackOnCorrect"))
    on_wrong = _feedback_text(behaviour.get("feedbackOnWrong"))
    return QuestionDraft(
        kind=Kind.TRUE_FALSE,
        text=text,
        correct_is_true=correct == "true",
        explanation=on_correct if on_correct == on_wrong else "",
    )


READERS = {"H5P.MultiChoice": _draft_from_multichoice, "H5P.TrueFalse": _draft_from_truefalse}


def _item_title(item: dict) -> str:
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    title = metadata.get("title")
    return " ".join(html_to_text(title).split())[:120] if isinstance(title, str) else ""


def _question_set(content: dict, *, title: str) -> H5PRead:
    items = content["questions"]
    if not items:
        raise H5PContentError(_("The question set has no questions."))
    if len(items) > MAX_H5P_QUESTIONS:
        raise H5PContentError(
            _("The question set has more than %(max)d questions.") % {"max": MAX_H5P_QUESTIONS}
        )
    drafts, skipped = [], []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            skipped.append(SkippedItem(number, "?", "", [_("the item is not a JSON object")]))
            continue
        library = str(item.get("library") or "?")[:80]
        machine_name = library.split(" ", 1)[0]
        reasons: list[str] = []
        reader = READERS.get(machine_name)
        if reader is None:
            reasons.append(_("only Multiple Choice and True/False questions can be imported"))
        elif not isinstance(item.get("params"), dict):
            reasons.append(_("the item is malformed (no “params” object)"))
        else:
            draft = reader(item["params"], reasons)
            if draft is not None:
                drafts.append(draft)
                continue
        skipped.append(SkippedItem(number, library, _item_title(item), list(dict.fromkeys(reasons))))
    read = H5PRead(drafts=drafts, skipped=skipped, is_question_set=True)
    if not drafts:
        raise H5PContentError(
            [
                ngettext(
                    "Nothing can be imported: the question set's only question cannot be read as a "
                    "Multiple Choice or True/False question.",
                    "Nothing can be imported: none of the question set's %(count)d questions can be read "
                    "as a Multiple Choice or True/False question.",
                    len(items),
                )
                % {"count": len(items)},
                *read.skipped_summary,
            ]
        )
    intro = content.get("introPage") if isinstance(content.get("introPage"), dict) else {}
    read.title = (" ".join(html_to_text(intro.get("title")).split()) or title)[:200]
    read.description = html_to_text(intro.get("introduction"))[:MAX_EXPLANATION_CHARS]
    read.pass_mark = _percent(content.get("passPercentage"))
    read.pool_size = _positive(content.get("poolSize"))
    read.random_order = _truthy(content.get("randomQuestions"))
    return read


def _percent(value) -> int:
    try:
        number = round(float(value))
    except (TypeError, ValueError, OverflowError):
        return H5P_QUESTION_SET_PASS_DEFAULT
    return min(max(number, 0), 100)


def _positive(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number > 0 else None


def h5p_content_read(*, content, title: str = "") -> H5PRead:
    """The questions of an H5P QuestionSet, MultiChoice or TrueFalse content.json; raises H5PContentError.

    `title` (h5p.json's) names a Question Set that has no intro-page title."""
    if not isinstance(content, dict):
        raise H5PContentError(_("The content.json must hold a JSON object."))
    if isinstance(content.get("questions"), list):
        return _question_set(content, title=title)
    if isinstance(content.get("answers"), list):
        reader = _draft_from_multichoice
    elif isinstance(content.get("correct"), str | bool):
        reader = _draft_from_truefalse
    else:
        raise H5PContentError(
            _(
                "This content.json is not recognised: expected an H5P Question Set, Multiple Choice "
                "or True/False content."
            )
        )
    reasons: list[str] = []
    draft = reader(content, reasons)
    if draft is None:
        raise H5PContentError(
            [
                _("This question cannot be imported: %(reason)s.") % {"reason": r}
                for r in dict.fromkeys(reasons)
            ]
        )
    return H5PRead(drafts=[draft], title=title)


def h5p_content_parse(*, content) -> list[QuestionDraft]:
    """The question drafts `h5p_content_read` finds (skipped Question Set items left out)."""
    return h5p_content_read(content=content).drafts
