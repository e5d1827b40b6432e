"""HR's assignment pages, mounted under /admin/dao-tao-bat-buoc/ by assignment_hooks.py."""

from django.urls import path

from . import views

app_name = "compliance_assignments"

urlpatterns = [
    path("", views.index, name="index"),
    path("giao-moi/", views.create, name="create"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/thu-hoi/", views.withdraw, name="withdraw"),
    path("nghia-vu/<id:obligation_id>/mien/", views.exempt, name="exempt"),
    path("nghia-vu/<id:obligation_id>/bo-mien/", views.exemption_remove, name="exemption_remove"),
]
