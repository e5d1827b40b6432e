"""Trainers' essay marking in the Wagtail admin: the queue of submitted attempts (Wagtail's generic index
view, with filters and pagination) and the marking page.

The viewset registers both under the `quiz_marking` namespace (wagtail_hooks.py), so Wagtail's admin login
and `wagtailadmin.access_admin` apply; both need `quiz.mark_attempt`, through Wagtail's model permission
policy for attempts (the "mark" action).
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column

from lms.admin_lists import ListIndexView, ListViewSet, NotedTitleColumn, TemplateColumn
from lms.validation import IdModelChoiceField

from . import selectors, services
from .models import Attempt, Quiz

MARK = "quiz.mark_attempt"
PER_PAGE = 25
QUEUE_PARAMETERS = ("quiz", "learner", "state", "p")
STATE_CHOICES = [
    ("awaiting", gettext_lazy("Awaiting marking")),
    ("marked", gettext_lazy("Marked")),
    ("all", gettext_lazy("All")),
]


def _check_permission(request) -> None:
    if not request.user.has_perm(MARK):
        raise PermissionDenied


def _points(value) -> str:
    """1.50 -> "1.5" ("1,5" in Vietnamese), 2.00 -> "2"."""
    return floatformat(value, "-2")


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


# --- The queue -----------------------------------------------------------------------------------------


class QuizChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdModelChoiceField


class MarkingFilterSet(WagtailFilterSet):
    quiz = QuizChoiceFilter(
        label=gettext_lazy("Quiz"),
        queryset=Quiz.objects.order_by("title"),
        empty_label=gettext_lazy("All quizzes"),
    )
    learner = django_filters.CharFilter(
        label=gettext_lazy("Learner"),
        max_length=150,
        method="filter_learner",
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name, username or email")}),
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("Show"),
        choices=STATE_CHOICES,
        empty_label=None,
        initial="awaiting",
        method="filter_state",
    )

    class Meta:
        model = Attempt
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("state") not in selectors.MARKING_STATES:
            data = data.copy()
            data["state"] = "awaiting"  # the queue's default, also for a state it does not know
        super().__init__(data, *args, **kwargs)

    def filter_learner(self, queryset, name, value):
        return selectors.attempts_of_learner(queryset, value)

    def filter_state(self, queryset, name, value):
        return selectors.attempts_in_marking_state(queryset, value)


def _submitted(attempt: Attempt) -> str:
    return date_format(localtime(attempt.submitted_at), "SHORT_DATETIME_FORMAT")


def _score(attempt: Attempt) -> str:
    return f"{_points(attempt.score)} / {_points(attempt.max_score)} ({_points(attempt.percent)}%)"


class MarkingQueueView(ListIndexView):
    any_permission_required = ["mark"]  # quiz.mark_attempt
    page_title = gettext_lazy("Essay marking")
    header_icon = "edit"
    paginate_by = PER_PAGE

    def get_base_queryset(self):
        return selectors.marking_queue(state="all")  # narrowed by the filters, "awaiting" by default

    def order_queryset(self, queryset):
        return queryset  # oldest submission first (the selector's order)

    def filter_queryset(self, queryset):
        if self.filters is None:
            return queryset
        self.filters.is_valid()  # a value a filter refuses (an unknown quiz) is left out; the rest apply
        return self.filters.filter_queryset(queryset)

    @cached_property
    def no_results_message(self):
        if self.request.GET.get("quiz") or self.request.GET.get("learner", "").strip() or self.is_filtering:
            return _("No attempts match these filters.")
        return _("No essays are waiting to be marked. Well done!")

    @cached_property
    def back_query(self) -> str:
        """The marking page's way back to this page of the queue, as filtered."""
        if not self.request.GET:
            return ""
        back = QueryDict(mutable=True)
        back["back"] = self.request.GET.urlencode()
        return f"?{back.urlencode()}"

    def _mark_url(self, attempt: Attempt) -> str:
        return reverse("quiz_marking:mark", args=[attempt.pk]) + self.back_query

    @cached_property
    def columns(self):
        return [
            NotedTitleColumn(
                "learner",
                label=_("Learner"),
                accessor=lambda attempt: attempt.user.get_full_name(),
                note=lambda attempt: attempt.user.username,
                get_url=self._mark_url,
            ),
            Column("quiz", label=_("Quiz"), accessor="quiz.title"),
            Column("number", label=_("Attempt")),
            Column("submitted_at", label=_("Submitted at"), accessor=_submitted),
            TemplateColumn(
                "unmarked_essays", label=_("Essays to mark"), template="quiz/admin/marking/essays_cell.html"
            ),
            Column("score", label=_("Current score"), accessor=_score),
        ]


class MarkingViewSet(ListViewSet):
    """The queue and the marking page; attempts are never added, edited or deleted here."""

    model = Attempt
    name = "quiz_marking"
    url_prefix = "marking"
    icon = "edit"
    index_view_class = MarkingQueueView
    filterset_class = MarkingFilterSet
    list_per_page = PER_PAGE

    def get_extra_urlpatterns(self):
        return [path("<id:attempt_id>/", mark, name="mark")]
