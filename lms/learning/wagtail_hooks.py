"""Accounts with learning records the platform must keep are not deleted in the Wagtail admin: the admin
explains why and suggests deactivating the account, instead of failing on the protected foreign keys."""

from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages

from lms.people.permissions import PermissionMenuItem

from . import rule_checks
from .selectors import records_keeping_account


def _refusal(users) -> str | None:
    kept = [(user, records_keeping_account(user=user)) for user in users]
    kept = [(user, records) for user, records in kept if records]
    if not kept:
        return None
    active = capfirst(get_user_model()._meta.get_field("is_active").verbose_name)
    return " ".join(
        _(
            "The account “%(name)s” cannot be deleted: the platform keeps this person's records "
            "(%(records)s). Deactivate the account instead: on its edit page, untick “%(active)s”; "
            "the person can then no longer sign in."
        )
        % {"name": user, "records": ", ".join(records), "active": active}
        for user, records in kept
    )


@hooks.register("before_delete_user")
def keep_accounts_with_records(request, user):
    """The single delete view, on the confirmation page and on the submission."""
    refusal = _refusal([user])
    if refusal:
        messages.error(request, refusal)
        model = get_user_model()
        if request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
            return redirect("wagtailusers_users:edit", user.pk)  # where the account is deactivated
        return redirect("wagtailusers_users:index")
    return None


@hooks.register("before_bulk_action")
def keep_accounts_with_records_in_bulk(request, action_type, objects, action_class_instance):
    """The bulk delete of users: nothing is deleted when one of them must be kept."""
    if action_type != "delete":
        return None
    users = [obj for obj in objects if isinstance(obj, get_user_model())]
    refusal = _refusal(users) if users else None
    if refusal:
        messages.error(request, refusal)
        return redirect("wagtailusers_users:index")
    return None


@hooks.register("register_admin_urls")
def register_rule_check_urls():
    return [path("h5p-rules/", include((rule_checks.urlpatterns, "h5p_rules"), namespace="h5p_rules"))]


@hooks.register("register_admin_menu_item")
def register_rule_check_menu_item():
    return PermissionMenuItem(
        _("H5P completion rules"),
        reverse("h5p_rules:index"),
        name="h5p-rules",
        icon_name="warning",
        order=252,
        permission=rule_checks.PERMISSION,
        units=False,
    )
