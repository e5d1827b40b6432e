"""HR's two lists of mandatory training on Wagtail's generic views: the assignments (the viewset's index, with
filters, columns and Wagtail's pagination) and an assignment's people (its page).

Both start from the scoped selectors (`selectors.assignments_visible`, `selectors.assignment_people_queryset`)
and open only for `compliance.manage_assignments` with a unit in scope (`ScopedPermissionPolicy`). The
other pages (the form, withdrawal, exemptions: views.py) are mounted by the same viewset, under the same
namespace, `compliance_assignments`. Figures and reasons are computed for the page shown, in a fixed number
of queries.
"""

import django_filters
from django.contrib.auth.models import Permission
from django.db.models import Min, Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from lms.people.models import OrgUnit
from lms.people.permissions import ScopedPermissionPolicy
from lms.people.scope import scope_for
from lms.validation import IdModelChoiceField

from ..models import Assignment, Obligation, ObligationSource
from ..status import Status, status_q
from . import selectors as queries
from . import urls

MANAGE_ASSIGNMENTS = "compliance.manage_assignments"
ASSIGNMENTS_PER_PAGE = 25
PEOPLE_PER_PAGE = 50
ACTIVE, WITHDRAWN, ALL = "active", "withdrawn", "all"

register_permission_policy(Assignment, ScopedPermissionPolicy(Assignment, permission=MANAGE_ASSIGNMENTS))
PEOPLE_POLICY = ScopedPermissionPolicy(Obligation, permission=MANAGE_ASSIGNMENTS)  # this view's only


# --- Filters -------------------------------------------------------------------------------------------


class IdChoiceFilterField(django_filters.fields.ModelChoiceField, IdModelChoiceField):
    """django-filter's model choice with the project's id check (a 70-digit id is a bad choice, no crash)."""


class UnitTreeFilterField(IdChoiceFilterField):
    """The viewer's units in tree order, each indented by its depth below the top of their scope."""

    @cached_property
    def top(self) -> int:
        return self.queryset.aggregate(top=Min("depth"))["top"] or 1

    def label_from_instance(self, unit):
        depth = unit.depth - self.top
        return "\u2003" * depth + ("— " if depth else "") + unit.name


class CourseFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceFilterField


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitTreeFilterField


def _courses(request):
    visible = queries.assignments_visible(request.user)
    return Page.objects.filter(pk__in=visible.values("course_id")).order_by("title")


def _units(request):
    return OrgUnit.objects.filter(scope_for(request.user).unit_q(), is_active=True).order_by("path")


class AssignmentFilterSet(WagtailFilterSet):
    course = CourseFilter(label=_("Course"), queryset=_courses, empty_label=_("All courses"))
    unit = UnitFilter(label=_("Unit"), queryset=_units, method="filter_unit", empty_label=_("All units"))
    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(ACTIVE, _("Active")), (WITHDRAWN, _("Withdrawn")), (ALL, _("All"))],
        method="filter_state",
        empty_label=None,
    )

    class Meta:
        model = Assignment
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("state"):  # the active assignments unless asked otherwise
            data = data.copy()
            data["state"] = ACTIVE
        super().__init__(data, *args, **kwargs)
        self.form.fields["state"].initial = ACTIVE

    def filter_unit(self, queryset, name, unit):
        """The assignments made to the unit's subtree or reaching people in it."""
        if unit is None:
            return queryset
        in_unit = ObligationSource.objects.filter(obligation__unit__path__startswith=unit.path).values(
            "assignment_id"
        )
        return queryset.filter(
            Q(unit__path__startswith=unit.path)
            | Q(user__official__unit__path__startswith=unit.path)
            | Q(pk__in=in_unit)
        )

    def filter_state(self, queryset, name, state):
        if state == WITHDRAWN:
            return queryset.filter(withdrawn_at__isnull=False)
        if state == ALL:
            return queryset
        return queryset.filter(withdrawn_at__isnull=True)


class PeopleFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status", empty_label=_("All statuses")
    )

    class Meta:
        model = Obligation
        fields = []

    def filter_status(self, queryset, name, status):
        return queryset.filter(status_q(status, timezone.now())) if status else queryset


# --- Columns -------------------------------------------------------------------------------------------


class TemplateColumn(Column):
    """A cell drawn by a small template of this app (two lines, a status tag); the row is `instance`."""

    def __init__(self, name, *, template, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = template


def _cell(name: str) -> str:
    return f"compliance/assignments/cells/{name}.html"


class AssignmentTable(Table):
    def get_row_attrs(self, instance):
        return {"class": "assignment-row", "data-assignment": instance.pk}


class PeopleTable(Table):
    def get_row_attrs(self, row):
        return {"class": "person-row", "data-obligation": row.obligation.pk, "data-status": row.status}


# --- The assignments -----------------------------------------------------------------------------------


class AssignmentIndexView(generic.IndexView):
    any_permission_required = ["view"]
    page_title = _("Mandatory training")
    header_icon = "clipboard-list"
    add_item_label = _("Assign a course")
    paginate_by = ASSIGNMENTS_PER_PAGE
    table_class = AssignmentTable
    results_template_name = "compliance/assignments/index_results.html"

    def get_base_queryset(self):
        return queries.assignments_visible(self.request.user).select_related(
            "course", "unit", "position", "user__official", "created_by", "withdrawn_by"
        )

    def order_queryset(self, queryset):
        return queryset.order_by("-created_at", "-pk")

    def get_valid_orderings(self):
        return []

    def filter_queryset(self, queryset):
        if self.filters is None or not self.filters.is_valid():
            return queryset.filter(withdrawn_at__isnull=True)  # a bad filter shows the default list
        return super().filter_queryset(queryset)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "attrs": {"id": "assignment-list"}}

    def paginate_queryset(self, queryset, page_size):
        """The page's assignments with their figures (one query) and what a row says about them."""
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(rows)
        figures = queries.assignment_figures(
            viewer=self.request.user, assignment_ids=[a.pk for a in rows], now=timezone.now()
        )
        for assignment in rows:
            assignment.figures = figures.get(assignment.pk, queries.AssignmentFigures())
            assignment.managed = queries.is_managed(self.request.user, assignment)
            assignment.target = queries.describe_target(assignment)
            assignment.due = queries.describe_due(assignment)
            assignment.validity = queries.describe_validity(assignment)
        return paginator, page, rows, is_paginated

    @cached_property
    def columns(self):
        return [
            TemplateColumn("course", label=_("Course"), template=_cell("course")),
            TemplateColumn("target", label=_("Assigned to"), template=_cell("target")),
            TemplateColumn("due", label=_("Due and validity"), template=_cell("due")),
            Column(
                "reached",
                label=_("People reached in your units"),
                accessor="figures.reached",
                classname="reached",
            ),
            TemplateColumn("completed", label=_("Completed"), template=_cell("completed")),
            TemplateColumn("created_by", label=_("Assigned by"), template=_cell("created_by")),
        ]


# --- An assignment's people ----------------------------------------------------------------------------


