"""HR's training reports, mounted under /admin/bao-cao/ by wagtail_hooks.py."""

from django.urls import path

from . import views

app_name = "compliance_reports"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("don-vi/<id:unit_id>/", views.dashboard, name="unit"),
    path("qua-han/", views.overdue, name="overdue_all"),
    path("don-vi/<id:unit_id>/qua-han/", views.overdue, name="overdue"),
    path("xuat.csv", views.export, {"fmt": "csv"}, name="export_csv_all"),
    path("xuat.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx_all"),
    path("don-vi/<id:unit_id>/xuat.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("don-vi/<id:unit_id>/xuat.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("nguoi/<id:user_id>/", views.person, name="person"),
    path("nguoi/<id:user_id>/ho-so.pdf", views.person_pdf, name="person_pdf"),
]
