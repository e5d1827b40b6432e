"""HR's training reports in the Wagtail admin (/admin/bao-cao/): the dashboard of a unit with drill-down,
the overdue list, exports, a person's page and their training record as PDF; and the official's own record.

The admin URLs (urls.py) are registered through `register_admin_urls` (wagtail_hooks.py), so Wagtail's
login and `wagtailadmin.access_admin` apply first. Each view then checks the viewer's scope itself: someone
who manages no unit is refused (PermissionDenied), a unit or person outside the scope answers 404. The filters
travel in the query string and are read again on the server for the page, its links and its exports.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lms import dates
from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.http import private_no_store, problem
from lms.people.permissions import require
from lms.people.scope import scope_roots
from lms.validation import DateField, IdChoiceField

from ..status import LATE, Status
from . import actions, charts, exports, record
from . import overdue as late_list
from . import selectors as reports
from .dashboard import dashboard_figures
from .selectors import ReportFilters

FILTER_PARAMETERS = ("course", "status", "due_from", "due_to", "year")
EXPORT_FILTERS = ("course", "status", "due_from", "due_to")  # what an export is filtered by
HOURS_YEARS = 10  # the year filter offers the current year and the nine before it
COLUMN_WIDTHS = (28, 14, 12, 28, 22, 36, 16, 12, 12, 28, 14)
STATUS_CLASSES = {
    Status.NOT_STARTED: "sw-status--todo",
    Status.IN_PROGRESS: "sw-status--progress",
    Status.COMPLETED: "sw-status--done",
    Status.OVERDUE: "sw-status--late",
    Status.EXPIRED: "sw-status--late",
    Status.EXEMPT: "sw-status--exempt",
}


class ReportFilterForm(forms.Form):
    unit = IdChoiceField(label=gettext_lazy("Unit"))
    course = IdChoiceField(label=gettext_lazy("Course"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    due_from = DateField(label=gettext_lazy("Due from"), required=False)
    due_to = DateField(label=gettext_lazy("Due to"), required=False)

    year = forms.TypedChoiceField(
        label=gettext_lazy("Training hours in"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, units, courses, with_status: bool = True, with_year: bool = True):
        super().__init__(data)
        self.current_year = reports.current_year()
        self.fields["year"].choices = [
            (year, str(year)) for year in range(self.current_year, self.current_year - HOURS_YEARS, -1)
        ]
        if not with_year:  # a page without hours keeps the year for its links, out of sight
            self.fields["year"].widget = forms.HiddenInput()
        depth = min((u.depth for u in units), default=1)
        self.fields["unit"].choices = [("", _("All my units"))] + [
            (u.pk, "\u2003" * (u.depth - depth) + u.name) for u in units
        ]
        self.fields["course"].choices = [("", _("All courses"))] + [(c.pk, c.title) for c in courses]
        if with_status:
            self.fields["status"].choices = [("", _("All statuses")), *reports.STATUS_FILTER_CHOICES]
        else:
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and start > end:
            self.add_error("due_to", _("The end of the period must not be before its start."))
        return cleaned

    def filters(self) -> ReportFilters:
        """The valid filters; an invalid field is ignored (its error is shown next to it)."""
        self.is_valid()
        data = self.cleaned_data
        errors = self.errors
        return ReportFilters(
            course_id=data.get("course") if "course" not in errors else None,
            status=(data.get("status") or None) if "status" not in errors else None,
            due_from=data.get("due_from") if "due_from" not in errors and "due_to" not in errors else None,
            due_to=data.get("due_to") if "due_to" not in errors else None,
        )

    def hours_year(self) -> int:
        """The year of the training hours shown: the one chosen, else the current year in Ho Chi Minh City."""
        self.is_valid()
        return (self.cleaned_data.get("year") if "year" not in self.errors else None) or self.current_year


def _require_reports(request) -> None:
    require(request.user, "compliance.view_reports")


def _unit_or_404(request, unit_id: int | None):
    if unit_id is None:
        return None
    unit = reports.unit_in_scope(viewer=request.user, unit_id=unit_id)
    if unit is None:
        raise Http404(_("This unit does not exist or is not one of the units you manage."))
    return unit


def _filter_query(request) -> str:
    """The filters of this request as a query string, to carry them across drill-down and exports."""
    kept = QueryDict(mutable=True)
    for name in FILTER_PARAMETERS:
        value = request.GET.get(name, "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def unit_url(unit, name: str = "unit") -> str:
    if unit is None:
        return reverse(f"compliance_reports:{'index' if name == 'unit' else name + '_all'}")
    return reverse(f"compliance_reports:{name}", args=[unit.pk])


def _form(request, unit, *, with_status: bool = True, with_year: bool = True) -> ReportFilterForm:
    data = request.GET.copy()
    data.setdefault("unit", str(unit.pk) if unit else "")  # the page's unit, unless another was chosen
    if with_year:
        data.setdefault("year", str(reports.current_year()))  # shown as chosen; the address stays without it
    return ReportFilterForm(
        data,
        units=list(reports.units_for_choice(viewer=request.user)),
        courses=list(reports.courses_for_choice()),
        with_status=with_status,
        with_year=with_year,
    )


def _unit_switch(request, form: ReportFilterForm, unit, view_name: str):
    """The unit filter moves to that unit's page (the unit is part of the address), keeping the filters."""
    if "unit" not in request.GET or "unit" in form.errors:
        return None
    chosen = form.cleaned_data.get("unit")
    if chosen == (unit.pk if unit else None):
        return None
    target = reports.unit_in_scope(viewer=request.user, unit_id=chosen) if chosen else None
    return redirect(_with_query(unit_url(target, view_name), _filter_query(request)))


