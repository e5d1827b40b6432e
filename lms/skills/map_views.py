"""The HR skills map in the Wagtail admin: units × competences, a cell's people with their evidence, the
export, suggested courses for the biggest gaps, and a rating with a note.

Every view needs `skills.view_skills_map` and a unit in scope (`lms.people.permissions.require`); units and
people outside the viewer's scope are a 404, like everywhere in HR.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.compliance.reports.exports import csv_response, xlsx_response
from lms.compliance.reports.selectors import unit_in_scope, unit_trail
from lms.http import problem
from lms.people.permissions import require
from lms.people.scope import officials_visible
from lms.validation import IdField

from .forms import RatingForm
from .models import Competency, ScaleLevel
from .selectors import (
    cell_people,
    cell_person,
    gap_suggestions,
    level_names,
    positions_for_choice,
    skills_map,
)
from .services import rating_create

VIEW_MAP = "skills.view_skills_map"
RATE = "skills.rate_people"
PER_PAGE = 50


class MapFilters(forms.Form):
    unit = IdField(required=False)
    position = IdField(required=False)


def _filters(request):
    form = MapFilters(request.GET)
    if not form.is_valid():
        raise Http404
    unit = None
    if form.cleaned_data["unit"]:
        unit = unit_in_scope(viewer=request.user, unit_id=form.cleaned_data["unit"])
        if unit is None:
            raise Http404
    return unit, form.cleaned_data["position"]


def _query(unit, position_id, **extra) -> str:
    params = {
        k: v for k, v in {"unit": unit.pk if unit else None, "position": position_id, **extra}.items() if v
    }
    return f"?{urlencode(params)}" if params else ""


def map_view(request):
    require(request.user, VIEW_MAP)
    unit, position_id = _filters(request)
    skills = skills_map(viewer=request.user, unit=unit, position_id=position_id)
    return render(
        request,
        "skills/admin/map.html",
        {
            "unit": unit,
            "trail": unit_trail(viewer=request.user, unit=unit) if unit else [],
            "position_id": position_id,
            "positions": positions_for_choice(),
            "skills": skills,
            "suggestions": gap_suggestions(skills=skills),
            "query": _query(unit, position_id),
            "may_assign": request.user.has_perm("compliance.manage_assignments"),
        },
    )


def cell_view(request, competency_id):
    require(request.user, VIEW_MAP)
    unit, position_id = _filters(request)
    competency = get_object_or_404(Competency.objects.active().select_related("framework"), pk=competency_id)
    people = Paginator(
        cell_people(viewer=request.user, unit=unit, competency=competency, position_id=position_id), PER_PAGE
    ).get_page(request.GET.get("p"))
    names = level_names()
    return render(
        request,
        "skills/admin/cell.html",
        {
            "unit": unit,
            "competency": competency,
            "page_obj": people,
            "people": [cell_person(official, competency=competency, names=names) for official in people],
            "back_url": reverse("skills_map:map") + _query(unit, position_id),
            "query": _query(unit, position_id),
            "may_rate": request.user.has_perm(RATE),
        },
    )


def _export_rows(skills):
    for row in [skills.total, *skills.rows]:
        cells = []
        for competency in skills.competencies:
            cell = row.cells.get(competency.pk)
            cells += [cell.reached if cell else 0, cell.expected if cell else 0]
        yield [row.unit.name if row.unit else _("Whole scope"), row.unit.code if row.unit else "", *cells]


def export_view(request, fmt):
    require(request.user, VIEW_MAP)
    unit, position_id = _filters(request)
    skills = skills_map(viewer=request.user, unit=unit, position_id=position_id)
    headers = [_("Unit"), _("Code")]
    for competency in skills.competencies:
        headers += [
            _("%(competence)s: at the expected level") % {"competence": competency.id_number},
            _("%(competence)s: expected") % {"competence": competency.id_number},
        ]
    filename = f"ban-do-ky-nang.{fmt}"
    if fmt == "csv":
        return csv_response(headers=headers, rows=_export_rows(skills), filename=filename)
    return xlsx_response(
        headers=headers, rows=_export_rows(skills), filename=filename, sheet_title=_("Skills map")
    )


def rate_view(request, user_id, competency_id):
    require(request.user, RATE)
    require(request.user, VIEW_MAP)
    official = officials_visible(request.user).filter(user_id=user_id).select_related("user", "unit").first()
    if official is None:
        raise Http404
    if official.user_id == request.user.pk:
        return problem(
            request,
            title=_("You cannot rate yourself"),
            message=_("Ask another HR officer or a trainer to rate your own skills."),
            status=403,
            back_url=reverse("skills_map:map"),
        )
    competency = get_object_or_404(Competency.objects.active().select_related("framework"), pk=competency_id)
    levels = list(ScaleLevel.objects.filter(framework_id=competency.framework_id))
    back = request.GET.get("back", "")
    back = back if back.startswith("?") else ""  # the cell's own filters, never another address
    form = RatingForm(request.POST or None, levels=levels)
    if request.method == "POST" and form.is_valid():
        rating_create(
            user=official.user,
            unit=official.unit,
            competency=competency,
            level=form.cleaned_data["level"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("Rating of %(name)s saved.") % {"name": official.user.get_full_name()})
        return redirect(reverse("skills_map:cell", args=[competency.pk]) + back)
    return render(
        request,
        "skills/admin/rate.html",
        {
            "form": form,
            "person": official.user,
            "competency": competency,
            "cancel_url": reverse("skills_map:cell", args=[competency.pk]) + back,
        },
    )


urlpatterns = [
    path("", map_view, name="map"),
    path("nang-luc/<id:competency_id>/", cell_view, name="cell"),
    path("xuat.csv", export_view, {"fmt": "csv"}, name="export_csv"),
    path("xuat.xlsx", export_view, {"fmt": "xlsx"}, name="export_xlsx"),
    path("danh-gia/<id:user_id>/<id:competency_id>/", rate_view, name="rate"),
]
