from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class PreferenceForm(forms.Form):
    muted_kinds = forms.MultipleChoiceField(
        label=_("Turn off these emails"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They still appear in your notification centre."),
    )
    mandatory_in_digest = forms.BooleanField(
        label=_("Receive mandatory notices in the weekly digest instead of one by one"),
        required=False,
        help_text=_(
            "Mandatory notices (new mandatory courses, due today, overdue, recertification) cannot be "
            "turned off. Messages sent by hand by your HR manager always arrive one by one."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_kinds"].choices = [(kind.value, kind.label) for kind in selectors.optional_kinds()]
