"""Wagtail admin registration of HR's assignment pages (views.py, urls.py): the URLs and the menu item.
Imported from the app's `ready()` (Wagtail looks for hooks at the app's top only)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from . import urls


@hooks.register("register_admin_urls")
def register_assignment_urls():
    return [path("dao-tao-bat-buoc/", include((urls.urlpatterns, urls.app_name)))]


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
