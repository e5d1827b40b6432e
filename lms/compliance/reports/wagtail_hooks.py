"""HR's training reports in the Wagtail admin (views.py, urls.py): the URLs and a menu item shown to people
who may view reports. Imported from the app's `ready()` (Wagtail looks for hooks at the app's top only)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from . import urls


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "bao-cao/",
            include((urls.urlpatterns, urls.app_name), namespace=urls.app_name),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return PermissionMenuItem(
        _("Training reports"),
        reverse("compliance_reports:index"),
        permission="compliance.view_reports",
        name="training-reports",
        icon_name="table",
        order=290,
    )
