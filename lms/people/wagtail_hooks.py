"""The organisation in the Wagtail admin: units, positions, officials and their import (admin_views.py)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import admin_views, lockout_admin
from .scope import is_administrator


@hooks.register("register_admin_urls")
def register_organisation_urls():
    return [
        path("organisation/", include((admin_views.urlpatterns, "people_admin"), namespace="people_admin"))
    ]


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [
        path("lockouts/", include((lockout_admin.urlpatterns, "lockouts_admin"), namespace="lockouts_admin"))
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return AdministratorMenuItem(
        _("Login lockouts"),
        reverse("lockouts_admin:index"),
        name="login-lockouts",
        icon_name="lock",
        order=900,
    )


class ManagerMenuItem(MenuItem):
    """Shown to HR managers and administrators."""

    def is_shown(self, request):
        return admin_views.can_manage_people(request.user)


@hooks.register("register_admin_menu_item")
def register_organisation_menu():
    items = [
        ManagerMenuItem(
            _("Units"), reverse("people_admin:units"), name="org-units", icon_name="site", order=10
        ),
        ManagerMenuItem(
            _("Officials"),
            reverse("people_admin:officials"),
            name="org-officials",
            icon_name="user",
            order=20,
        ),
        ManagerMenuItem(
            _("Import officials"),
            reverse("people_admin:import"),
            name="org-import",
            icon_name="upload",
            order=30,
        ),
        ManagerMenuItem(
            _("Positions"), reverse("people_admin:positions"), name="org-positions", icon_name="tag", order=40
        ),
    ]
    return SubmenuMenuItem(
        _("Organisation"), Menu(items=items), name="organisation", icon_name="group", order=250
    )
