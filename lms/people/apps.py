from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("People and roles")

    def ready(self):
        from lms.validation import register_converters

        from . import sessions  # noqa: F401 — connects the login receiver that starts the idle clock

        register_converters()  # `<id:…>` in every URL configuration, read after the apps are ready
