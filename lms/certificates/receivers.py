"""A completed course issues its certificate: in the Celery task that announces the completion after its
commit (learning.services.course_completion_announce), idempotently (one certificate per completion)."""

from django.dispatch import receiver

from lms.learning.signals import course_completed

from . import services


@receiver(course_completed, dispatch_uid="certificates_issue_on_course_completed")
def issue_on_course_completed(sender, enrolment, **kwargs):
    services.certificate_issue(enrolment=enrolment)
