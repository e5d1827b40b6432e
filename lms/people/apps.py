from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("People and roles")

    def ready(self):
        from django.db.backends.signals import connection_created

        from lms.collation import sqlite_register
        from lms.validation import register_converters

        from . import (
            permission_cache,
            sessions,  # noqa: F401 — connects the login receiver that starts the idle clock
        )

        permission_cache.connect()

        connection_created.connect(sqlite_register, dispatch_uid="lms.collation.sqlite_register")
        register_converters()  # `<id:…>` in every URL configuration, read after the apps are ready
