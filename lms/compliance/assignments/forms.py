"""Forms of HR's assignment pages. They check the shape of what was typed; the rules (scope, dates, nobody
reached) are the service's, which the views call and whose errors they show on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms import dates
from lms.learning import structure
from lms.people.models import Official, OrgUnit, Position
from lms.validation import DateField, IdModelChoiceField

from ..models import Assignment
from ..services import MAX_DUE_DAYS, MAX_VALIDITY_MONTHS
from . import selectors as assignment_selectors


class UnitTreeField(IdModelChoiceField):
    """A unit chosen from the viewer's tree. Any active unit is looked up, so that a unit outside the
    scope reaches the view's scope check (403) instead of passing for a typing mistake."""

    def __init__(self, *, viewer, **kwargs):
        super().__init__(queryset=OrgUnit.objects.filter(is_active=True), **kwargs)
        self.choices = [
            ("", self.empty_label or "---------"),
            *assignment_selectors.unit_tree_choices(viewer),
        ]


class AssignmentForm(forms.Form):
    TARGET_UNIT, TARGET_PERSON = "unit", "person"

    course = IdModelChoiceField(
        queryset=None,
        label=_("Course"),
        empty_label=_("Choose a published course"),
        error_messages={"required": _("Choose a published course.")},
    )
    target = forms.ChoiceField(
        label=_("Assign to"),
        choices=[(TARGET_UNIT, _("A unit")), (TARGET_PERSON, _("One person"))],
        initial=TARGET_UNIT,
        widget=forms.RadioSelect,
    )
    unit = IdModelChoiceField(queryset=OrgUnit.objects.none(), required=False)  # see __init__
    include_subunits = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Include its subunits"),
        help_text=_("Offices and other units below it, and people who join them later."),
    )
    position = IdModelChoiceField(
        queryset=Position.objects.all(),
        required=False,
        label=_("Only this position"),
        empty_label=_("Every position"),
    )
    person_query = forms.CharField(
        required=False,
        max_length=150,
        label=_("Person"),
        help_text=_("Employee code, or part of the name, of an official in your units."),
    )
    person = IdModelChoiceField(
        queryset=Official.objects.filter(user__is_active=True).select_related("user", "unit"),
        required=False,
        widget=forms.HiddenInput,
    )
    due_kind = forms.ChoiceField(
        label=_("Due"),
        choices=Assignment.DueKind.choices,
        initial=Assignment.DueKind.FIXED,
        widget=forms.RadioSelect,
    )
    due_date = DateField(required=False, label=_("Due on"))
    due_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DUE_DAYS,
        label=_("Days to complete"),
        help_text=_("Counted from the day each person receives the assignment."),
    )
    validity_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_VALIDITY_MONTHS,
        label=_("Valid for (months)"),
        help_text=_(
            "For courses that must be taken again, e.g. 12: a new cycle opens before the completion expires. "
            "Leave empty when once is enough."
        ),
    )
    note = forms.CharField(
        required=False,
        max_length=300,
        label=_("Note"),
        help_text=_("Shown to HR with the assignment, e.g. the plan or decision it follows."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.candidates: list[Official] = []
        self.more_candidates = False
        self.fields["course"].queryset = structure.course_model().objects.live().order_by("title")
        self.fields["unit"] = UnitTreeField(
            viewer=viewer, required=False, label=_("Unit"), empty_label=_("Choose a unit")
        )

    def clean(self):
        data = super().clean()
        if data.get("target") == self.TARGET_UNIT:
            if not data.get("unit") and "unit" not in self.errors:
                self.add_error("unit", _("Choose a unit."))
            data["person"] = None
        elif data.get("target") == self.TARGET_PERSON:
            data["unit"], data["position"] = None, None
            self._clean_person(data)
        if data.get("due_kind") == Assignment.DueKind.FIXED:
            data["due_days"] = None
            due_date = data.get("due_date")
            if due_date is None and "due_date" not in self.errors:
                self.add_error("due_date", _("Enter the date by which the course must be completed."))
            elif due_date is not None and due_date < dates.today():
                self.add_error(
                    "due_date",
                    _("The due date %(date)s has already passed.") % {"date": dates.date_vn(due_date)},
                )
        elif data.get("due_kind") == Assignment.DueKind.RELATIVE:
            data["due_date"] = None
            if data.get("due_days") is None and "due_days" not in self.errors:
                self.add_error("due_days", _("Enter the number of days to complete the course."))
        return data

    def _clean_person(self, data) -> None:
        """The person comes from the search: an exact employee code, the only match, or the one picked among
        several matches (then posted as `person`, and kept only while it still fits the search)."""
        query = (data.get("person_query") or "").strip()
        chosen = data.get("person")
        if chosen is not None and (not query or _fits(chosen, query)):
            return
        data["person"] = None
        if not query:
            self.add_error("person_query", _("Enter an employee code or a name."))
            return
        matches = assignment_selectors.officials_matching(self.viewer, query)
        if len(matches) == 1:
            data["person"] = matches[0]
        elif not matches:
            self.add_error(
                "person_query", _("No active official in your units matches “%(query)s”.") % {"query": query}
            )
        else:
            self.more_candidates = len(matches) > assignment_selectors.MAX_PERSON_MATCHES
            self.candidates = matches[: assignment_selectors.MAX_PERSON_MATCHES]
            self.add_error("person_query", _("Several officials match: choose one below."))

    def draft(self) -> Assignment:
        """The assignment as it would be created, unsaved: for the people count of the confirmation."""
        data = self.cleaned_data
        person = data.get("person")
        return Assignment(
            course_id=data["course"].pk,
            unit=data.get("unit"),
            include_subunits=bool(data.get("include_subunits")) if data.get("unit") else False,
            position=data.get("position"),
            user=person.user if person else None,
            due_kind=data["due_kind"],
            due_date=data.get("due_date"),
            due_days=data.get("due_days"),
            validity_months=data.get("validity_months"),
            note=data.get("note") or "",
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        person = data.get("person")
        return {
            "course": data["course"],
            "unit": data.get("unit"),
            "include_subunits": bool(data.get("include_subunits")),
            "position": data.get("position"),
            "user": person.user if person else None,
            "due_date": data.get("due_date"),
            "due_days": data.get("due_days"),
            "validity_months": data.get("validity_months"),
            "note": (data.get("note") or "").strip(),
        }


def _fits(official: Official, query: str) -> bool:
    query = query.casefold()
    return official.employee_code.casefold() == query or query in official.user.get_full_name().casefold()


class ExemptForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label=_("Reason for the exemption"),
        help_text=_("Kept with the record and shown in reports, e.g. “Trained at the Department in 2025”."),
        error_messages={"required": _("Give the reason for the exemption.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the exemption."))
        return reason
