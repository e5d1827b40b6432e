"""Wagtail admin registration of HR's assignment pages (admin_views.py): the URLs and the menu item.

Kept apart from wagtail_hooks.py (the HR dashboard and reports) and imported from apps.py."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from . import admin_urls


@hooks.register("register_admin_urls")
def register_assignment_urls():
    return [path("dao-tao-bat-buoc/", include((admin_urls.urlpatterns, admin_urls.app_name)))]


@hooks.register("register_admin_menu_item")
def register_assignment_menu_item():
    return PermissionMenuItem(
        _("Mandatory training"),
        reverse("compliance_assignments:index"),
        permission="compliance.manage_assignments",
        name="mandatory-training",
        icon_name="clipboard-list",
        order=280,
    )
