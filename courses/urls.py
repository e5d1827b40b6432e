from django.urls import path

from . import quiz_views

app_name = "lesson_quiz"

urlpatterns = [
    path("bai-hoc/<id:lesson_id>/kiem-tra/<id:quiz_id>/bat-dau/", quiz_views.quiz_start, name="start"),
    path("lam-bai/<id:attempt_id>/", quiz_views.attempt_take, name="take"),
    path("lam-bai/<id:attempt_id>/tra-loi/", quiz_views.attempt_answer, name="answer"),
    path("lam-bai/<id:attempt_id>/nop-bai/", quiz_views.attempt_submit, name="submit"),
    path("lam-bai/<id:attempt_id>/ket-qua/", quiz_views.attempt_result, name="result"),
]