def _table_rows(page) -> list[dict]:
    rows = []
    for row in page.object_list:
        status = row["status"]
        rows.append(
            {
                **row,
                "name": reports.display_name(row),
                "status_label": Status(status).label if status else "",
                "status_class": STATUS_CLASSES.get(status, ""),
                "due_day": dates.local_date(row["due_at"]),
                "completed_day": dates.local_date(row["completed_at"]),
            }
        )
    return rows


def _figures(figures) -> dict:
    return {
        "unit": figures.unit,
        "total": figures.total,
        "completed": figures.completed,
        "percent": figures.percent,
        "late": figures.late,
        "exempt": figures.counts.get(Status.EXEMPT, 0),
    }


def _single_root(request):
    roots = list(scope_roots(request.user).only("pk")[:2])
    return roots[0] if len(roots) == 1 else None


def _base_context(request, unit, form, filters) -> dict:
    query = _filter_query(request)
    return {
        "unit": unit,
        "trail": reports.unit_trail(viewer=request.user, unit=unit) if unit else [],
        "several_roots": unit is None or _single_root(request) is None,
        "form": form,
        "filters": filters,
        "is_filtered": not filters.is_empty,
        "filter_query": query,
        "dashboard_url": _with_query(unit_url(unit), query),
        "overdue_url": _with_query(unit_url(unit, "overdue"), query),
        "csv_url": _with_query(unit_url(unit, "export_csv"), query),
        "csv_excel_url": _with_query(unit_url(unit, "export_csv_excel"), query),
        "xlsx_url": _with_query(unit_url(unit, "export_xlsx"), query),
        "index_url": _with_query(reverse("compliance_reports:index"), query),
    }


@require_GET
def dashboard(request, unit_id: int | None = None):
    _require_reports(request)
    unit = _unit_or_404(request, unit_id)
    if unit is None:
        root = _single_root(request)
        if root is not None:
            return redirect(_with_query(unit_url(root), request.GET.urlencode()))
    form = _form(request, unit)
    switch = _unit_switch(request, form, unit, "unit")
    if switch is not None:
        return switch
    filters = form.filters()
    now = timezone.now()
    year = form.hours_year()
    shown = dashboard_figures(viewer=request.user, unit=unit, year=year, filters=filters, now=now)
    top, children, months, hours = shown.top, shown.children, shown.months, shown.hours
    page = reports.people_page(
        viewer=request.user,
        unit=unit,
        filters=filters,
        page_number=request.GET.get("p"),
        now=now,
        count=shown.people_count,
    )
    context = _base_context(request, unit, form, filters)
    query = context["filter_query"]
    context.update(
        {
            "top": _figures(top),
            "as_of": shown.as_of,
            "hours_year": year,
            "hours_total": hours.total,
            "children": [
                {
                    "figures": _figures(child),
                    "hours": hours.by_unit.get(child.unit.pk, reports.NO_HOURS),
                    "url": _with_query(unit_url(child.unit), query),
                    "overdue_url": _with_query(unit_url(child.unit, "overdue"), query),
                }
                for child in children
            ],
            "bar_chart": charts.bar_chart(children),
            "months": months,
            "line_chart": charts.line_chart(months),
            "page": page,
            "rows": _table_rows(page),
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
        }
    )
    return TemplateResponse(request, "compliance/dashboard.html", context)


