from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("choi/<str:token>/", views.player, name="player"),
    path("choi/<str:token>/h5p.json", views.h5p_json, name="h5p_json"),
    path("choi/<str:token>/content/<path:path>", views.content_file, name="content_file"),
    path("choi/<str:token>/libraries/<str:folder>/<path:path>", views.library_file, name="library_file"),
    # Addresses that stay the same from view to view (player.py), cached for a year.
    path("tep/<str:key>/h5p.json", views.files_h5p_json, name="files_h5p_json"),
    path("tep/<str:key>/content/<path:path>", views.files_content, name="files_content"),
    path("tep/<str:key>/libraries/<str:folder>/<path:path>", views.files_library, name="files_library"),
    path("nguon/<str:build>/<path:path>", views.asset, name="asset"),
]
