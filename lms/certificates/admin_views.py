"""HR's certificates in the Wagtail admin: the scoped list (Wagtail's generic index view) and revocation.

The viewset registers both under the `certificates_admin` namespace (wagtail_hooks.py), so Wagtail's admin
login and `wagtailadmin.access_admin` apply. Every query starts from `selectors.certificates_visible`: the
list shows only the person's units, and a certificate outside them answers 404 on the revoke page.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy

from lms.admin_lists import ListIndexView, ListViewSet, NotedTitleColumn, TemplateColumn
from lms.dates import date_vn
from lms.people.permissions import ScopedPermissionPolicy, allows, require

from . import selectors, services
from .models import Certificate

VIEW = "certificates.view_certificate"
REVOKE = "certificates.revoke_certificate"
PER_PAGE = 25

register_permission_policy(Certificate, ScopedPermissionPolicy(Certificate, permission=VIEW))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label=gettext_lazy("Reason for revocation"),
        help_text=gettext_lazy("Kept with the certificate and shown to its holder; not on the public page."),
        error_messages={"required": gettext_lazy("Give the reason for revoking this certificate.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- The list ------------------------------------------------------------------------------------------


class CertificateSearchForm(SearchForm):
    """Wagtail's search box, with the length the search accepts."""

    q = forms.CharField(label=gettext_lazy("Search term"), required=False, max_length=150)


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Show"),
        choices=[("valid", gettext_lazy("Valid")), ("revoked", gettext_lazy("Revoked"))],
        empty_label=gettext_lazy("All certificates"),
        method="filter_status",
    )

    class Meta:
        model = Certificate
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "valid")


def _holder_note(certificate: Certificate) -> str:
    official = getattr(certificate.user, "official", None)
    return official.employee_code if official is not None else certificate.user.username


def _unit_name(certificate: Certificate) -> str:
    official = getattr(certificate.user, "official", None)
    return official.unit.name if official is not None else "—"


class CertificateIndexView(ListIndexView):
    any_permission_required = ["view"]
    page_title = gettext_lazy("Certificates")
    header_icon = "doc-full"
    paginate_by = PER_PAGE
    is_searchable = True
    search_fields = None  # the search is `selectors.certificates_search` (search_queryset)
    default_ordering = "-completed_at"

    def get_base_queryset(self):
        return selectors.certificates_visible(self.request.user).select_related("user__official__unit")

    def get_valid_orderings(self):
        return ["completed_at", "-completed_at"]

    def order_queryset(self, queryset):
        if self.ordering == "completed_at":
            return queryset.order_by("completed_at", "pk")
        return queryset.order_by("-completed_at", "-pk")

    def get_search_form(self):
        return CertificateSearchForm(
            self.request.GET if self.search_kwarg in self.request.GET else None,
            placeholder=_("Holder's name, course or code"),
        )

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return selectors.certificates_search(queryset, self.search_query.strip())

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return _("No certificates match these filters.")
        return _("No certificates have been issued in your units yet.")

    @cached_property
    def can_revoke(self) -> bool:
        return allows(self.request.user, REVOKE)

    @cached_property
    def columns(self):
        return [
            NotedTitleColumn("holder_name", label=_("Holder"), note=_holder_note),
            Column("unit", label=_("Unit"), accessor=_unit_name),
            Column("course_title", label=_("Course")),
            Column(
                "completed_at",
                label=_("Completed on"),
                accessor=lambda c: date_vn(c.completed_at),
                sort_key="completed_at",
            ),
            Column("hours", label=_("Hours"), accessor=lambda c: floatformat(c.hours, "-1")),
            Column("code", label=_("Verification code")),
            TemplateColumn(
                "revoked_at",
                label=_("Status"),
                template="certificates/admin/status_cell.html",  # valid or revoked, and the revoke link
                can_revoke=self.can_revoke,
            ),
        ]


class CertificateViewSet(ListViewSet):
    """The list and the revoke page; revocation is the only change made here."""

    model = Certificate
    name = "certificates_admin"
    url_prefix = "certificates"
    icon = "doc-full"
    index_view_class = CertificateIndexView
    filterset_class = CertificateFilterSet
    list_per_page = PER_PAGE

    def get_extra_urlpatterns(self):
        return [path("<id:certificate_id>/revoke/", revoke, name="revoke")]


# --- Revocation ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def revoke(request, certificate_id: int):
    require(request.user, REVOKE)
    certificate = get_object_or_404(
        selectors.certificates_visible(request.user).select_related("user__official__unit", "revoked_by"),
        pk=certificate_id,
    )
    own = certificate.user_id == request.user.pk
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AlreadyRevoked as error:  # by someone else since this page was opened
            messages.error(request, str(error.message))
            certificate.refresh_from_db()
        except services.CertificateError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("The certificate %(code)s of %(holder)s is revoked.")
                % {"code": certificate.code, "holder": certificate.holder_name},
            )
            return redirect("certificates_admin:index")
    return TemplateResponse(
        request, "certificates/admin/revoke.html", {"certificate": certificate, "form": form, "own": own}
    )
