"""Forms of the organisation's admin pages: units, positions and the officials import.

The officials list filters with a WagtailFilterSet (official_views.py); its unit filter shows units the
way these forms do (`UnitChoiceField`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from lms.validation import IdModelChoiceField

from .importing import MAX_FILE_BYTES
from .models import OrgUnit, Position
from .scope import units_visible

CODE_HELP = gettext_lazy("Letters without diacritics, digits, dots, dashes or underscores; unique.")


class UnitChoiceField(IdModelChoiceField):
    """Units in tree order, indented by depth below the shallowest unit offered."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by("path"), **kwargs)

    @cached_property
    def base_depth(self) -> int:
        return self.queryset.aggregate(depth=Min("depth"))["depth"] or 1

    def label_from_instance(self, unit):
        return f"{'— ' * max(0, unit.depth - self.base_depth)}{unit.name} ({unit.code})"


class UnitAddForm(forms.Form):
    parent = IdModelChoiceField(OrgUnit.objects.none(), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=50,
        help_text=CODE_HELP,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=OrgUnit.Kind.choices, initial=OrgUnit.Kind.WARD
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitChoiceField(
            OrgUnit.objects.all(),
            required=False,
            label=gettext_lazy("Inside the unit"),
            empty_label=gettext_lazy("— none: a top-level unit —"),
        )


class UnitMoveForm(forms.Form):
    new_parent = IdModelChoiceField(OrgUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = UnitChoiceField(
            OrgUnit.objects.all(), label=gettext_lazy("New parent unit"), empty_label=None
        )


class PositionForm(WagtailAdminModelForm):
    """Adding a position (organisation_views.PositionViewSet); saved by `services.position_create`."""

    class Meta:
        model = Position
        fields = ["name", "code"]
        labels = {"name": gettext_lazy("Name"), "code": gettext_lazy("Code")}
        help_texts = {"code": CODE_HELP}


class ImportOptionsForm(forms.Form):
    deactivate_missing = forms.BooleanField(
        required=False,
        label=gettext_lazy("Deactivate officials of my units who are not in the file (leavers)"),
        help_text=gettext_lazy(
            "Their accounts can no longer sign in; their records stay. The preview lists them first."
        ),
    )
    leavers_under = IdModelChoiceField(OrgUnit.objects.none(), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leavers_under"] = UnitChoiceField(
            units_visible(viewer),
            required=False,
            label=gettext_lazy("Look for leavers only in"),
            empty_label=gettext_lazy("All my units"),
        )

    def options(self) -> dict:
        return {
            "deactivate_missing": self.cleaned_data["deactivate_missing"],
            "leavers_under": self.cleaned_data["leavers_under"],
        }


class ImportUploadForm(ImportOptionsForm):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("A .xlsx or .csv file laid out like the template, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    field_order = ["file", "deactivate_missing", "leavers_under"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES >> 20})
        return upload
