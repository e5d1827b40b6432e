"""Wagtail admin pages for the organisation: the unit tree, positions, officials and their bulk import.

HR managers and administrators may open them; HR managers see and change only the subtrees they manage,
and only administrators change the tree itself (add or move units, add positions). Views check this on the
server, call services and selectors, and stay thin. The import keeps the uploaded file between preview and
confirmation with lms.staging, as the question import does.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from lms.http import post_required, problem
from lms.spreadsheets import XLSX_CONTENT_TYPE
from lms.staging import UploadStage
from lms.validation import IdModelChoiceField, parse_id

from .importing import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Action,
    ImportRejected,
    ParsedImport,
    officials_import,
    officials_parse,
    officials_template_csv,
    officials_template_xlsx,
    template_guide,
)
from .models import Official, OrgUnit, Position
from .permissions import CHANGE_UNITS, IMPORT_OFFICIALS, MANAGE_ORGANISATION, permission_required
from .scope import is_administrator, may_change_login_data, scope_for
from .selectors import officials_list, unit_tree
from .services import (
    PeopleError,
    official_deactivate,
    official_welcome_email_queue,
    position_create,
    unit_create,
    unit_move,
)

PER_PAGE = 50
PREVIEW_ROWS = 500
PREVIEW_LEAVERS = 500

STAGING = UploadStage(
    directory="officials-import", salt="lms.people.admin_views.import", extensions=("csv", "xlsx")
)


manager_required = permission_required(MANAGE_ORGANISATION)
administrator_required = permission_required(CHANGE_UNITS, units=False)
import_required = permission_required(IMPORT_OFFICIALS)


def _is_protected(viewer, official: Official) -> bool:
    """An account with a role beyond learner: an HR manager may not deactivate it."""
    return not may_change_login_data(viewer, official.user)


def _official_in_scope(request, pk: int) -> Official:
    scope = scope_for(request.user)
    official = get_object_or_404(Official.objects.select_related("user", "unit", "position"), pk=pk)
    if not scope.covers(official.unit):
        raise Http404
    return official


# --- Forms -------------------------------------------------------------------------------------------------


class UnitChoiceField(IdModelChoiceField):
    """Units in tree order, indented by depth."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by("path"), **kwargs)
        self.base_depth = 1

    def label_from_instance(self, unit):
        return f"{'— ' * max(0, unit.depth - self.base_depth)}{unit.name} ({unit.code})"


def _unit_field(queryset, **kwargs) -> UnitChoiceField:
    field = UnitChoiceField(queryset, **kwargs)
    field.base_depth = min((d for d in queryset.values_list("depth", flat=True)), default=1)
    return field


