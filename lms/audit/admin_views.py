"""The audit trail in the Wagtail admin ("Nhật ký thao tác"): a read-only list with filters, a page per
entry, and a CSV export of the filtered list.

Built on Wagtail's generic views. Every query starts from `selectors.entries_visible(viewer)`: administrators
see every entry, HR managers the entries of their units, anyone else is refused. There is no add, edit or
delete view, and the permission policy grants nothing but viewing (the database refuses changes too).
"""

from datetime import date

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.people import roles
from lms.people.permissions import allows
from lms.people.scope import scope_for, scope_roots, units_visible
from lms.spreadsheets import csv_lines

from . import display
from .models import AuditEntry
from .selectors import entries_visible
from .services import audit_record

User = get_user_model()
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


VIEW_AUDIT = "audit.view_auditentry"  # HR managers see their units' entries (selectors)


def local_time(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i:s")


def actor_label(entry: AuditEntry) -> str:
    return entry.actor_name or str(_("The system (nobody signed in)"))


class AuditPermissionPolicy(BasePermissionPolicy):
    """Viewing for administrators and HR managers (their entries are narrowed by the selector); nothing
    else for anyone: an entry is never added, changed or deleted through the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and allows(user, VIEW_AUDIT)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return (
            User.objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(groups__name=roles.ADMINISTRATOR)
                | Q(groups__name=roles.HR_MANAGER, managed_units__unit__is_active=True)
            )
            .distinct()
        )


register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))


# --- Filters -------------------------------------------------------------------------------------------


class DayField(forms.DateField):
    default_validators = [
        MinValueValidator(FIRST_DAY, message=_("Choose a day from 01/01/2000 onwards.")),
        MaxValueValidator(LAST_DAY, message=_("Choose a day before the year 3000.")),
    ]

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATE_INPUT_FORMATS, **kwargs)


class DayRangeField(DateRangeField):
    """django-filter's date range, each day checked (an absurd year would overflow the time zone)."""

    def __init__(self, *args, **kwargs):
        super(DateRangeField, self).__init__((DayField(), DayField()), *args, **kwargs)


class DayRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = DayRangeField


class ActorChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name()} ({user.get_username()})"


class ActorFilter(django_filters.ModelChoiceFilter):
    field_class = ActorChoiceField


class UnitChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{'— ' * (unit.depth - 1)}{unit.name}"


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


def _actors(request):
    return User.objects.filter(pk__in=entries_visible(request.user).values("actor_id")).order_by("full_name")


def _units(request):
    return units_visible(request.user).order_by("path")


class AuditEntryFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditEntry.Action.choices, empty_label=_("All actions")
    )
    actor = ActorFilter(
        label=_("By"),
        queryset=_actors,
        null_label=_("The system (nobody signed in)"),
        empty_label=_("Anyone"),
    )
    at = DayRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    unit = UnitFilter(label=_("Unit"), queryset=_units, method="filter_unit", empty_label=_("All my units"))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_unit(self, queryset, name, unit):
        """The unit and everything below it."""
        return queryset.filter(unit_path__startswith=unit.path) if unit else queryset

    def description(self) -> dict:
        """The filters in words, for the record of an export."""
        if not self.is_valid():
            return {}
        data = self.form.cleaned_data
        described = {}
        if data.get("action"):
            described["action"] = str(AuditEntry.Action(data["action"]).label)
        if data.get("actor"):
            described["by"] = data["actor"].get_full_name()
        if data.get("at"):
            start, stop = data["at"].start, data["at"].stop
            described["from"] = start.strftime("%d/%m/%Y") if start else ""
            described["to"] = stop.strftime("%d/%m/%Y") if stop else ""
        if data.get("unit"):
            described["unit"] = data["unit"].name
        return {key: value for key, value in described.items() if value}


# --- Views ---------------------------------------------------------------------------------------------


class ChangesColumn(Column):
    def get_value(self, instance):
        return display.summary(instance.changes)


EXPORT_COLUMNS = (
    (_("Time"), lambda e: local_time(e.at)),
    (_("By"), actor_label),
    (_("Action"), lambda e: e.get_action_display()),
    (_("Object"), lambda e: e.object_repr),
    (_("Unit"), lambda e: e.unit_name),
    (_("What changed"), lambda e: display.summary_full(e.changes)),
    (_("IP address"), lambda e: e.ip_address),
)


