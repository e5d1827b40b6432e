"""Builders for quiz tests: real questions, quizzes and lessons holding them."""

import itertools
import json

from lms.quiz.models import Answer, Category, Question, Quiz, QuizQuestion

_counter = itertools.count(1)


def make_question(kind="single", *, category=None, points=1, text=None, **fields) -> Question:
    """single/multiple: answers A (correct), B, C (+ D correct for multiple); short: accepted "chữ ký số"."""
    number = next(_counter)
    question = Question.objects.create(
        kind=kind,
        category=category,
        points=points,
        text=text or f"Câu hỏi {number}?",
        explanation=f"GIAI-THICH-{number}",
        correct_is_true=True if kind == "true_false" else None,
        **fields,
    )
    if kind == "single":
        for position, (label, correct) in enumerate([("A", True), ("B", False), ("C", False)]):
            Answer.objects.create(
                question=question, text=f"Đáp án {label}", correct=correct, sort_order=position
            )
    elif kind == "multiple":
        for position, (label, correct) in enumerate([("A", True), ("B", False), ("C", False), ("D", True)]):
            Answer.objects.create(
                question=question, text=f"Đáp án {label}", correct=correct, sort_order=position
            )
    elif kind == "short":
        Answer.objects.create(question=question, text="Chữ ký số", correct=True)
    return question


def make_quiz(questions=(), **fields) -> Quiz:
    number = next(_counter)
    quiz = Quiz.objects.create(title=f"Bài kiểm tra {number}", slug=f"bai-kiem-tra-{number}", **fields)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    return quiz


def make_category(name=None) -> Category:
    return Category.objects.create(name=name or f"Danh mục {next(_counter)}")


def correct_response(question: Question):
    answers = list(question.answers.all())
    if question.kind == "single":
        return next(a.pk for a in answers if a.correct)
    if question.kind == "multiple":
        return [a.pk for a in answers if a.correct]
    if question.kind == "true_false":
        return "true" if question.correct_is_true else "false"
    if question.kind == "short":
        return answers[0].text
    return "Một câu trả lời tự luận."


def quiz_block(quiz: Quiz) -> str:
    return json.dumps([{"type": "quiz", "value": {"quiz": quiz.pk, "intro": ""}}])
