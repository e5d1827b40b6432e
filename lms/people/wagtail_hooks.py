"""The organisation in the Wagtail admin: units and positions (organisation_views.py), officials
(official_views.py) and their import (import_views.py), mounted from admin_urls.py."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import admin_urls, lockout_admin
from .permissions import IMPORT_OFFICIALS, MANAGE_ORGANISATION, PermissionMenuItem


@hooks.register("register_admin_urls")
def register_organisation_urls():
    return [path("organisation/", include(admin_urls, namespace="people_admin"))]


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [
        path("lockouts/", include((lockout_admin.urlpatterns, "lockouts_admin"), namespace="lockouts_admin"))
    ]


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return PermissionMenuItem(
        _("Login lockouts"),
        reverse("lockouts_admin:index"),
        permission="axes.view_accessattempt",
        units=False,
        name="login-lockouts",
        icon_name="lock",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def register_organisation_menu():
    items = [
        PermissionMenuItem(
            _("Units"),
            reverse("people_admin:units"),
            permission=MANAGE_ORGANISATION,
            name="org-units",
            icon_name="site",
            order=10,
        ),
        PermissionMenuItem(
            _("Officials"),
            reverse("people_admin:officials"),
            permission=MANAGE_ORGANISATION,
            name="org-officials",
            icon_name="user",
            order=20,
        ),
        PermissionMenuItem(
            _("Import officials"),
            reverse("people_admin:import"),
            permission=IMPORT_OFFICIALS,
            name="org-import",
            icon_name="upload",
            order=30,
        ),
        PermissionMenuItem(
            _("Positions"),
            reverse("people_admin:positions"),
            permission=MANAGE_ORGANISATION,
            name="org-positions",
            icon_name="tag",
            order=40,
        ),
    ]
    return SubmenuMenuItem(
        _("Organisation"), Menu(items=items), name="organisation", icon_name="group", order=250
    )
