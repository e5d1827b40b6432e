"""HR's training reports in the Wagtail admin (dashboard_views.py): the URLs and a menu item shown to people
who manage units."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.people.scope import scope_for

from . import dashboard_views


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "bao-cao/",
            include((dashboard_views.urlpatterns, "compliance_reports"), namespace="compliance_reports"),
        )
    ]


class TrainingReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return scope_for(request.user).manages_units


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return TrainingReportsMenuItem(
        _("Training reports"),
        reverse("compliance_reports:index"),
        name="training-reports",
        icon_name="table",
        order=290,
    )
