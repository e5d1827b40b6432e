from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("email/xac-nhan/<str:token>/", views.email_confirm, name="email_confirm"),
]
