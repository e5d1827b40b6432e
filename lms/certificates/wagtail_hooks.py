"""Certificates in the Wagtail admin, for HR managers and administrators (admin_views.py)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_certificate_urls():
    return [
        path(
            "certificates/",
            include((admin_views.urlpatterns, "certificates_admin"), namespace="certificates_admin"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return PermissionMenuItem(
        _("Certificates"),
        reverse("certificates_admin:index"),
        permission="certificates.view_certificate",
        name="certificates",
        icon_name="doc-full",
        order=280,
    )
