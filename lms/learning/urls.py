from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("khoa-hoc/<id:course_id>/ghi-danh/", views.enrol, name="enrol"),
    path("bai-hoc/<id:lesson_id>/hoan-thanh/", views.lesson_complete, name="lesson_complete"),
]
