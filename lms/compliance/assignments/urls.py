"""HR's assignment pages besides the lists, mounted under /admin/dao-tao-bat-buoc/ by the viewset
(listing.py)."""

from django.urls import path

from . import views

app_name = "compliance_assignments"

urlpatterns = [
    path("giao-moi/", views.create, name="create"),
    path("<id:pk>/thu-hoi/", views.withdraw, name="withdraw"),
    path("nghia-vu/<id:obligation_id>/mien/", views.exempt, name="exempt"),
    path("nghia-vu/<id:obligation_id>/bo-mien/", views.exemption_remove, name="exemption_remove"),
]
