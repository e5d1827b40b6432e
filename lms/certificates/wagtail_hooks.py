"""Certificates in the Wagtail admin, for HR managers and administrators (admin_views.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from .admin_views import VIEW, CertificateViewSet


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet()


@hooks.register("register_admin_menu_item")
def register_certificates_menu_item():
    return PermissionMenuItem(
        _("Certificates"),
        reverse("certificates_admin:index"),
        permission=VIEW,
        name="certificates",
        icon_name="doc-full",
        order=280,
    )