class AuditIndexView(generic.IndexView):
    """The list. `?export=csv` streams the same filtered rows as CSV and records the export."""

    FORMATS = ("csv",)
    any_permission_required = ["view"]
    page_title = _("Audit trail")
    header_icon = "history"
    paginate_by = 50
    default_ordering = "-at"

    def get_base_queryset(self):
        return entries_visible(self.request.user)

    def order_queryset(self, queryset):
        return queryset.order_by("at", "pk") if self.ordering == "at" else queryset.order_by("-at", "-pk")

    def get_valid_orderings(self):
        return ["at", "-at"]

    @property
    def columns(self):
        return [
            TitleColumn(
                "at",
                label=_("Time"),
                accessor=lambda e: local_time(e.at),
                sort_key="at",
                url_name=self.inspect_url_name,
            ),
            Column("actor_name", label=_("By"), accessor=actor_label),
            Column("action", label=_("Action"), accessor="get_action_display"),
            Column("object_repr", label=_("Object")),
            Column("unit_name", label=_("Unit")),
            ChangesColumn("changes", label=_("What changed")),
        ]

    @property
    def show_export_buttons(self):
        return True

    @property
    def header_more_buttons(self):
        return [Button(_("Download CSV"), url=self.csv_export_url, icon_name="download", priority=100)]

    def get_filename(self):
        return f"nhat-ky-thao-tac_{timezone.localdate().isoformat()}"

    def get(self, request, *args, **kwargs):
        if self.is_export:  # straight to the stream: the page's table and pagination are not built
            return self.as_spreadsheet(self.get_queryset(), self.FORMAT_CSV)
        return super().get(request, *args, **kwargs)

    def _export_unit(self):
        """The unit the export concerns: the one filtered on, else an HR manager's only unit."""
        if self.filters and self.filters.is_valid() and self.filters.form.cleaned_data.get("unit"):
            return self.filters.form.cleaned_data["unit"]
        if scope_for(self.request.user).everything:
            return None
        roots = list(scope_roots(self.request.user)[:2])
        return roots[0] if len(roots) == 1 else None

    def as_spreadsheet(self, queryset, spreadsheet_format):
        filters = self.filters.description() if self.filters else {}
        audit_record(
            action=AuditEntry.Action.EXPORT,
            object_repr=_("Audit trail"),
            unit=self._export_unit(),
            changes={"exported": _("Audit trail (CSV)"), "filters": filters or _("none")},
        )
        headings = ([capfirst(str(heading)) for heading, _value in EXPORT_COLUMNS],)
        entries = ([value(entry) for _heading, value in EXPORT_COLUMNS] for entry in queryset.iterator(2000))
        response = StreamingHttpResponse(
            csv_lines(_chain(headings, entries)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{self.get_filename()}.csv")
        response["Cache-Control"] = "private, no-store"
        return response


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


INSPECT_FIELDS = ["at", "actor_name", "action", "object_repr", "unit_name", "changes", "ip_address"]


class AuditInspectView(generic.InspectView):
    any_permission_required = ["view"]
    fields = INSPECT_FIELDS

    def get_object(self, queryset=None):
        return get_object_or_404(entries_visible(self.request.user), pk=self.pk)

    def get_page_title(self):
        return _("Audit entry")

    def get_page_subtitle(self):
        return f"{local_time(self.object.at)} · {self.object.get_action_display()}"

    def get_at_display_value(self):
        return local_time(self.object.at)

    def get_actor_name_display_value(self):
        return actor_label(self.object)

    def get_changes_display_value(self):
        return render_to_string("audit/changes.html", {"lines": display.lines(self.object.changes)})

    def get_ip_address_display_value(self):
        return self.object.ip_address or display.EMPTY


class AuditViewSet(ModelViewSet):
    model = AuditEntry
    name = "audit_admin"
    url_prefix = "nhat-ky-thao-tac"
    icon = "history"
    menu_label = _("Audit trail")
    menu_order = 295
    add_to_admin_menu = True
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    inspect_view_enabled = True
    inspect_view_fields = INSPECT_FIELDS
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = AuditEntryFilterSet
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view in ("add", "edit", "delete", "history", "usage"):
            view_kwargs[f"{view}_url_name"] = None
        return view_kwargs

    def get_permissions_to_register(self):
        return Permission.objects.none()  # nothing to grant: who sees what follows the roles and scopes

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<id:pk>/", self.inspect_view, name="inspect"),
        ]
