"""H5P Question Set content.json: a quiz exported for H5P, and H5P questions imported into the bank.

The export writes content.json only (no .h5p packaging): a quiz's fixed questions as H5P.MultiChoice and
H5P.TrueFalse, with each choice's tip and feedback. The import writes what h5p_read.py read from a Question
Set, a Multiple Choice or a True/False content into the bank, all or nothing, and can make a quiz of a whole
Question Set (its pass mark and pool size kept). The mapping is in docs/quiz-import.md.
"""

import unicodedata
import uuid
from dataclasses import dataclass
from html import escape

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms.text import strip_diacritics

from ..models import Category, Question, Quiz, QuizQuestion, SubCategory
from .columns import MAX_NAME_CHARS, Kind
from .drafts import category_cache, category_for, questions_create, reference_index_update
from .errors import H5PContentError
from .h5p_read import H5PRead, h5p_content_read
from .html_text import text_to_html

H5P_MULTICHOICE = "H5P.MultiChoice 1.16"
H5P_TRUEFALSE = "H5P.TrueFalse 1.8"


@dataclass(frozen=True)
class H5PExport:
    content: dict
    skipped_question_ids: list[int]
    exported_question_ids: list[int]


# --- Export ----------------------------------------------------------------------------------------------


def _html(text: str) -> str:
    """A feedback text as H5P HTML ("" stays "", as H5P's editor leaves an empty field)."""
    return text_to_html(text) if text else ""


def _multichoice_params(question: Question, *, random_answers: bool) -> dict:
    answers = sorted(question.answers.all(), key=lambda a: (a.sort_order or 0, a.pk))
    multi = question.kind == Kind.MULTIPLE
    return {
        "question": text_to_html(question.text),
        "answers": [
            {
                "text": f"<div>{escape(a.text)}</div>",
                "correct": bool(a.correct),
                "tipsAndFeedback": {
                    "tip": _html(a.tip),
                    "chosenFeedback": _html(a.chosen_feedback),
                    "notChosenFeedback": _html(a.not_chosen_feedback),
                },
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


def _category(category: Category | str) -> Category:
    if isinstance(category, str):
        name = unicodedata.normalize("NFC", category).strip()
        if not name or len(name) > MAX_NAME_CHARS:
            raise H5PContentError(
                _("Give the category a name of at most %(max)d characters.") % {"max": MAX_NAME_CHARS}
            )
        return category_for(name, category_cache())
    return category


def _write(read: H5PRead, *, category, sub_category) -> tuple[Category, list[Question]]:
    category = _category(category)
    if sub_category is not None and sub_category.category_id != category.pk:
        raise H5PContentError(_("The sub-category does not belong to the category."))
    return category, questions_create([(draft, category, sub_category) for draft in read.drafts])


def h5p_content_import(
    *, content, category: Category | str, sub_category: SubCategory | None = None
) -> list[Question]:
    """Write the questions of an H5P content.json into the bank, all or nothing.

    `category` is a Category, or the name of one (found case-insensitively or created). A Question Set's
    items of other types are skipped (h5p_content_read lists them)."""
    read = h5p_content_read(content=content)
    with transaction.atomic():
        return _write(read, category=category, sub_category=sub_category)[1]


def _unique_slug(title: str) -> str:
    base = slugify(strip_diacritics(title))[:190].strip("-") or "quiz-h5p"
    slug, number = base, 1
    while Quiz.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def h5p_quiz_import(
    *, content, category: Category | str, title: str = "", sub_category: SubCategory | None = None
) -> tuple[Quiz, list[Question]]:
    """Write a whole H5P Question Set into the bank and make a quiz of it, all or nothing.

    The quiz keeps the set's questions in order, its pass mark (`passPercentage`, H5P's default 50 when
    absent), pool size (`poolSize` → maximum questions, when smaller than the questions imported), random
    order, intro title and text. `title` is used when the set has no intro-page title."""
    read = h5p_content_read(content=content, title=title)
    if not read.is_question_set:
        raise H5PContentError(_("Only a whole Question Set can be imported as a quiz."))
    with transaction.atomic():
        category, questions = _write(read, category=category, sub_category=sub_category)
        quiz_title = read.title or title or _("Quiz imported from H5P")
        quiz = Quiz(
            title=quiz_title[:200],
            slug=_unique_slug(quiz_title),
            description=read.description,
            category=category,
            pass_mark=read.pass_mark,
            max_questions=read.quiz_pool_size,
            random_order=read.random_order,
        )
        quiz.full_clean()
        quiz.save()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=question, sort_order=index)
            for index, question in enumerate(questions)
        )
        transaction.on_commit(lambda: reference_index_update(Quiz, [quiz.pk]))
    return quiz, questions
