"""H5P Question Set content.json: a quiz exported for H5P, and H5P questions imported into the bank.

Only content.json is handled (no .h5p packaging). The export maps a quiz's fixed questions to H5P.MultiChoice
and H5P.TrueFalse; the import reads a Question Set, a Multiple Choice or a True/False content, refuses it
whole with every problem listed, or writes all its questions. The mapping is in docs/quiz-import.md.
"""

import json
import unicodedata
import uuid
from dataclasses import dataclass
from html import escape
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX_SIGNATURE, upload_bytes

from ..models import Category, Question, Quiz, SubCategory
from .columns import (
    MAX_ANSWER_CHARS,
    MAX_CHOICES,
    MAX_EXPLANATION_CHARS,
    MAX_NAME_CHARS,
    MAX_QUESTION_CHARS,
    Kind,
)
from .drafts import AnswerDraft, QuestionDraft, category_cache, category_for, questions_create
from .errors import H5PContentError
from .html_text import html_to_text, text_to_html

MAX_H5P_BYTES = 2 * 1024 * 1024
MAX_H5P_QUESTIONS = 500

H5P_MULTICHOICE = "H5P.MultiChoice 1.16"
H5P_TRUEFALSE = "H5P.TrueFalse 1.8"


@dataclass(frozen=True)
class H5PExport:
    content: dict
    skipped_question_ids: list[int]
    exported_question_ids: list[int]


# --- Export ----------------------------------------------------------------------------------------------


def _multichoice_params(question: Question, *, random_answers: bool) -> dict:
    answers = sorted(question.answers.all(), key=lambda a: (a.sort_order or 0, a.pk))
    multi = question.kind == Kind.MULTIPLE
    return {
        "question": text_to_html(question.text),
        "answers": [
            {
                "text": f"<div>{escape(a.text)}</div>",
                "correct": bool(a.correct),
                "tipsAndFeedback": {"tip": "", "chosenFeedback": "", "notChosenFeedback": ""},
            }
            for a in answers
        ],
        "overallFeedback": [{"from": 0, "to": 100, "feedback": escape(question.explanation)}],
        "behaviour": {
            "enableRetry": True,
            "enableSolutionsButton": True,
            "enableCheckButton": True,
            "type": "multi" if multi else "single",
            "singlePoint": multi and not question.partial_credit,
            "randomAnswers": random_answers,
            "showSolutionsRequiresInput": True,
            "confirmCheckDialog": False,
            "confirmRetryDialog": False,
            "autoCheck": False,
            "passPercentage": 100,
            "showScorePoints": True,
        },
    }


def _truefalse_params(question: Question) -> dict:
    return {
        "question": text_to_html(question.text),
        "correct": "true" if question.correct_is_true else "false",
        "behaviour": {
            "enableRetry": True,
            "enableSolutionsButton": True,
            "enableCheckButton": True,
            "confirmCheckDialog": False,
            "confirmRetryDialog": False,
            "autoCheck": False,
            "feedbackOnCorrect": escape(question.explanation),
            "feedbackOnWrong": escape(question.explanation),
        },
    }


