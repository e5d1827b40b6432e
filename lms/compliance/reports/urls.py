"""HR's training reports, mounted under /admin/bao-cao/ by wagtail_hooks.py."""

from django.urls import path

from . import actions, views

app_name = "compliance_reports"

CSV_EXCEL = {"fmt": "csv-excel"}
LATE_CSV = {"fmt": "csv", "late": True}  # the overdue list's exports, with their own columns
LATE_CSV_EXCEL = {**CSV_EXCEL, "late": True}
LATE_XLSX = {"fmt": "xlsx", "late": True}

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("don-vi/<id:unit_id>/", views.dashboard, name="unit"),
    path("qua-han/", views.overdue, name="overdue_all"),
    path("don-vi/<id:unit_id>/qua-han/", views.overdue, name="overdue"),
    path("xuat.csv", views.export, {"fmt": "csv"}, name="export_csv_all"),
    path("xuat-excel.csv", views.export, CSV_EXCEL, name="export_csv_excel_all"),
    path("xuat.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx_all"),
    path("don-vi/<id:unit_id>/xuat.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("don-vi/<id:unit_id>/xuat-excel.csv", views.export, CSV_EXCEL, name="export_csv_excel"),
    path("don-vi/<id:unit_id>/xuat.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("qua-han/xuat.csv", views.export, LATE_CSV, name="overdue_export_csv_all"),
    path("qua-han/xuat-excel.csv", views.export, LATE_CSV_EXCEL, name="overdue_export_csv_excel_all"),
    path("qua-han/xuat.xlsx", views.export, LATE_XLSX, name="overdue_export_xlsx_all"),
    path("don-vi/<id:unit_id>/qua-han/xuat.csv", views.export, LATE_CSV, name="overdue_export_csv"),
    path(
        "don-vi/<id:unit_id>/qua-han/xuat-excel.csv",
        views.export,
        LATE_CSV_EXCEL,
        name="overdue_export_csv_excel",
    ),
    path("don-vi/<id:unit_id>/qua-han/xuat.xlsx", views.export, LATE_XLSX, name="overdue_export_xlsx"),
    path("mien-hoc/", actions.exempt, name="exempt"),
    path("nguoi/<id:user_id>/", views.person, name="person"),
    path("nguoi/<id:user_id>/ho-so.pdf", views.person_pdf, name="person_pdf"),
]
