"""The official's own pages of mandatory training (outside the admin)."""

from django.urls import path

from . import views

app_name = "compliance_record"

urlpatterns = [
    path("ho-so-dao-tao.pdf", views.my_training_record, name="my_record"),
]
