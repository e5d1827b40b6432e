from django.apps import AppConfig


class BarePageConfig(AppConfig):
    name = "bench.barepage"
    label = "barepage"
