from django.urls import path

from . import offline_views

app_name = "course_offline"

urlpatterns = [
    path("khoa-hoc/<id:course_id>/", offline_views.course_download, name="manifest"),
]
