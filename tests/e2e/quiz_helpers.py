"""Answering a quiz in the browser the way a learner does, with the right answers taken from the bank."""

from lms.quiz.models import Attempt, Question
from tests.quiz_builders import correct_response


def answer_question(page, question: Question) -> None:
    raw = correct_response(question)
    form = page.locator(f"form.quiz-question:has(input[name=question][value='{question.pk}'])")
    if question.kind == "single":
        form.locator(f"input[name=choice][value='{raw}']").check()
    elif question.kind == "multiple":
        for choice in raw:
            form.locator(f"input[name=choices][value='{choice}']").check()
    elif question.kind == "true_false":
        form.locator(f"input[name=value][value='{raw}']").check()
    else:
        form.locator("[name=text]").fill(raw)
    form.locator("button[type=submit]").click()


def answer_all(page, attempt: Attempt, *, start: int = 0, stop: int | None = None) -> None:
    """Answer questions start..stop (0-based, stop excluded) one page at a time."""
    base = page.url.split("?")[0]
    numbered = list(enumerate(attempt.question_ids, start=1))[start:stop]
    for number, question_id in numbered:
        page.goto(f"{base}?cau={number}")
        answer_question(page, Question.objects.get(pk=question_id))
        page.wait_for_selector(f".quiz-nav a.is-answered[href='?cau={number}']")


def submit(page) -> None:
    """ "Nộp bài" on the review screen (one question per page: reached from the questions' menu)."""
    if not page.get_by_role("button", name="Nộp bài").count():
        page.locator(".quiz-nav").get_by_role("link", name="Xem lại và nộp bài").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài").click()