@require_GET
def overdue(request, unit_id: int | None = None):
    _require_reports(request)
    unit = _unit_or_404(request, unit_id)
    form = _form(request, unit, with_status=False, with_year=False)
    switch = _unit_switch(request, form, unit, "overdue")
    if switch is not None:
        return switch
    filters = form.filters()
    now = timezone.now()
    page = reports.overdue_page(
        viewer=request.user, unit=unit, filters=filters, page_number=request.GET.get("p"), now=now
    )
    context = _base_context(request, unit, form, filters)
    query = context["filter_query"]
    context.update(
        {
            "page": page,
            "rows": late_list.overdue_rows(_table_rows(page), now=now),
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "csv_url": _with_query(unit_url(unit, "overdue_export_csv"), query),
            "csv_excel_url": _with_query(unit_url(unit, "overdue_export_csv_excel"), query),
            "xlsx_url": _with_query(unit_url(unit, "overdue_export_xlsx"), query),
            "late_statuses": [s.label for s in LATE],
            **actions.action_context(request),
        }
    )
    return TemplateResponse(request, "compliance/overdue.html", context)


def _export_filename(unit, extension: str, prefix: str = "bao-cao-dao-tao") -> str:
    code = slugify(unit.code) if unit else "tat-ca"
    return f"{prefix}_{code}_{dates.today().isoformat()}.{extension}"


def _audit_export(request, *, form: ReportFilterForm, unit, filters, fmt: str, late: bool = False) -> None:
    """Who exported which people's training records, with the filters, in the audit trail."""
    with translation.override(settings.LANGUAGE_CODE):  # kept in the platform's language
        _audit_export_record(request, form=form, unit=unit, filters=filters, fmt=fmt, late=late)


def _audit_export_record(request, *, form: ReportFilterForm, unit, filters, fmt: str, late: bool) -> None:
    choices = {key: str(label) for key, label in form.fields["course"].choices}
    status = dict(reports.STATUS_FILTER_CHOICES).get(filters.status, filters.status)
    given = {
        "course": choices.get(filters.course_id) if filters.course_id else None,
        "status": str(status) if filters.status else None,
        "due_from": dates.date_vn(filters.due_from) or None,
        "due_to": dates.date_vn(filters.due_to) or None,
    }
    audit_record(
        action=AuditEntry.Action.EXPORT,
        object_repr=_("Training report of %(unit)s") % {"unit": unit.name if unit else _("all my units")},
        unit=unit or _single_root(request),
        changes={
            "exported": _("Overdue list (people and their overdue courses)")
            if late
            else _("Training report (people and their mandatory courses)"),
            "format": FORMAT_LABELS.get(fmt, fmt.upper()),
            "filters": {key: value for key, value in given.items() if value} or _("none"),
        },
    )


FORMAT_LABELS = {"csv": "CSV", exports.CSV_EXCEL: "CSV (Excel, ;)", "xlsx": "XLSX"}


