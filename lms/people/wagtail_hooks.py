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


# (label, URL name, permission, menu item name, icon): in menu order.
ORGANISATION_MENU = (
    (_("Units"), "people_admin:units", MANAGE_ORGANISATION, "org-units", "site"),
    (_("Officials"), "people_admin:officials", MANAGE_ORGANISATION, "org-officials", "user"),
    (_("Import officials"), "people_admin:import", IMPORT_OFFICIALS, "org-import", "upload"),
    (_("Positions"), "people_admin:positions", MANAGE_ORGANISATION, "org-positions", "tag"),
)


@hooks.register("register_admin_menu_item")
def register_organisation_menu():
    items = [
        PermissionMenuItem(
            label, reverse(url_name), permission=permission, name=name, icon_name=icon, order=10 * (n + 1)
        )
        for n, (label, url_name, permission, name, icon) in enumerate(ORGANISATION_MENU)
    ]
    return SubmenuMenuItem(
        _("Organisation"), Menu(items=items), name="organisation", icon_name="group", order=250
    )
