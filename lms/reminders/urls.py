from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("da-doc/", views.mark_all_read, name="mark_all_read"),
    path("<id:pk>/", views.open_notification, name="open"),
    path("tuy-chon/", views.preferences, name="preferences"),
    path("huy-dang-ky/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
