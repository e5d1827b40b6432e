from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "lms.skills"
    label = "skills"
    verbose_name = _("Digital skills")

    def ready(self):
        from . import receivers  # noqa: F401  (new evidence → levels recomputed after the commit)
