"""HR's training reports in the Wagtail admin (dashboard_views.py): the URLs and a menu item shown to people
who manage units."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from . import dashboard_views


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "bao-cao/",
            include((dashboard_views.urlpatterns, "compliance_reports"), namespace="compliance_reports"),
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
