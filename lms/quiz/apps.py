from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizConfig(AppConfig):
    name = "lms.quiz"
    label = "quiz"
    verbose_name = _("Quizzes")

    def ready(self):
        from . import bank_cache  # noqa: F401 — its receivers make a new version of the cached question bank
