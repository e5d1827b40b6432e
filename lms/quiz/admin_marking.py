"""Trainers' essay marking in the Wagtail admin: the queue of submitted attempts and the marking page.

The URLs are registered through `register_admin_urls` (wagtail_hooks.py), so Wagtail's admin login and
`wagtailadmin.access_admin` apply; each view also checks `quiz.mark_attempt` itself.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from lms.validation import IdModelChoiceField

from . import selectors, services
from .models import Attempt, Quiz

PER_PAGE = 25
QUEUE_PARAMETERS = ("quiz", "learner", "state", "p")


def _check_permission(request) -> None:
    if not request.user.has_perm("quiz.mark_attempt"):
        raise PermissionDenied


def _points(value) -> str:
    """1.50 -> "1.5" ("1,5" in Vietnamese), 2.00 -> "2"."""
    return floatformat(value, "-2")


class QueueFilterForm(forms.Form):
    quiz = IdModelChoiceField(
        queryset=Quiz.objects.order_by("title"),
        required=False,
        label=gettext_lazy("Quiz"),
        empty_label=gettext_lazy("All quizzes"),
    )
    learner = forms.CharField(
        required=False,
        max_length=150,
        label=gettext_lazy("Learner"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name, username or email")}),
    )
    state = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Show"),
        choices=[
            ("awaiting", gettext_lazy("Awaiting marking")),
            ("marked", gettext_lazy("Marked")),
            ("all", gettext_lazy("All")),
        ],
    )


class MarkForm(forms.Form):
    """The mark of one essay answer. Range checks are the service's (AnswerRejected)."""

    score = forms.DecimalField(
        required=False,
        localize=True,  # "1,5" and "1.5" are both accepted
        max_digits=7,
        decimal_places=2,
        label=gettext_lazy("Score"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    comment = forms.CharField(
        required=False,
        label=gettext_lazy("Comment for the learner"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].help_text = _("From 0 to %(points)s points; decimals allowed.") % {
            "points": _points(points)
        }


def _queue_url(query: str = "") -> str:
    """The queue, keeping only its own filters from `query` (never a URL the browser chose)."""
    given = QueryDict(query or "")
    kept = QueryDict(mutable=True)
    for name in QUEUE_PARAMETERS:
        if given.get(name):
            kept[name] = given[name]
    url = reverse("quiz_marking:index")
    return f"{url}?{kept.urlencode()}" if kept else url


@require_GET
def queue(request):
    _check_permission(request)
    form = QueueFilterForm(request.GET)
    form.is_valid()
    filters = form.cleaned_data
    quiz = filters.get("quiz")
    learner_query = filters.get("learner") or ""
    state = filters.get("state") or "awaiting"
    attempts = selectors.marking_queue(
        quiz_id=quiz.pk if quiz else None, learner_query=learner_query, state=state
    )
    paginator = Paginator(attempts, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    back = QueryDict(mutable=True)
    back["back"] = request.GET.urlencode()
    return TemplateResponse(
        request,
        "quiz/admin/marking/queue.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "is_filtered": bool(quiz or learner_query.strip() or state != "awaiting"),
            "back_query": back.urlencode() if request.GET else "",
        },
    )


def _saved_message(attempt: Attempt, saved: int) -> str:
    learner = attempt.user.get_full_name()
    figures = {
        "score": _points(attempt.score),
        "max": _points(attempt.max_score),
        "percent": _points(attempt.percent),
    }
    done = ngettext(
        "%(count)d mark saved for %(learner)s.", "%(count)d marks saved for %(learner)s.", saved
    ) % {"count": saved, "learner": learner}
    if attempt.awaiting_marking:
        result = _("Score so far: %(score)s of %(max)s (%(percent)s%%); essays are still to be marked.")
    elif attempt.passed:
        result = _("Score: %(score)s of %(max)s (%(percent)s%%), passed.")
    else:
        result = _("Score: %(score)s of %(max)s (%(percent)s%%), not passed.")
    return f"{done} {result % figures}"


@require_http_methods(["GET", "POST"])
def mark(request, attempt_id: int):
    _check_permission(request)
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz", "user"), pk=attempt_id, state=Attempt.State.SUBMITTED
    )
    back_url = _queue_url(request.GET.get("back", ""))
    items = selectors.attempt_marking_items(attempt=attempt)
    data = request.POST if request.method == "POST" else None
    mark_forms = {
        item.answer.pk: MarkForm(
            data,
            prefix=f"answer-{item.answer.pk}",
            initial={"score": item.answer.score, "comment": item.answer.marker_comment},
            points=item.question.points,
        )
        for item in items
        if item.is_essay and item.answer is not None
    }

    if request.method == "POST":
        answers = {item.answer.pk: item.answer for item in items if item.answer is not None}
        saved = 0
        for answer_id, form in mark_forms.items():
            if not form.is_valid() or not form.has_changed():
                continue
            score = form.cleaned_data["score"]
            if score is None:
                form.add_error("score", _("Enter a score to save this mark."))
                continue
            try:
                attempt = services.answer_mark(
                    answer=answers[answer_id],
                    marker=request.user,
                    score=score,
                    comment=form.cleaned_data["comment"].strip(),
                )
            except services.AnswerRejected as error:
                form.add_error("score", str(error.message))
            except services.QuizError as error:
                form.add_error(None, str(error.message))
            else:
                saved += 1
        if not any(form.errors for form in mark_forms.values()):
            if saved:
                messages.success(request, _saved_message(attempt, saved))
            else:
                messages.info(request, _("No marks were changed."))
            return redirect(back_url)
        messages.error(request, _("Some marks could not be saved. Please correct the errors below."))
        if saved:
            messages.success(request, _saved_message(attempt, saved))
            attempt.refresh_from_db()
            items = selectors.attempt_marking_items(attempt=attempt)

    return TemplateResponse(
        request,
        "quiz/admin/marking/mark.html",
        {
            "attempt": attempt,
            "rows": [(item, mark_forms.get(item.answer.pk) if item.answer else None) for item in items],
            "back_url": back_url,
            "has_essays": bool(mark_forms),
        },
    )


urlpatterns = [
    path("", queue, name="index"),
    path("<id:attempt_id>/", mark, name="mark"),
]