@private_no_store
@require_GET
def export(request, fmt: str, unit_id: int | None = None, late: bool = False):
    """The people table of the page (or, with `late`, the overdue list with its own columns), with the same
    scope and filters, every row (not only one page). A filter that matches nothing gives the header and a
    note."""
    _require_reports(request)
    unit = _unit_or_404(request, unit_id)
    form = _form(request, unit, with_status=not late)
    refused = [str(error) for name in EXPORT_FILTERS for error in form.errors.get(name, [])]
    if refused:  # an export holds exactly what was asked for, or nothing: never a silently wider file
        return problem(
            request,
            title=_("This export cannot be made"),
            message=" ".join(refused),
            status=400,
            back_url=_with_query(unit_url(unit, "overdue" if late else "unit"), _filter_query(request)),
        )
    filters = form.filters()
    if late:
        headers, widths = late_list.overdue_export_headers(), late_list.OVERDUE_COLUMN_WIDTHS
        rows = late_list.overdue_export_rows(viewer=request.user, unit=unit, filters=filters)
        prefix, title = "danh-sach-qua-han", _("Overdue")
        note = _("Nobody is overdue with these filters.")
    else:
        headers, widths = reports.export_headers(), COLUMN_WIDTHS
        rows = reports.export_rows(viewer=request.user, unit=unit, filters=filters)
        prefix, title = "bao-cao-dao-tao", _("Mandatory training")
        note = _("No mandatory training matches these filters.")
    rows = exports.with_note(rows, note)
    if fmt in exports.CSV_DELIMITERS:
        _audit_export(request, form=form, unit=unit, filters=filters, fmt=fmt, late=late)
        return exports.csv_response(
            headers=headers,
            rows=rows,
            filename=_export_filename(unit, "csv", prefix),
            delimiter=exports.CSV_DELIMITERS[fmt],
        )
    try:
        response = exports.xlsx_response(
            headers=headers,
            rows=rows,
            filename=_export_filename(unit, "xlsx", prefix),
            sheet_title=title,
            widths=widths,
        )
    except exports.ExportTooLarge:
        messages.error(
            request,
            _(
                "This export has more than %(max)s rows, more than a spreadsheet program can open. "
                "Narrow it with the filters (a course, a status, a due period) or download the CSV."
            )
            % {"max": f"{exports.XLSX_MAX_ROWS:,}".replace(",", ".")},
        )
        page = unit_url(unit, "overdue" if late else "unit")
        return redirect(f"{page}?{request.GET.urlencode()}" if request.GET else page)
    _audit_export(request, form=form, unit=unit, filters=filters, fmt=fmt, late=late)
    return response


def _official_or_404(request, user_id: int):
    official = reports.official_in_scope(viewer=request.user, user_id=user_id)
    if official is None:
        raise Http404(_("This person does not exist or is not in the units you manage."))
    return official


@require_GET
def person(request, user_id: int):
    _require_reports(request)
    official = _official_or_404(request, user_id)
    person_record = reports.person_record(viewer=request.user, user=official.user, official=official)
    query = _filter_query(request)
    obligations = [
        {
            "view": view,
            "status_class": STATUS_CLASSES.get(view.status, ""),
            # open: a reminder or an exemption still makes sense
            "open": view.status in (Status.NOT_STARTED, Status.IN_PROGRESS, *LATE),
        }
        for view in person_record.obligations
    ]
    return TemplateResponse(
        request,
        "compliance/person.html",
        {
            "record": person_record,
            "official": official,
            "trail": reports.unit_trail(viewer=request.user, unit=official.unit),
            "several_roots": _single_root(request) is None,
            "index_url": _with_query(reverse("compliance_reports:index"), query),
            "filter_query": query,
            "obligations": obligations,
            "actionable": any(item["open"] for item in obligations),
            **actions.action_context(request),
            "pdf_url": reverse("compliance_reports:person_pdf", args=[official.user_id]),
        },
    )


def _pdf_response(person_record) -> HttpResponse:
    data = record.training_record_pdf(person_record)
    who = (
        person_record.official.employee_code if person_record.official else person_record.user.get_username()
    )
    filename = f"ho-so-dao-tao_{slugify(who) or 'can-bo'}_{dates.today().isoformat()}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@private_no_store
@require_GET
def person_pdf(request, user_id: int):
    _require_reports(request)
    official = _official_or_404(request, user_id)
    with translation.override("vi"):  # an official document: in Vietnamese whatever the screen language
        person_record = reports.person_record(viewer=request.user, user=official.user, official=official)
    response = _pdf_response(person_record)
    if official.user_id != request.user.pk:
        audit_record(
            action=AuditEntry.Action.EXPORT,
            obj=official,
            object_repr=f"{official.user.get_full_name()} ({official.employee_code})",
            unit=official.unit,
            changes={
                "exported": gettext_lazy("Training record (PDF)"),
                "person": official.user.get_full_name(),
            },
        )
    return response


@private_no_store
@login_required
@require_GET
def my_training_record(request):
    """The signed-in official's own training record as PDF."""
    with translation.override("vi"):
        person_record = reports.person_record(viewer=request.user, user=request.user)
    return _pdf_response(person_record)
