"""Forms of the skills admin: the competence editor keeps the tree a tree; the import upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

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