class AssignmentPeopleView(generic.IndexView):
    """An assignment's page: what it asks, how many people are in each status, and its people in the viewer's
    units, each with their status, its reason and the exemption action."""

    model = Obligation
    any_permission_required = ["view"]
    header_icon = "clipboard-list"
    paginate_by = PEOPLE_PER_PAGE
    table_class = PeopleTable
    filterset_class = PeopleFilterSet
    template_name = "compliance/assignments/detail.html"
    results_template_name = "compliance/assignments/people_results.html"
    index_url_name = "compliance_assignments:detail"
    index_results_url_name = "compliance_assignments:detail_results"

    @cached_property
    def assignment(self) -> Assignment:
        """An assignment the viewer can see; anything else answers 404."""
        return get_object_or_404(
            queries.assignments_visible(self.request.user).select_related(
                "course", "unit", "position", "user__official", "created_by", "withdrawn_by"
            ),
            pk=self.kwargs["pk"],
        )

    @cached_property
    def now(self):
        return timezone.now()

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.assignment.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.assignment.pk])

    def get_page_title(self):
        return self.assignment.course.title

    def get_page_subtitle(self):
        return queries.describe_target(self.assignment)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("compliance_assignments:index"), "label": _("Mandatory training")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def can_withdraw(self) -> bool:
        return self.assignment.withdrawn_at is None and queries.is_managed(self.request.user, self.assignment)

    @cached_property
    def header_buttons(self):
        if not self.can_withdraw:
            return []
        url = reverse("compliance_assignments:withdraw", args=[self.assignment.pk])
        return [HeaderButton(_("Withdraw assignment"), url=url, icon_name="cross")]

    def get_base_queryset(self):
        return queries.assignment_people_queryset(self.assignment, viewer=self.request.user, now=self.now)

    def order_queryset(self, queryset):
        return queryset.order_by("unit__name", "user__full_name", "pk")

    def get_valid_orderings(self):
        return []

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "attrs": {"id": "people-list"}}

    def paginate_queryset(self, queryset, page_size):
        """The page's people with their status and its reason (two queries for the whole page)."""
        paginator, page, obligations, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = queries.people_rows(list(obligations), course=self.assignment.course, now=self.now)
        return paginator, page, rows, is_paginated

    @cached_property
    def columns(self):
        return [
            TemplateColumn("person", label=_("Person"), template=_cell("person")),
            Column("unit", label=_("Unit"), accessor="obligation.unit.name"),
            TemplateColumn("status", label=_("Status"), template=_cell("status")),
            Column("reason", label=_("Why")),
            TemplateColumn("actions", label=_("Actions"), template=_cell("exemption")),
        ]

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return _("Nobody has this status.")
        return _("This assignment reaches nobody at the moment.")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.results_only:
            return context
        counts = queries.status_counts_of(self.assignment, viewer=self.request.user, now=self.now)
        return {
            **context,
            "assignment": self.assignment,
            "can_withdraw": self.can_withdraw,
            "counts": [(s, s.label, counts.get(s.value, 0)) for s in Status],
            "total": sum(counts.values()),
            "target": queries.describe_target(self.assignment),
            "due": queries.describe_due(self.assignment),
            "validity": queries.describe_validity(self.assignment),
        }


# --- The viewset ---------------------------------------------------------------------------------------


class AssignmentViewSet(ModelViewSet):
    """/admin/dao-tao-bat-buoc/: the list and an assignment's people on Wagtail's generic views, and the
    form, withdrawal and exemption pages (urls.py) under the same namespace. The menu item is
    wagtail_hooks.py's."""

    model = Assignment
    name = "compliance_assignments"
    url_prefix = "dao-tao-bat-buoc"
    icon = "clipboard-list"
    add_to_admin_menu = False
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = AssignmentIndexView
    filterset_class = AssignmentFilterSet
    list_per_page = ASSIGNMENTS_PER_PAGE

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view in ("edit", "delete", "history", "usage"):
            view_kwargs[f"{view}_url_name"] = None
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        return {**super().get_index_view_kwargs(**kwargs), "add_url_name": self.get_url_name("create")}

    def get_permissions_to_register(self):
        return Permission.objects.none()  # compliance.manage_assignments is declared on the model

    @cached_property
    def people_view(self):
        return AssignmentPeopleView.as_view(permission_policy=PEOPLE_POLICY)

    @cached_property
    def people_results_view(self):
        return AssignmentPeopleView.as_view(
            permission_policy=PEOPLE_POLICY,
            results_only=True,
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<id:pk>/", self.people_view, name="detail"),
            path("<id:pk>/results/", self.people_results_view, name="detail_results"),
            *urls.urlpatterns,
        ]
