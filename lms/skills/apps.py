from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "lms.skills"
    label = "skills"
    verbose_name = _("Digital skills")

    def ready(self):
        from lms.learning.links import TOP, my_learning_link_register

        from . import receivers  # noqa: F401  (new evidence → levels recomputed after the commit)

        my_learning_link_register(
            place=TOP, url_name="skills:mine", label=_("My digital skills"), html_id="my-skills-link"
        )
