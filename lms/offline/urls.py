from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("sw.js", views.service_worker, name="worker"),
    path("manifest.webmanifest", views.web_manifest, name="manifest"),
    path("ngoai-tuyen/", views.offline_page, name="page"),
]
