from django.contrib import admin

from .models import Enrolment, LessonCompletion


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "source", "enrolled_at", "completed_at")
    list_filter = ("source",)
    raw_id_fields = ("user", "course", "last_lesson")
    search_fields = ("user__username", "user__full_name", "course__title")


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "lesson", "source", "completed_at")
    raw_id_fields = ("enrolment", "lesson")
