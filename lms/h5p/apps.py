from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "lms.h5p"
    label = "h5p"
    verbose_name = _("H5P activities")

    def ready(self):
        # H5P packages are the main user of the private storage: register its system check.
        from lms import storage  # noqa: F401
