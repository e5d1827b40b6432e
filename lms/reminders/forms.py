from django import forms
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.validation import IdListField

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


# Administration -------------------------------------------------------------------------------------------

TEMPLATE_VARIABLES = (
    ("person", _("the recipient's full name")),
    ("course", _("the course title")),
    ("due", _("the due date (dd/mm/yyyy)")),
    ("days", _("days before the due date (due soon)")),
    ("days_late", _("days since the due date (overdue)")),
    ("action_url", _("the link to continue the course (or the certificate, or the notification centre)")),
    ("action", _("the label of the button")),
    ("lines", _("the built-in paragraphs of this kind of message (a list)")),
    ("unsubscribe_url", _("the one-click unsubscribe link")),
    ("preferences_url", _("the link to the email preferences")),
    ("message", _("the sender's own words (nudges)")),
    ("sender", _("the name of the person who sent a nudge")),
    ("rows", _("the lines of a digest: each has name, unit, course, due, days_late, email, phone")),
    ("site_name", _("the name of the platform")),
)


def template_error(source: str) -> str | None:
    """None when the Django template compiles, else the error in words."""
    try:
        Template(source)
    except TemplateSyntaxError as error:
        return str(error)
    return None


class EmailTemplateForm(WagtailAdminModelForm):
    """Refuses a template that does not compile, with the error in the field instead of a server error."""

    def _compiled(self, name: str) -> str:
        source = self.cleaned_data.get(name) or ""
        error = template_error(source)
        if error is not None:
            raise forms.ValidationError(
                _("This template has an error and cannot be used: %(error)s"),
                code="template_syntax",
                params={"error": error},
            )
        return source

    def clean_subject(self):
        subject = self._compiled("subject")
        if "\n" in subject or "\r" in subject:
            raise forms.ValidationError(_("The subject must fit on one line."), code="subject_lines")
        return subject

    def clean_text_body(self):
        return self._compiled("text_body")

    def clean_html_body(self):
        return self._compiled("html_body")


class NudgeForm(forms.Form):
    """The selection and the message. Ids outside the sender's reach are dropped by the service."""

    obligations = IdListField(error_messages={"required": _("Select at least one person.")})
    message = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Your message (optional)"),
        help_text=_("Added to the reminder, with your name."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
