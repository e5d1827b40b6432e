"""The organisation's admin URLs, all in the `people_admin` namespace (wagtail_hooks.py mounts them).

The officials and positions lists are Wagtail viewsets; their URLs are mounted here, under the names the
pages always had, rather than in namespaces of their own.
"""

from django.urls import path

from . import import_views, official_views, organisation_views

app_name = "people_admin"

urlpatterns = [
    path("", organisation_views.units, name="units"),
    path("units/add/", organisation_views.unit_add, name="unit_add"),
    path("units/<id:pk>/move/", organisation_views.unit_move_view, name="unit_move"),
    *organisation_views.PositionViewSet().get_urlpatterns(),
    *official_views.OfficialViewSet().get_urlpatterns(),
    path(
        "officials/<id:pk>/deactivate/", official_views.official_deactivate_view, name="official_deactivate"
    ),
    path("officials/<id:pk>/welcome/", official_views.official_welcome, name="official_welcome"),
    path("import/", import_views.import_upload, name="import"),
    path("import/preview/", import_views.import_preview, name="import_preview"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/cancel/", import_views.import_cancel, name="import_cancel"),
    path("import/template.<str:fmt>", import_views.import_template, name="import_template"),
]
