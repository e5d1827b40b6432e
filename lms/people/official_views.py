"""Officials in the Wagtail admin: the list of the viewer's units, deactivation and the welcome email.

The list is Wagtail's generic index (filters, search, columns, pagination) over `selectors.officials_list`,
so an HR manager sees the officials of the units they manage only; the permission policy lets in those
`permissions.allows` lets in. Deactivating and the set-password email are small views of their own; an
account with a role beyond learner is an administrator's to deactivate.
"""

import django_filters
from django import forms
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from lms.http import post_required, problem

from .admin_forms import UnitChoiceField
from .models import Official
from .permissions import (
    IMPORT_OFFICIALS,
    MANAGE_ORGANISATION,
    ScopedPermissionPolicy,
    allows,
    permission_required,
)
from .scope import may_change_login_data, scope_for, units_visible
from .selectors import officials_list
from .services import official_deactivate, official_welcome_email_queue

register_permission_policy(Official, ScopedPermissionPolicy(Official, permission=MANAGE_ORGANISATION))


# --- The list ------------------------------------------------------------------------------------------


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


def _units(request):
    return units_visible(request.user)


class OfficialFilterSet(WagtailFilterSet):
    STATUSES = [
        ("active", gettext_lazy("Active")),
        ("inactive", gettext_lazy("Deactivated")),
        ("all", gettext_lazy("All")),
    ]

    unit = UnitFilter(
        label=gettext_lazy("Unit (and the units below it)"),
        queryset=_units,
        method="filter_unit",
        empty_label=gettext_lazy("All my units"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=STATUSES,
        method="filter_status",
        empty_label=None,
        initial="active",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Official
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = "active"  # the active officials unless asked otherwise
        super().__init__(data, *args, **kwargs)

    def filter_unit(self, queryset, name, unit):
        """The unit and every unit below it."""
        return queryset.filter(unit__path__startswith=unit.path)

    def filter_status(self, queryset, name, status):
        if status == "all":
            return queryset
        return queryset.filter(user__is_active=status == "active")


class NameColumn(Column):
    cell_template_name = "people/admin/officials/name_cell.html"


class StatusColumn(BaseColumn):
    cell_template_name = "people/admin/officials/status_cell.html"


class ActionsColumn(BaseColumn):
    """Send the set-password email (a POST, back to this page) and deactivate (asks first)."""

    cell_template_name = "people/admin/officials/actions_cell.html"

    def __init__(self, *args, next_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_url = next_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["csrf_token"] = get_token(request)  # the cell is rendered without the request's context
        context["next_url"] = self.next_url
        context["is_self"] = instance.user_id == request.user.pk
        return context


def _or_dash(value) -> str:
    return value or "—"


class OfficialIndexView(generic.IndexView):
    page_title = gettext_lazy("Officials")
    header_icon = "user"
    search_fields = ["user__full_name", "employee_code", "user__email"]
    search_backend_name = None  # the database's icontains: officials are not in the search index
    results_template_name = "people/admin/officials/index_results.html"

    def get_base_queryset(self):
        return officials_list(viewer=self.request.user)

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return _("No official matches the search or the filters.")
        return _("No official in your units yet.")

    @cached_property
    def header_buttons(self):
        if not allows(self.request.user, IMPORT_OFFICIALS):
            return []
        return [HeaderButton(_("Import officials"), url=reverse("people_admin:import"), icon_name="upload")]

    def _return_url(self) -> str:
        """This page with its search, filters and page number (the results view is this page's fragment)."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    @property
    def columns(self):
        return [
            Column("employee_code", label=_("Employee code"), classname="w-whitespace-nowrap"),
            NameColumn("name", label=_("Full name"), accessor="user.get_full_name"),
            Column("unit", label=_("Unit"), accessor="unit.name"),
            Column(
                "position", label=_("Position"), accessor=lambda o: _or_dash(o.position and o.position.name)
            ),
            Column("email", label=_("Email"), accessor=lambda o: _or_dash(o.user.email)),
            StatusColumn("status", label=_("Status")),
            ActionsColumn("actions", label=_("Actions"), next_url=self._return_url()),
        ]


class OfficialViewSet(ModelViewSet):
    """The officials list, mounted inside `people_admin` (admin_urls.py) under the names it always had."""

    model = Official
    icon = "user"
    url_namespace = "people_admin"
    index_view_class = OfficialIndexView
    list_per_page = 50
    filterset_class = OfficialFilterSet
    add_to_reference_index = False
    URL_NAMES = {"index": "officials", "index_results": "officials_results"}

    def get_url_name(self, view_name):
        name = self.URL_NAMES.get(view_name)
        return name and f"{self.url_namespace}:{name}"  # None: a view this list does not have

    def get_urlpatterns(self):
        return [
            path("officials/", self.index_view, name="officials"),
            path("officials/results/", self.index_results_view, name="officials_results"),
        ]


# --- Actions on one official ---------------------------------------------------------------------------


manager_required = permission_required(MANAGE_ORGANISATION)


def _official_in_scope(request, pk: int) -> Official:
    scope = scope_for(request.user)
    official = get_object_or_404(Official.objects.select_related("user", "unit", "position"), pk=pk)
    if not scope.covers(official.unit):
        raise Http404
    return official


def _is_protected(viewer, official: Official) -> bool:
    """An account with a role beyond learner: an HR manager may not deactivate it."""
    return not may_change_login_data(viewer, official.user)


@manager_required
def official_deactivate_view(request, pk: int):
    official = _official_in_scope(request, pk)
    back = reverse("people_admin:officials")
    if official.user_id == request.user.pk:
        return problem(
            request, message=_("You cannot deactivate your own account."), status=403, back_url=back
        )
    if _is_protected(request.user, official):
        return problem(
            request,
            message=_(
                "This account has a role beyond learner (trainer, HR manager or administrator): only an "
                "administrator may change its email or deactivate it."
            ),
            status=403,
            back_url=back,
        )
    if request.method == "POST":
        if not official.user.is_active:
            messages.info(request, _("%(name)s was already deactivated.") % {"name": official.user})
        else:
            official_deactivate(official=official, by=request.user)
            messages.success(
                request,
                _("%(name)s (%(code)s) was deactivated: the account can no longer sign in.")
                % {"name": official.user, "code": official.employee_code},
            )
        return redirect(back)
    return render(request, "people/admin/official_deactivate.html", {"official": official})


@manager_required
@post_required
def official_welcome(request, pk: int):
    official = _official_in_scope(request, pk)
    user = official.user
    if not user.email or not user.is_active or user.has_usable_password():
        messages.error(
            request,
            _(
                "No email was sent: %(name)s has no email, is deactivated or has already chosen a password "
                "(they can use “Forgot password”)."
            )
            % {"name": user},
        )
    else:
        official_welcome_email_queue(user_ids=[user.pk])
        messages.success(
            request, _("The set-your-password email is on its way to %(email)s.") % {"email": user.email}
        )
    back = request.POST.get("next", "")
    # A path on this site only: `redirect` would take any other word for the name of a view (a 500).
    on_site = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    if not back.startswith("/") or not on_site:
        back = reverse("people_admin:officials")
    return HttpResponseRedirect(back)
