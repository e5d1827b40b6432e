from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from . import receivers  # noqa: F401 — connects the signal handlers
        from .slugs import VietnameseSlugInput

        # Every slug in the admin (pages, quizzes) is filled the Vietnamese way (see courses/slugs.py).
        register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})