def quiz_to_h5p_question_set(*, quiz: Quiz) -> H5PExport:
    """The quiz's fixed questions as an H5P.QuestionSet content.json.

    Short-answer and essay questions have no equivalent in H5P.MultiChoice / H5P.TrueFalse: they are left
    out and listed in `skipped_question_ids`. Random draws are not exported (H5P has no shared bank).
    """
    links = quiz.quiz_questions.select_related("question").prefetch_related("question__answers")
    items, skipped, exported = [], [], []
    for link in links.order_by("sort_order", "pk"):
        question = link.question
        random_answers = quiz.random_answer_order or question.answer_order == Question.AnswerOrder.RANDOM
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            library, params, content_type = (
                H5P_MULTICHOICE,
                _multichoice_params(question, random_answers=random_answers),
                "Multiple Choice",
            )
        elif question.kind == Kind.TRUE_FALSE:
            library, params, content_type = H5P_TRUEFALSE, _truefalse_params(question), "True/False Question"
        else:
            skipped.append(question.pk)
            continue
        exported.append(question.pk)
        items.append(
            {
                "library": library,
                "params": params,
                "subContentId": str(uuid.uuid4()),
                "metadata": {
                    "contentType": content_type,
                    "license": "U",
                    "title": " ".join(question.text.split())[:255],
                },
            }
        )
    content = {
        "introPage": {
            "showIntroPage": bool(quiz.description),
            "title": escape(quiz.title),
            "introduction": text_to_html(quiz.description) if quiz.description else "",
            "startButtonText": _("Start"),
        },
        "progressType": "dots",
        "passPercentage": quiz.pass_mark,
        "questions": items,
        "disableBackwardsNavigation": False,
        "randomQuestions": quiz.random_order,
        "endGame": {
            "showResultPage": True,
            "showSolutionButton": quiz.review >= Quiz.Review.CORRECT,
            "showRetryButton": quiz.max_attempts != 1,
            "noResultMessage": _("Finished"),
            "message": _("Your result:"),
            "overallFeedback": [{"from": 0, "to": 100}],
            "solutionButtonText": _("Show solution"),
            "retryButtonText": _("Retry"),
            "finishButtonText": _("Finish"),
            "showAnimations": False,
            "skippable": False,
        },
        "override": {"checkButton": not quiz.answers_at_end},
        "texts": {
            "prevButton": _("Previous question"),
            "nextButton": _("Next question"),
            "finishButton": _("Finish"),
            # Translators: keep @current and @total as they are (H5P replaces them).
            "textualProgress": _("Question: @current of @total questions"),
        },
    }
    if quiz.max_questions:
        content["poolSize"] = quiz.max_questions
    return H5PExport(content=content, skipped_question_ids=skipped, exported_question_ids=exported)


# --- Import ----------------------------------------------------------------------------------------------


def h5p_content_load(*, file: BinaryIO | bytes) -> dict:
    """Read an uploaded content.json (UTF-8, at most MAX_H5P_BYTES)."""
    data = upload_bytes(file, max_bytes=MAX_H5P_BYTES)
    if len(data) > MAX_H5P_BYTES:
        raise H5PContentError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_H5P_BYTES // (1024 * 1024)}
        )
    if data.startswith(XLSX_SIGNATURE):
        raise H5PContentError(
            _("This is a zip file (perhaps a whole .h5p package). Upload the content.json inside it.")
        )
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise H5PContentError(
            _("This file is not valid JSON: upload the content.json of an H5P content.")
        ) from None
    if not isinstance(content, dict):
        raise H5PContentError(_("The content.json must hold a JSON object."))
    return content


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _draft_from_multichoice(params: dict, label: str, errors: list[str]) -> QuestionDraft | None:
    text = html_to_text(params.get("question"))
    count = len(errors)
    if not text:
        errors.append(_("%(item)s: the question text is missing.") % {"item": label})
    elif len(text) > MAX_QUESTION_CHARS:
        errors.append(_("%(item)s: the question text is too long.") % {"item": label})
    raw_answers = params.get("answers")
    answers = []
    if isinstance(raw_answers, list):
        for raw in raw_answers:
            if not isinstance(raw, dict):
                errors.append(_("%(item)s: an answer is not an object.") % {"item": label})
                continue
            answer_text = html_to_text(raw.get("text"))
            if not answer_text:
                continue
            if len(answer_text) > MAX_ANSWER_CHARS:
                errors.append(_("%(item)s: an answer is too long.") % {"item": label})
            answers.append(AnswerDraft(text=answer_text, correct=_truthy(raw.get("correct"))))
    if len(answers) < 2:
        errors.append(_("%(item)s: a multiple-choice question needs at least 2 answers.") % {"item": label})
    elif len(answers) > MAX_CHOICES:
        errors.append(_("%(item)s: more than %(max)d answers.") % {"item": label, "max": MAX_CHOICES})
    n_correct = sum(a.correct for a in answers)
    if answers and n_correct == 0:
        errors.append(_("%(item)s: no answer is marked correct.") % {"item": label})
    if len(errors) > count:
        return None
    behaviour = params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    multiple = behaviour.get("type") == "multi" or n_correct > 1
    feedback = params.get("overallFeedback")
    explanation = ""
    if isinstance(feedback, list):
        explanation = next(
            (html_to_text(f.get("feedback")) for f in feedback if isinstance(f, dict) and f.get("feedback")),
            "",
        )
    return QuestionDraft(
        kind=Kind.MULTIPLE if multiple else Kind.SINGLE,
        text=text,
        answers=answers,
        partial_credit=multiple and not _truthy(behaviour.get("singlePoint", False)),
        explanation=explanation[:MAX_EXPLANATION_CHARS],
        answer_order=Question.AnswerOrder.RANDOM
        if _truthy(behaviour.get("randomAnswers"))
        else Question.AnswerOrder.AS_WRITTEN,
    )


