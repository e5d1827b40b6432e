"""HR's assignment pages, mounted under /admin/dao-tao-bat-buoc/ by assignment_hooks.py."""

from django.urls import path

from . import admin_views

app_name = "compliance_assignments"

urlpatterns = [
    path("", admin_views.index, name="index"),
    path("giao-moi/", admin_views.create, name="create"),
    path("<id:pk>/", admin_views.detail, name="detail"),
    path("<id:pk>/thu-hoi/", admin_views.withdraw, name="withdraw"),
    path("nghia-vu/<id:obligation_id>/mien/", admin_views.exempt, name="exempt"),
    path("nghia-vu/<id:obligation_id>/bo-mien/", admin_views.exemption_remove, name="exemption_remove"),
]
