"""Certificates in the Wagtail admin, for HR managers and administrators (admin_views.py)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.people.scope import scope_for

from . import admin_views


@hooks.register("register_admin_urls")
def register_certificate_urls():
    return [
        path(
            "certificates/",
            include((admin_views.urlpatterns, "certificates_admin"), namespace="certificates_admin"),
        )
    ]


class CertificatesMenuItem(MenuItem):
    def is_shown(self, request):
        return scope_for(request.user).manages_units


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return CertificatesMenuItem(
        _("Certificates"),
        reverse("certificates_admin:index"),
        name="certificates",
        icon_name="doc-full",
        order=280,
    )
