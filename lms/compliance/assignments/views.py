"""HR's mandatory-training pages in the Wagtail admin that change something: the assignment form with its
confirmation, exemptions and withdrawal (the lists are listing.py's).

The URLs (urls.py) are mounted by the viewset (listing.py), so Wagtail's admin login and
`wagtailadmin.access_admin` apply; every view also requires a scope (HR manager of some units, or
administrator) and reads only through it. Writes go through `services`; a `ComplianceError` is shown on the
form with its status, and nothing is written.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lms.people.permissions import require
from lms.people.scope import scope_for
from lms.validation import parse_id

from .. import rules, services
from ..models import Obligation
from ..selectors import obligations_visible
from . import selectors as queries
from .forms import AssignmentForm, ExemptForm

SAMPLE_SIZE = 10


def _require_manager(request):
    return require(request.user, "compliance.manage_assignments")


def _assignment_or_404(request, pk: int, *, managed: bool = False):
    """An assignment the viewer can see (or, with `managed`, may change); anything else answers 404."""
    visible = queries.assignments_managed if managed else queries.assignments_visible
    return get_object_or_404(
        visible(request.user).select_related(
            "course", "unit", "position", "user__official", "created_by", "withdrawn_by"
        ),
        pk=pk,
    )


def _obligation_or_404(request, obligation_id: int) -> Obligation:
    """A current obligation in the viewer's units (anything else answers 404)."""
    return get_object_or_404(
        obligations_visible(request.user).select_related("user__official", "unit", "course", "assignment"),
        pk=obligation_id,
    )


def _describe(assignment) -> dict:
    return {
        "target": queries.describe_target(assignment),
        "due": queries.describe_due(assignment),
        "validity": queries.describe_validity(assignment),
    }


def _form_page(request, form, *, status: int = 200):
    return TemplateResponse(
        request, "compliance/assignments/create.html", {"form": form, "step": "form"}, status=status
    )


def _check_target(request, form) -> int:
    """Scope and people count of the target before the confirmation; returns how many people it reaches.
    The service repeats every check when the assignment is created."""
    scope = scope_for(request.user)
    data = form.cleaned_data
    unit, person, position = data.get("unit"), data.get("person"), data.get("position")
    if person is not None and not scope.covers(person.unit):
        raise services.ComplianceError(_("This person is not in the units you manage."), status=403)
    if unit is not None and not scope.covers(unit):
        raise services.ComplianceError(_("This unit is not one of the units you manage."), status=403)
    count = rules.officials_reached(form.draft()).count()
    if not count:
        raise services.ComplianceError(
            _("Nobody is reached by this assignment: the unit has no active officials with this position.")
            if position is not None
            else _("Nobody is reached by this assignment: the unit has no active officials yet.")
        )
    return count


@require_http_methods(["GET", "POST"])
def create(request):
    """Form → confirmation with the number of people reached → creation (or the form again, with the
    refusal)."""
    _require_manager(request)
    if request.method == "GET":
        initial = {key: parse_id(request.GET.get(key, "")) for key in ("course", "unit", "position")}
        return _form_page(request, AssignmentForm(viewer=request.user, initial=initial))
    form = AssignmentForm(request.POST, viewer=request.user)
    if not form.is_valid() or "edit" in request.POST:
        return _form_page(request, form)
    try:
        count = _check_target(request, form)
    except services.ComplianceError as error:
        form.add_error(None, str(error.message))
        return _form_page(request, form, status=error.status)
    if "confirm" not in request.POST:
        draft = form.draft()
        sample = list(
            rules.officials_reached(draft)
            .select_related("user", "unit")
            .order_by("user__full_name")[:SAMPLE_SIZE]
        )
        return TemplateResponse(
            request,
            "compliance/assignments/create.html",
            {
                "form": form,
                "step": "confirm",
                "count": count,
                "sample": sample,
                "more": count - len(sample),
                "course": form.cleaned_data["course"],
                "person": form.cleaned_data.get("person"),
                "note": form.cleaned_data.get("note"),
                **_describe(draft),
            },
        )
    try:
        assignment = services.assignment_create(by=request.user, **form.service_arguments())
    except services.ComplianceError as error:
        form.add_error(None, str(error.message))
        return _form_page(request, form, status=error.status)
    reached = assignment.sources.count()
    messages.success(
        request,
        ngettext(
            "“%(course)s” is now mandatory for %(count)s person.",
            "“%(course)s” is now mandatory for %(count)s people.",
            reached,
        )
        % {"course": form.cleaned_data["course"].title, "count": reached},
    )
    return redirect("compliance_assignments:detail", pk=assignment.pk)


@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    _require_manager(request)
    assignment = _assignment_or_404(request, pk, managed=True)
    detail_url = reverse("compliance_assignments:detail", args=[assignment.pk])
    if assignment.withdrawn_at is not None:
        messages.info(request, _("This assignment has already been withdrawn."))
        return redirect(detail_url)
    status = 200
    if request.method == "POST":
        try:
            closed = services.assignment_withdraw(by=request.user, assignment=assignment)
        except services.ComplianceError as error:
            messages.error(request, str(error.message))
            status = error.status
        else:
            messages.success(
                request,
                ngettext(
                    "Assignment of “%(course)s” withdrawn: %(count)s person no longer has to take it.",
                    "Assignment of “%(course)s” withdrawn: %(count)s people no longer have to take it.",
                    closed,
                )
                % {"course": assignment.course.title, "count": closed},
            )
            return redirect("compliance_assignments:index")
    return TemplateResponse(
        request,
        "compliance/assignments/withdraw.html",
        {
            "assignment": assignment,
            "affected": assignment.sources.filter(
                closed_at__isnull=True, obligation__is_current=True
            ).count(),
            "detail_url": detail_url,
            **_describe(assignment),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def exempt(request, obligation_id: int):
    _require_manager(request)
    obligation = _obligation_or_404(request, obligation_id)
    detail_url = reverse("compliance_assignments:detail", args=[obligation.assignment_id])
    form = ExemptForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.obligation_exempt(
                by=request.user, obligation=obligation, reason=form.cleaned_data["reason"]
            )
        except services.ComplianceError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(
                request,
                _("%(person)s is exempt from “%(course)s”.")
                % {"person": obligation.user.get_full_name(), "course": obligation.course.title},
            )
            return redirect(detail_url)
    return TemplateResponse(
        request,
        "compliance/assignments/exempt.html",
        {"obligation": obligation, "form": form, "detail_url": detail_url},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def exemption_remove(request, obligation_id: int):
    _require_manager(request)
    obligation = _obligation_or_404(request, obligation_id)
    detail_url = reverse("compliance_assignments:detail", args=[obligation.assignment_id])
    status = 200
    if request.method == "POST":
        try:
            services.obligation_exemption_remove(by=request.user, obligation=obligation)
        except services.ComplianceError as error:
            messages.error(request, str(error.message))
            status = error.status
        else:
            messages.success(
                request,
                _("%(person)s must take “%(course)s” again; the exemption was removed.")
                % {"person": obligation.user.get_full_name(), "course": obligation.course.title},
            )
            return redirect(detail_url)
    return TemplateResponse(
        request,
        "compliance/assignments/exemption_remove.html",
        {"obligation": obligation, "detail_url": detail_url},
        status=status,
    )
