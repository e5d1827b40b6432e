"""HR's certificates in the Wagtail admin: the scoped list and revocation.

The URLs are registered through `register_admin_urls` (wagtail_hooks.py), so Wagtail's admin login and
`wagtailadmin.access_admin` apply. Each view also requires a scope of units, and looks certificates up
inside `certificates_visible`: a certificate outside the person's units answers 404.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lms.people.permissions import require

from . import selectors, services

PER_PAGE = 25


class FilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=150,
        label=gettext_lazy("Search"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Holder's name, course or code")}),
    )
    status = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Show"),
        choices=[
            ("", gettext_lazy("All certificates")),
            ("valid", gettext_lazy("Valid")),
            ("revoked", gettext_lazy("Revoked")),
        ],
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label=gettext_lazy("Reason for revocation"),
        help_text=gettext_lazy("Kept with the certificate and shown to its holder; not on the public page."),
        error_messages={"required": gettext_lazy("Give the reason for revoking this certificate.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_GET
def index(request):
    require(request.user, "certificates.view_certificate")
    form = FilterForm(request.GET)
    form.is_valid()
    query = (form.cleaned_data.get("q") or "").strip()
    status = form.cleaned_data.get("status") or ""
    certificates = selectors.certificates_visible(request.user).select_related("user__official__unit")
    if query:
        certificates = selectors.certificates_search(certificates, query)
    if status == "valid":
        certificates = certificates.filter(revoked_at__isnull=True)
    elif status == "revoked":
        certificates = certificates.filter(revoked_at__isnull=False)
    paginator = Paginator(certificates, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "certificates/admin/index.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "is_filtered": bool(query or status),
        },
    )


@require_http_methods(["GET", "POST"])
def revoke(request, certificate_id: int):
    require(request.user, "certificates.revoke_certificate")
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


urlpatterns = [
    path("", index, name="index"),
    path("<id:certificate_id>/revoke/", revoke, name="revoke"),
]
