"""Wagtail admin registration of HR's assignment pages: the viewset (listing.py, which also mounts the pages
of views.py) and the menu item. Imported from the app's `ready()` (Wagtail looks for hooks at the app's top
only)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.people.permissions import PermissionMenuItem

from .listing import MANAGE_ASSIGNMENTS, AssignmentViewSet


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet()


@hooks.register("register_admin_menu_item")
def register_assignment_menu_item():
    return PermissionMenuItem(
        _("Mandatory training"),
        reverse("compliance_assignments:index"),
        permission=MANAGE_ASSIGNMENTS,
        name="mandatory-training",
        icon_name="clipboard-list",
        order=280,
    )
