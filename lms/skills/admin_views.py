"""Admin pages of the skills app beyond Wagtail's generic ones: import and export of frameworks, and
archiving a competence (a competence is never deleted)."""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.people.permissions import permission_required

from .forms import FrameworkImportForm
from .interchange import MAX_ROWS, framework_csv_lines, framework_json, framework_parse
from .models import Competency, Framework
from .services import competency_archive, competency_restore, framework_import

MANAGE = "skills.manage_frameworks"


def _filename(framework: Framework, extension: str) -> str:
    return f"khung-nang-luc-{slugify(framework.id_number) or framework.pk}.{extension}"


@permission_required(MANAGE, units=False)
def import_view(request):
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = framework_parse(upload, filename=upload.name)
        if data.ok:
            framework = framework_import(data=data)
            messages.success(
                request,
                _("Framework “%(name)s” imported: %(count)d competences, a scale of %(levels)d levels.")
                % {"name": framework.short_name, "count": len(data.competencies), "levels": len(data.levels)},
            )
            return redirect(reverse("wagtailsnippets_skills_competency:list") + f"?framework={framework.pk}")
        errors = data.errors
    return render(
        request,
        "skills/admin/import.html",
        {"form": form, "errors": errors, "max_rows": MAX_ROWS},
        status=400 if errors else 200,
    )


@permission_required(MANAGE, units=False)
def export_csv_view(request, pk):
    framework = get_object_or_404(Framework, pk=pk)
    response = StreamingHttpResponse(framework_csv_lines(framework), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(framework, "csv"))
    return response


@permission_required(MANAGE, units=False)
def export_json_view(request, pk):
    framework = get_object_or_404(Framework, pk=pk)
    body = json.dumps(framework_json(framework), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(framework, "json"))
    return response


@permission_required(MANAGE, units=False)
def archive_view(request, pk):
    competency = get_object_or_404(Competency.objects.select_related("framework"), pk=pk)
    restoring = competency.is_archived
    if request.method == "POST":
        if restoring:
            competency_restore(competency=competency)
            messages.success(request, _("“%(name)s” is in use again.") % {"name": competency})
        else:
            count = competency_archive(competency=competency)
            messages.success(
                request, _("Archived %(count)d competences (this one and those below it).") % {"count": count}
            )
        return redirect(
            reverse("wagtailsnippets_skills_competency:list") + f"?framework={competency.framework_id}"
        )
    return render(
        request,
        "skills/admin/archive_confirm.html",
        {
            "competency": competency,
            "restoring": restoring,
            "below": competency.children.filter(archived_at__isnull=True).count(),
        },
    )


urlpatterns = [
    path("import/", import_view, name="import"),
    path("<id:pk>/export.csv", export_csv_view, name="export_csv"),
    path("<id:pk>/export.json", export_json_view, name="export_json"),
    path("competence/<id:pk>/archive/", archive_view, name="archive"),
]
