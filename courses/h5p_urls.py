from django.urls import path

from . import h5p_views

app_name = "lesson_h5p"

urlpatterns = [
    path("xapi/", h5p_views.xapi_statement, name="xapi"),
    path("trang-thai/", h5p_views.state_save, name="state"),
]