class UnitAddForm(forms.Form):
    parent = IdModelChoiceField(OrgUnit.objects.none(), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=50,
        help_text=gettext_lazy("Letters without diacritics, digits, dots, dashes or underscores; unique."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=OrgUnit.Kind.choices, initial=OrgUnit.Kind.WARD
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _unit_field(
            OrgUnit.objects.all(),
            required=False,
            label=gettext_lazy("Inside the unit"),
            empty_label=gettext_lazy("— none: a top-level unit —"),
        )


class UnitMoveForm(forms.Form):
    new_parent = IdModelChoiceField(OrgUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = _unit_field(
            OrgUnit.objects.all(), label=gettext_lazy("New parent unit"), empty_label=None
        )


class PositionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=50,
        help_text=gettext_lazy("Letters without diacritics, digits, dots, dashes or underscores; unique."),
    )


class OfficialFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name, code or email"), required=False, max_length=100)
    unit = IdModelChoiceField(OrgUnit.objects.none(), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("active", gettext_lazy("Active")),
            ("inactive", gettext_lazy("Deactivated")),
            ("all", gettext_lazy("All")),
        ],
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(
            OrgUnit.objects.filter(scope_for(viewer).unit_q()),
            required=False,
            label=gettext_lazy("Unit (and the units below it)"),
            empty_label=gettext_lazy("All my units"),
        )


class ImportOptionsForm(forms.Form):
    deactivate_missing = forms.BooleanField(
        required=False,
        label=gettext_lazy("Deactivate officials of my units who are not in the file (leavers)"),
        help_text=gettext_lazy(
            "Their accounts can no longer sign in; their records stay. The preview lists them first."
        ),
    )
    leavers_under = IdModelChoiceField(OrgUnit.objects.none(), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leavers_under"] = _unit_field(
            OrgUnit.objects.filter(scope_for(viewer).unit_q()),
            required=False,
            label=gettext_lazy("Look for leavers only in"),
            empty_label=gettext_lazy("All my units"),
        )

    def options(self) -> dict:
        return {
            "deactivate_missing": self.cleaned_data["deactivate_missing"],
            "leavers_under": self.cleaned_data["leavers_under"],
        }


class ImportUploadForm(ImportOptionsForm):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("A .xlsx or .csv file laid out like the template, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    field_order = ["file", "deactivate_missing", "leavers_under"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES >> 20})
        return upload


# --- Units and positions ----------------------------------------------------------------------------------


@manager_required
def units(request):
    return render(
        request,
        "people/admin/units.html",
        {"rows": unit_tree(viewer=request.user), "is_admin": is_administrator(request.user)},
    )


@administrator_required
def unit_add(request):
    initial = {}
    parent_id = parse_id(request.GET.get("parent", ""))
    if parent_id is not None:
        initial["parent"] = OrgUnit.objects.filter(pk=parent_id).first()
    form = UnitAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_create(name=data["name"], code=data["code"], kind=data["kind"], parent=data["parent"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The unit “%(unit)s” was added.") % {"unit": unit.name})
            return redirect("people_admin:units")
    return render(request, "people/admin/unit_add.html", {"form": form})


@administrator_required
def unit_move_view(request, pk: int):
    unit = get_object_or_404(OrgUnit, pk=pk)
    parent = unit.get_parent()
    form = UnitMoveForm(request.POST or None, initial={"new_parent": parent})
    if request.method == "POST" and form.is_valid():
        try:
            moved = unit_move(unit=unit, new_parent=form.cleaned_data["new_parent"])
        except PeopleError as exc:
            form.add_error("new_parent", exc.message)
        else:
            messages.success(
                request,
                _("“%(unit)s” is now inside “%(parent)s”.")
                % {"unit": moved.name, "parent": form.cleaned_data["new_parent"].name},
            )
            return redirect("people_admin:units")
    subtree = OrgUnit.objects.filter(path__startswith=unit.path)
    return render(
        request,
        "people/admin/unit_move.html",
        {
            "unit": unit,
            "parent": parent,
            "form": form,
            "sub_units": subtree.count() - 1,
            "officials": Official.objects.filter(unit__path__startswith=unit.path).count(),
        },
    )


@manager_required
def positions(request):
    is_admin = is_administrator(request.user)
    form = PositionForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            return problem(
                request,
                message=_("Only an administrator may add positions."),
                status=403,
                back_url=reverse("people_admin:positions"),
            )
        if form.is_valid():
            try:
                position = position_create(name=form.cleaned_data["name"], code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The position “%(name)s” was added.") % {"name": position.name})
                return redirect("people_admin:positions")
    scope = scope_for(request.user)
    listed = Position.objects.annotate(
        officials_count=Count(
            "officials",
            filter=Q(officials__user__is_active=True) & scope.unit_q("officials__unit__path"),
        )
    ).order_by("name")
    return render(
        request, "people/admin/positions.html", {"positions": listed, "form": form, "is_admin": is_admin}
    )


# --- Officials -------------------------------------------------------------------------------------------


@manager_required
def officials(request):
    form = OfficialFilterForm(request.GET or None, viewer=request.user)
    search, unit, status = "", None, "active"
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["q"]
        unit = form.cleaned_data["unit"]
        status = form.cleaned_data["status"] or "active"
    paginator = Paginator(
        officials_list(viewer=request.user, search=search, unit=unit, status=status), PER_PAGE
    )
    page = paginator.get_page(request.GET.get("p"))
    return render(
        request,
        "people/admin/officials.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "is_admin": is_administrator(request.user),
        },
    )


@manager_required
def official_deactivate_view(request, pk: int):
    official = _official_in_scope(request, pk)
    back = reverse("people_admin:officials")
    if official.user_id == request.user.pk:
        return problem(
            request, message=_("You cannot deactivate your own account."), status=403, back_url=back
        )
    if _is_protected(request.user, official):
        return problem(
            request,
            message=_(
                "This account has a role beyond learner (trainer, HR manager or administrator): only an "
                "administrator may change its email or deactivate it."
            ),
            status=403,
            back_url=back,
        )
    if request.method == "POST":
        if not official.user.is_active:
            messages.info(request, _("%(name)s was already deactivated.") % {"name": official.user})
        else:
            official_deactivate(official=official, by=request.user)
            messages.success(
                request,
                _("%(name)s (%(code)s) was deactivated: the account can no longer sign in.")
                % {"name": official.user, "code": official.employee_code},
            )
        return redirect(back)
    return render(request, "people/admin/official_deactivate.html", {"official": official})


@manager_required
@post_required
def official_welcome(request, pk: int):
    official = _official_in_scope(request, pk)
    user = official.user
    if not user.email or not user.is_active or user.has_usable_password():
        messages.error(
            request,
            _(
                "No email was sent: %(name)s has no email, is deactivated or has already chosen a password "
                "(they can use “Forgot password”)."
            )
            % {"name": user},
        )
    else:
        official_welcome_email_queue(user_ids=[user.pk])
        messages.success(
            request, _("The set-your-password email is on its way to %(email)s.") % {"email": user.email}
        )
    back = request.POST.get("next", "")
    # A path on this site only: `redirect` would take any other word for the name of a view (a 500).
    on_site = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    if not back.startswith("/") or not on_site:
        back = reverse("people_admin:officials")
    return HttpResponseRedirect(back)


# --- Import ------------------------------------------------------------------------------------------------


def _extension(filename: str) -> str:
    return ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"


def _options_from(extra: dict, viewer) -> dict:
    under = None
    if extra.get("leavers_under"):
        under = OrgUnit.objects.filter(scope_for(viewer).unit_q(), pk=extra["leavers_under"]).first()
    return {"deactivate_missing": bool(extra.get("deactivate_missing")), "leavers_under": under}


def _extra(parsed: ParsedImport) -> dict:
    return {
        "deactivate_missing": parsed.deactivate_missing,
        "leavers_under": parsed.leavers_under.pk if parsed.leavers_under else None,
        "fingerprint": parsed.fingerprint(),
    }


def _preview(request, *, parsed: ParsedImport, filename: str, token: str | None, changed: bool = False):
    options = ImportOptionsForm(
        initial={"deactivate_missing": parsed.deactivate_missing, "leavers_under": parsed.leavers_under},
        viewer=request.user,
    )
    return render(
        request,
        "people/admin/import_preview.html",
        {
            "parsed": parsed,
            "filename": filename,
            "token": token,
            "options": options,
            "changed": changed,
            "counts": parsed.counts,
            "rows": parsed.rows[:PREVIEW_ROWS],
            "hidden_rows": max(0, len(parsed.rows) - PREVIEW_ROWS),
            "leavers": parsed.leavers[:PREVIEW_LEAVERS],
            "hidden_leavers": max(0, len(parsed.leavers) - PREVIEW_LEAVERS),
            "preview_limit": PREVIEW_ROWS,
            "errors": parsed.errors,
            "invalid_row_count": len(parsed.invalid_rows),
            "actions": Action,
            "confirm_disabled": not parsed.has_writes,
            "urls": {
                "confirm": reverse("people_admin:import_confirm"),
                "cancel": reverse("people_admin:import_cancel"),
                "upload": reverse("people_admin:import"),
            },
        },
    )


@import_required
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)
        parsed = officials_parse(file=data, filename=upload.name, viewer=request.user, **form.options())
        if not parsed.rows:
            for error in parsed.errors:
                form.add_error("file", error.display)
        else:
            token = None
            if parsed.ok:
                token = STAGING.stage(
                    request,
                    data=data,
                    extension=_extension(upload.name),
                    filename=upload.name,
                    extra=_extra(parsed),
                )
            return _preview(request, parsed=parsed, filename=upload.name, token=token)
    return render(
        request,
        "people/admin/import_upload.html",
        {"form": form, "guide": template_guide(), "max_rows": MAX_ROWS},
    )


@import_required
@post_required
def import_preview(request):
    """The same upload checked again with other leaver options."""
    staged = STAGING.unstage(request, request.POST.get("token", ""), limit=MAX_FILE_BYTES)
    form = ImportOptionsForm(request.POST, viewer=request.user)
    if staged is None or not form.is_valid():
        messages.error(request, _("This upload has expired or is not valid. Please upload the file again."))
        return redirect("people_admin:import")
    parsed = officials_parse(
        file=staged.data, filename=staged.filename, viewer=request.user, **form.options()
    )
    token = None
    if parsed.ok:
        token = STAGING.sign(request, name=staged.name, filename=staged.filename, extra=_extra(parsed))
    else:
        STAGING.discard(staged)
    return _preview(request, parsed=parsed, filename=staged.filename, token=token)


@import_required
@post_required
def import_confirm(request):
    staged = STAGING.unstage(request, request.POST.get("token", ""), limit=MAX_FILE_BYTES)
    if staged is None or not STAGING.claim(staged):
        messages.error(request, _("This upload has expired or is not valid. Please upload the file again."))
        return redirect("people_admin:import")
    parsed = officials_parse(
        file=staged.data,
        filename=staged.filename,
        viewer=request.user,
        **_options_from(staged.extra, request.user),
    )
    if not parsed.ok:
        STAGING.discard(staged)
        return _preview(request, parsed=parsed, filename=staged.filename, token=None)
    if parsed.fingerprint() != staged.extra.get("fingerprint"):
        # Someone changed officials or units since the preview: show what the import would do now.
        STAGING.release(staged)
        token = STAGING.sign(request, name=staged.name, filename=staged.filename, extra=_extra(parsed))
        return _preview(request, parsed=parsed, filename=staged.filename, token=token, changed=True)
    try:
        result = officials_import(parsed=parsed)
    except ImportRejected:
        STAGING.discard(staged)
        return _preview(request, parsed=parsed, filename=staged.filename, token=None)
    except (IntegrityError, ValidationError, PeopleError):
        STAGING.release(staged)
        messages.error(
            request, _("The officials could not be saved (the data changed meanwhile). Please try again.")
        )
        return redirect("people_admin:import")
    STAGING.discard(staged)
    messages.success(
        request,
        _(
            "Import done: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(deactivated)d "
            "deactivated. %(emails)d set-your-password emails are on their way. %(changes)d email changes "
            "wait for the new address to confirm them."
        )
        % {
            "new": len(result.created),
            "updated": result.updated,
            "unchanged": result.unchanged,
            "deactivated": result.deactivated,
            "emails": result.emails_queued,
            "changes": result.email_changes,
        },
    )
    return redirect("people_admin:officials")


@import_required
@post_required
def import_cancel(request):
    STAGING.discard(STAGING.unstage(request, request.POST.get("token", ""), limit=0))
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("people_admin:import")


@import_required
def import_template(request, fmt: str):
    if fmt == "csv":
        response = StreamingHttpResponse(
            officials_template_csv(viewer=request.user), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(officials_template_xlsx(viewer=request.user), content_type=XLSX_CONTENT_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = content_disposition_header(True, f"mau-nhap-can-bo.{fmt}")
    return response


urlpatterns = [
    path("", units, name="units"),
    path("units/add/", unit_add, name="unit_add"),
    path("units/<id:pk>/move/", unit_move_view, name="unit_move"),
    path("positions/", positions, name="positions"),
    path("officials/", officials, name="officials"),
    path("officials/<id:pk>/deactivate/", official_deactivate_view, name="official_deactivate"),
    path("officials/<id:pk>/welcome/", official_welcome, name="official_welcome"),
    path("import/", import_upload, name="import"),
    path("import/preview/", import_preview, name="import_preview"),
    path("import/confirm/", import_confirm, name="import_confirm"),
    path("import/cancel/", import_cancel, name="import_cancel"),
    path("import/template.<str:fmt>", import_template, name="import_template"),
]
