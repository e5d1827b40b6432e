"""The bulk import of officials in the Wagtail admin: upload, preview, confirm or cancel, and the template.

Nothing is saved before the confirmation; the uploaded file waits between preview and confirmation in
lms.staging, as the question import's does, and is checked again (with its fingerprint) on confirmation.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.http import post_required
from lms.spreadsheets import XLSX_CONTENT_TYPE
from lms.staging import UploadStage

from .admin_forms import ImportOptionsForm, ImportUploadForm
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
from .models import OrgUnit
from .permissions import IMPORT_OFFICIALS, permission_required
from .scope import scope_for
from .services import PeopleError

PREVIEW_ROWS = 500
PREVIEW_LEAVERS = 500

# The salt names the old module on purpose: a token signed before the split stays valid.
STAGING = UploadStage(
    directory="officials-import", salt="lms.people.admin_views.import", extensions=("csv", "xlsx")
)

import_required = permission_required(IMPORT_OFFICIALS)


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
