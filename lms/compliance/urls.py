"""The learner's mandatory-training page, mounted at /bat-buoc/."""

from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.my_training, name="my_training"),
]
