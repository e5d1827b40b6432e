"""Forms of the skills admin: the competence editor keeps the tree a tree; the import upload; a rating."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.validation import IdModelChoiceField

from .interchange import MAX_FILE_BYTES
from .services import competency_check_parent


class CompetencyForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        framework_id = (
            self.instance.framework_id or self.data.get("framework") or self.initial.get("framework")
        )
        if "parent" in self.fields:
            parents = self.fields["parent"].queryset.filter(archived_at__isnull=True)
            if framework_id and str(framework_id).isdigit():
                parents = parents.filter(framework_id=framework_id)
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
            self.fields["parent"].queryset = parents
        if "related" in self.fields and framework_id and str(framework_id).isdigit():
            self.fields["related"].queryset = (
                self.fields["related"].queryset.filter(framework_id=framework_id).exclude(pk=self.instance.pk)
            )

    def clean(self):
        cleaned = super().clean()
        framework, parent = cleaned.get("framework"), cleaned.get("parent")
        if framework is not None:
            self.instance.framework = framework
            try:
                competency_check_parent(competency=self.instance, parent=parent)
            except ValidationError as error:
                self.add_error("parent", error)
        return cleaned


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_("The CSV file of a competency framework as Moodle exports it (UTF-8), at most %(mb)d MB.")
        % {"mb": MAX_FILE_BYTES // 2**20},
    )


def _check_level(form, competency, level, field="level"):
    if competency is not None and level is not None:
        numbers = set(competency.framework.levels.values_list("number", flat=True))
        if level not in numbers:
            form.add_error(
                field,
                _("The scale of “%(framework)s” has the levels %(levels)s.")
                % {"framework": competency.framework, "levels": ", ".join(map(str, sorted(numbers)))},
            )


class EvidenceForm(WagtailAdminModelForm):
    """The source matching the kind is required; the others are cleared; the level is on the scale."""

    SOURCE_FIELD = {
        "course": "page",
        "lesson": "page",
        "category": "category",
        "question": "question",
        "activity": "activity",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "competency" in self.fields:
            self.fields["competency"].queryset = self.fields["competency"].queryset.filter(
                archived_at__isnull=True
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        competency = cleaned.get("competency")
        _check_level(self, competency, cleaned.get("level"))
        if not kind:
            return cleaned
        wanted = self.SOURCE_FIELD[kind]
        for name in ("page", "category", "question", "activity"):
            if name != wanted:
                cleaned[name] = None
        source = cleaned.get(wanted)
        if source is None:
            self.add_error(wanted, _("Choose what this evidence is about."))
            return cleaned
        if kind in ("course", "lesson"):
            expected = settings.LEARNING_COURSE_MODEL if kind == "course" else settings.LEARNING_LESSON_MODEL
            if source.specific_class is None or source.specific_class._meta.label != expected:
                message = _("Choose a course page.") if kind == "course" else _("Choose a lesson page.")
                self.add_error("page", message)
        return cleaned

    def save(self, commit=True):
        evidence = super().save(commit=False)
        for name in ("page", "category", "question", "activity"):
            if name != self.SOURCE_FIELD[evidence.kind]:
                setattr(evidence, name, None)
        source = evidence.source
        evidence.label = (getattr(source, "title", None) or getattr(source, "name", None) or str(source))[
            :300
        ]
        if commit:
            evidence.save()
        return evidence


class ExpectedLevelForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "competency" in self.fields:
            self.fields["competency"].queryset = self.fields["competency"].queryset.filter(
                archived_at__isnull=True
            )

    def clean(self):
        cleaned = super().clean()
        _check_level(self, cleaned.get("competency"), cleaned.get("level"))
        return cleaned


class RatingForm(forms.Form):
    """A level and a note. HR rates one competence (its scale's `levels`); a trainer chooses among the
    `competencies` linked to their course, and the level must then be on the chosen one's scale."""

    competency = IdModelChoiceField(label=_("Competence"), queryset=None, required=False)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int)
    note = forms.CharField(
        label=_("Note on the level"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What you saw: the person sees this note with their level."),
    )

    def __init__(self, *args, levels, competencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {}
        for level in levels:
            choices.setdefault(level.number, str(level))
        self.fields["level"].choices = sorted(choices.items())
        if competencies is None:
            del self.fields["competency"]
        else:
            self.fields["competency"].queryset = competencies
            self.fields["competency"].required = True

    def clean(self):
        cleaned = super().clean()
        if "competency" in self.fields:
            _check_level(self, cleaned.get("competency"), cleaned.get("level"))
        return cleaned