def _draft_from_truefalse(params: dict, label: str, errors: list[str]) -> QuestionDraft | None:
    text = html_to_text(params.get("question"))
    count = len(errors)
    if not text:
        errors.append(_("%(item)s: the question text is missing.") % {"item": label})
    elif len(text) > MAX_QUESTION_CHARS:
        errors.append(_("%(item)s: the question text is too long.") % {"item": label})
    correct = params.get("correct")
    if isinstance(correct, bool):
        correct = "true" if correct else "false"
    if correct not in ("true", "false"):
        errors.append(_('%(item)s: “correct” must be "true" or "false".') % {"item": label})
    if len(errors) > count:
        return None
    behaviour = params.get("behaviour") if isinstance(params.get("behaviour"), dict) else {}
    explanation = html_to_text(behaviour.get("feedbackOnCorrect")) or html_to_text(
        behaviour.get("feedbackOnWrong")
    )
    return QuestionDraft(
        kind=Kind.TRUE_FALSE,
        text=text,
        correct_is_true=correct == "true",
        explanation=explanation[:MAX_EXPLANATION_CHARS],
    )


def h5p_content_parse(*, content) -> list[QuestionDraft]:
    """Questions of an H5P QuestionSet, MultiChoice or TrueFalse content.json; raises H5PContentError."""
    if not isinstance(content, dict):
        raise H5PContentError(_("The content.json must hold a JSON object."))
    errors: list[str] = []
    drafts: list[QuestionDraft | None] = []
    if isinstance(content.get("questions"), list):
        items = content["questions"]
        if not items:
            raise H5PContentError(_("The question set has no questions."))
        if len(items) > MAX_H5P_QUESTIONS:
            raise H5PContentError(
                _("The question set has more than %(max)d questions.") % {"max": MAX_H5P_QUESTIONS}
            )
        for number, item in enumerate(items, start=1):
            label = _("Question %(number)d") % {"number": number}
            if not isinstance(item, dict) or not isinstance(item.get("params"), dict):
                errors.append(_("%(item)s is malformed (no “params” object).") % {"item": label})
                continue
            library = item.get("library")
            machine_name = library.split(" ", 1)[0] if isinstance(library, str) else ""
            if machine_name == "H5P.MultiChoice":
                drafts.append(_draft_from_multichoice(item["params"], label, errors))
            elif machine_name == "H5P.TrueFalse":
                drafts.append(_draft_from_truefalse(item["params"], label, errors))
            else:
                errors.append(
                    _("%(item)s uses “%(library)s”: only H5P.MultiChoice and H5P.TrueFalse can be imported.")
                    % {"item": label, "library": str(library or "?")[:80]}
                )
    elif isinstance(content.get("answers"), list):
        drafts.append(_draft_from_multichoice(content, _("The question"), errors))
    elif isinstance(content.get("correct"), str):
        drafts.append(_draft_from_truefalse(content, _("The question"), errors))
    else:
        raise H5PContentError(
            _(
                "This content.json is not recognised: expected an H5P Question Set, Multiple Choice "
                "or True/False content."
            )
        )
    if errors:
        raise H5PContentError(errors)
    return [d for d in drafts if d is not None]


def h5p_content_import(
    *, content, category: Category | str, sub_category: SubCategory | None = None
) -> list[Question]:
    """Write the questions of an H5P content.json into the bank, all or nothing.

    `category` is a Category, or the name of one (found case-insensitively or created).
    """
    drafts = h5p_content_parse(content=content)
    with transaction.atomic():
        if isinstance(category, str):
            name = unicodedata.normalize("NFC", category).strip()
            if not name or len(name) > MAX_NAME_CHARS:
                raise H5PContentError(
                    _("Give the category a name of at most %(max)d characters.") % {"max": MAX_NAME_CHARS}
                )
            category = category_for(name, category_cache())
        if sub_category is not None and sub_category.category_id != category.pk:
            raise H5PContentError(_("The sub-category does not belong to the category."))
        return questions_create([(draft, category, sub_category) for draft in drafts])
