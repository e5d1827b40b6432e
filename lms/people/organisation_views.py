"""The organisation's units and positions in the Wagtail admin.

HR managers see the subtrees they manage; only administrators change the tree (add or move units) and add
positions. Views check this on the server (permissions.py), call services and selectors, and stay thin.
"""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from lms.http import problem
from lms.validation import parse_id

from .admin_forms import PositionForm, UnitAddForm, UnitMoveForm
from .models import Official, OrgUnit, Position
from .permissions import CHANGE_UNITS, MANAGE_ORGANISATION, permission_required
from .scope import is_administrator, scope_for
from .selectors import unit_tree
from .services import PeopleError, position_create, unit_create, unit_move

manager_required = permission_required(MANAGE_ORGANISATION)
administrator_required = permission_required(CHANGE_UNITS, units=False)


@manager_required
def units(request):
    return render(
        request,
        "people/admin/units.html",
        {"rows": unit_tree(viewer=request.user), "is_admin": is_administrator(request.user)},
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


@manager_required
def positions(request):
    is_admin = is_administrator(request.user)
    form = PositionForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            return problem(
                request,
                message=_("Only an administrator may add positions."),
                status=403,
                back_url=reverse("people_admin:positions"),
            )
        if form.is_valid():
            try:
                position = position_create(name=form.cleaned_data["name"], code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The position “%(name)s” was added.") % {"name": position.name})
                return redirect("people_admin:positions")
    scope = scope_for(request.user)
    listed = Position.objects.annotate(
        officials_count=Count(
            "officials",
            filter=Q(officials__user__is_active=True) & scope.unit_q("officials__unit__path"),
        )
    ).order_by("name")
    return render(
        request, "people/admin/positions.html", {"positions": listed, "form": form, "is_admin": is_admin}
    )
