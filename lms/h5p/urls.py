from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("choi/<str:token>/", views.player, name="player"),
    path("choi/<str:token>/h5p.json", views.h5p_json, name="h5p_json"),
    path("choi/<str:token>/content/<path:path>", views.content_file, name="content_file"),
    path("choi/<str:token>/libraries/<str:folder>/<path:path>", views.library_file, name="library_file"),
]
