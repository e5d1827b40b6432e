"""The organisation's units and positions in the Wagtail admin.

HR managers see the subtrees they manage; only administrators change the tree (add or move units) and add
positions. The unit tree is a page of its own (a tree is not a flat list) on Wagtail's admin layout; the
positions are Wagtail's generic list and add form. Every check is permissions.py's.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.validation import parse_id

from .admin_forms import PositionForm, UnitAddForm, UnitMoveForm
from .models import Official, OrgUnit, Position
from .permissions import (
    CHANGE_UNITS,
    MANAGE_ORGANISATION,
    ScopedPermissionPolicy,
    allows,
    permission_required,
)
from .scope import scope_for
from .selectors import unit_tree
from .services import PeopleError, position_create, unit_create, unit_move

manager_required = permission_required(MANAGE_ORGANISATION)
administrator_required = permission_required(CHANGE_UNITS, units=False)


@manager_required
def units(request):
    return render(
        request,
        "people/admin/units.html",
        {"rows": unit_tree(viewer=request.user), "is_admin": allows(request.user, CHANGE_UNITS, units=False)},
    )


@administrator_required
def unit_add(request):
    initial = {}
    parent_id = parse_id(request.GET.get("parent", ""))
    if parent_id is not None:
        initial["parent"] = OrgUnit.objects.filter(pk=parent_id).first()
    form = UnitAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_create(name=data["name"], code=data["code"], kind=data["kind"], parent=data["parent"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The unit “%(unit)s” was added.") % {"unit": unit.name})
            return redirect("people_admin:units")
    return render(request, "people/admin/unit_add.html", {"form": form})


@administrator_required
def unit_move_view(request, pk: int):
    unit = get_object_or_404(OrgUnit, pk=pk)
    parent = unit.get_parent()
    form = UnitMoveForm(request.POST or None, initial={"new_parent": parent})
    if request.method == "POST" and form.is_valid():
        try:
            moved = unit_move(unit=unit, new_parent=form.cleaned_data["new_parent"])
        except PeopleError as exc:
            form.add_error("new_parent", exc.message)
        else:
            messages.success(
                request,
                _("“%(unit)s” is now inside “%(parent)s”.")
                % {"unit": moved.name, "parent": form.cleaned_data["new_parent"].name},
            )
            return redirect("people_admin:units")
    subtree = OrgUnit.objects.filter(path__startswith=unit.path)
    return render(
        request,
        "people/admin/unit_move.html",
        {
            "unit": unit,
            "parent": parent,
            "form": form,
            "sub_units": subtree.count() - 1,
            "officials": Official.objects.filter(unit__path__startswith=unit.path).count(),
        },
    )


# --- Positions: Wagtail's generic list and add form ----------------------------------------------------

register_permission_policy(
    Position,
    ScopedPermissionPolicy(Position, permission=MANAGE_ORGANISATION, change_permission=CHANGE_UNITS),
)


class PositionIndexView(generic.IndexView):
    page_title = gettext_lazy("Positions")
    header_icon = "tag"
    add_item_label = gettext_lazy("Add a position")

    def get_base_queryset(self):
        scope = scope_for(self.request.user)
        return Position.objects.annotate(
            officials_count=Count(
                "officials",
                filter=Q(officials__user__is_active=True) & scope.unit_q("officials__unit__path"),
            )
        ).order_by("name")

    @cached_property
    def no_results_message(self):
        return _("No position yet.")

    @property
    def columns(self):
        return [
            Column("name", label=_("Position")),
            Column("code", label=_("Code"), classname="w-whitespace-nowrap"),
            Column("officials_count", label=_("Active officials in my units")),
        ]


class PositionCreateView(generic.CreateView):
    page_title = gettext_lazy("Add a position")

    def save_instance(self):
        data = self.form.cleaned_data
        return position_create(name=data["name"], code=data["code"])

    def get_success_message(self, instance):
        return _("The position “%(name)s” was added.") % {"name": instance.name}

    def get_success_buttons(self):
        return []  # positions have no edit page


class PositionViewSet(ModelViewSet):
    """Positions, mounted inside `people_admin` (admin_urls.py): HR managers look, administrators add."""

    model = Position
    icon = "tag"
    url_namespace = "people_admin"
    index_view_class = PositionIndexView
    list_per_page = 50
    add_view_class = PositionCreateView
    add_to_reference_index = False
    edit_handler = ObjectList([FieldPanel("name"), FieldPanel("code")], base_form_class=PositionForm)
    URL_NAMES = {"index": "positions", "add": "position_add"}

    def get_url_name(self, view_name):
        name = self.URL_NAMES.get(view_name)
        return name and f"{self.url_namespace}:{name}"  # None: a view positions do not have

    def get_urlpatterns(self):
        return [
            path("positions/", self.index_view, name="positions"),
            path("positions/add/", self.add_view, name="position_add"),
        ]
