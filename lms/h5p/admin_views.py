"""Wagtail admin pages for H5P activities: upload a package, upload a new version, inspect the versions.

Views stay thin: they check permissions on the server, hand the file to `packages.package_validate` and
`packages.package_store`, and show each refusal on the form. The upload is streamed through a handler
that drops a file larger than the package limit as it arrives, so an oversized upload is neither kept
in memory nor on disk (the reverse proxy should refuse it even earlier: see docs/h5p.md).
"""

import logging

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import DatabaseError
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from wagtail.admin import messages
from wagtail.admin.auth import permission_required
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import IndexView, InspectView

from .external_media import external_media_status, external_media_warning
from .models import Activity, Result
from .packages import PackageInvalid, package_error, package_store, package_validate

logger = logging.getLogger(__name__)

ADD = "h5p.add_activity"
CHANGE = "h5p.change_activity"


def url_for(action: str, *args) -> str:
    return reverse(Activity.snippet_viewset.get_url_name(action), args=args)


def package_limits() -> dict[str, str]:
    return {
        "upload": filesizeformat(settings.H5P_MAX_UPLOAD_BYTES),
        "total": filesizeformat(settings.H5P_MAX_TOTAL_BYTES),
        "file": filesizeformat(settings.H5P_MAX_FILE_BYTES),
        "entries": settings.H5P_MAX_ENTRIES,
    }


class UploadSizeLimit(FileUploadHandler):
    """Skips an uploaded file as soon as it grows past the package limit, before it is buffered."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded_size: int | None = None
        self.request_length: int | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded_size = max(self.request_length or 0, start + len(raw_data))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class PackageForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leave empty to use the title written in the package."),
    )
    file = forms.FileField(
        label=gettext_lazy("H5P package (.h5p)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,application/zip"}),
    )

    def __init__(self, *args, refused: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused
        self.fields["file"].help_text = (
            _("An .h5p file exported from H5P, at most %(upload)s (%(total)s unpacked, %(entries)s files).")
            % package_limits()
        )

    def clean_file(self):
        if self.refused:
            raise ValidationError(self.refused)
        upload = self.cleaned_data.get("file")
        if not upload:
            raise ValidationError(_("Choose an .h5p file to upload."))
        return upload


def _limit_upload_size(request) -> UploadSizeLimit:
    handler = UploadSizeLimit(request, limit=settings.H5P_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, handler)
    return handler


def _handle(request, *, handler: UploadSizeLimit, activity: Activity | None):
    """The upload form for a new activity (activity=None) or a new version of `activity`."""
    form = PackageForm()
    if request.method == "POST":
        data, files = request.POST, request.FILES  # parse the body first: the handler reports on it
        refused = None
        if handler.exceeded_size is not None:
            refused = package_error(
                "too_large",
                size=filesizeformat(handler.exceeded_size),
                limit=filesizeformat(settings.H5P_MAX_UPLOAD_BYTES),
            ).message
        form = PackageForm(data, files, refused=refused)
        if form.is_valid():
            version = _store(request, form=form, activity=activity)
            if version is not None:
                log(
                    instance=version.activity, action="wagtail.create" if activity is None else "wagtail.edit"
                )
                if activity is None:
                    text = _("The H5P activity “%(title)s” was uploaded.")
                else:
                    text = _("Version %(number)s of “%(title)s” was uploaded; earlier results are kept.")
                messages.success(request, text % {"title": version.activity.title, "number": version.number})
                pending = [str(lib) for lib in version.libraries.all() if lib.approved_at is None]
                if pending:
                    messages.warning(
                        request,
                        _(
                            "This activity uses its own copy of %(libraries)s. Other activities will use "
                            "these libraries only after an administrator approves them."
                        )
                        % {"libraries": ", ".join(pending)},
                    )
                if version.external_media:
                    messages.warning(request, external_media_warning(version.external_media))
                return redirect(url_for("inspect", version.activity.pk))
    context = {"form": form, "activity": activity, "limits": package_limits(), "cancel_url": url_for("list")}
    if activity is not None:
        last = activity.versions.aggregate(last=Max("number"))["last"] or 0
        context.update(
            {
                "next_number": last + 1,
                "learners_with_results": Result.objects.filter(activity=activity).count(),
                "cancel_url": url_for("inspect", activity.pk),
            }
        )
    return render(request, "h5p/admin/upload.html", context)


def _store(request, *, form: PackageForm, activity: Activity | None):
    upload = form.cleaned_data["file"]
    try:
        with package_validate(file=upload) as validated:
            return package_store(
                validated=validated, user=request.user, activity=activity, title=form.cleaned_data["title"]
            )
    except PackageInvalid as refused:
        for line in refused.summary:  # each reason once, with its count
            form.add_error("file", line)
    except (DatabaseError, ValidationError, OSError, RuntimeError):
        logger.exception("Storing the H5P package %s failed", upload.name)
        form.add_error(None, _("The package could not be saved; nothing was kept. Please try again."))
    return None


# The upload handler must be in place before the body is read, so CSRF is checked inside (Django's
# documented pattern for per-view upload handlers).


@csrf_exempt
@permission_required(ADD)
def activity_upload(request):
    return _activity_upload(request, handler=_limit_upload_size(request))


@csrf_protect
def _activity_upload(request, *, handler):
    return _handle(request, handler=handler, activity=None)


@csrf_exempt
@permission_required(CHANGE)
def activity_new_version(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    return _activity_new_version(request, handler=_limit_upload_size(request), activity=activity)


@csrf_protect
def _activity_new_version(request, *, handler, activity):
    return _handle(request, handler=handler, activity=activity)


# --- Snippet views ------------------------------------------------------------------------------------------


class ActivityIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm(CHANGE):
            buttons.append(
                MenuItem(
                    _("Upload a new version"),
                    url=url_for("new_version", instance.pk),
                    icon_name="upload",
                    priority=15,
                )
            )
        return buttons


class ActivityInspectView(InspectView):
    template_name = "h5p/admin/inspect.html"

    # Shown in the site's time zone, the Vietnamese way (the generic inspect view would show UTC).
    def get_created_at_display_value(self):
        return date_format(localtime(self.object.created_at), "d/m/Y H:i")

    def get_updated_at_display_value(self):
        return date_format(localtime(self.object.updated_at), "d/m/Y H:i")

    def get_created_by_display_value(self):
        return self.object.created_by or "—"

    @cached_property
    def header_buttons(self):
        buttons = []
        if self.request.user.has_perm(CHANGE):
            buttons.append(
                HeaderButton(
                    _("Upload a new version"), url=url_for("new_version", self.object.pk), icon_name="upload"
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(
            self.object.versions.select_related("main_library", "uploaded_by")
            .prefetch_related("libraries")
            .annotate(statement_count=Count("statements"))
            .order_by("-number")
        )
        results = dict(
            Result.objects.filter(activity=self.object)
            .values("version")
            .annotate(count=Count("pk"))
            .values_list("version", "count")
        )
        for version in versions:
            version.result_count = results.get(version.pk, 0)
        current = self.object.current_version
        context.update(
            {
                "versions": versions,
                "current_version": current,
                "current_libraries": list(current.libraries.all()) if current else [],
                "external_media": external_media_status(current.external_media if current else []),
                "media_hosts_url": reverse("h5p_media_hosts:index")
                if self.request.user.has_perm("h5p.change_externalmediahost")
                else "",
            }
        )
        return context
