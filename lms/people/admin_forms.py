"""Forms of the organisation's admin pages: units, positions and the officials import.

The officials list filters with a WagtailFilterSet (official_views.py), not with a form here.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.validation import IdModelChoiceField

from .importing import MAX_FILE_BYTES
from .models import OrgUnit
from .scope import units_visible


class UnitChoiceField(IdModelChoiceField):
    """Units in tree order, indented by depth."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by("path"), **kwargs)
        self.base_depth = 1

    def label_from_instance(self, unit):
        return f"{'— ' * max(0, unit.depth - self.base_depth)}{unit.name} ({unit.code})"


def unit_field(queryset, **kwargs) -> UnitChoiceField:
    field = UnitChoiceField(queryset, **kwargs)
    field.base_depth = min((d for d in queryset.values_list("depth", flat=True)), default=1)
    return field


class UnitAddForm(forms.Form):
    parent = IdModelChoiceField(OrgUnit.objects.none(), required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=50,
        help_text=gettext_lazy("Letters without diacritics, digits, dots, dashes or underscores; unique."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=OrgUnit.Kind.choices, initial=OrgUnit.Kind.WARD
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = unit_field(
            OrgUnit.objects.all(),
            required=False,
            label=gettext_lazy("Inside the unit"),
            empty_label=gettext_lazy("— none: a top-level unit —"),
        )


class UnitMoveForm(forms.Form):
    new_parent = IdModelChoiceField(OrgUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = unit_field(
            OrgUnit.objects.all(), label=gettext_lazy("New parent unit"), empty_label=None
        )


class PositionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=50,
        help_text=gettext_lazy("Letters without diacritics, digits, dots, dashes or underscores; unique."),
    )


class OfficialFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name, code or email"), required=False, max_length=100)
    unit = IdModelChoiceField(OrgUnit.objects.none(), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("active", gettext_lazy("Active")),
            ("inactive", gettext_lazy("Deactivated")),
            ("all", gettext_lazy("All")),
        ],
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = unit_field(
            units_visible(viewer),
            required=False,
            label=gettext_lazy("Unit (and the units below it)"),
            empty_label=gettext_lazy("All my units"),
        )


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
        self.fields["leavers_under"] = unit_field(
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
