"""Obligations follow people and their progress: people and learning announce, compliance listens."""

from django.dispatch import receiver

from lms.learning.signals import course_completed, enrolment_started
from lms.people.signals import official_changed

from . import services


@receiver(official_changed)
def official_changed_sync(sender, official, **kwargs):
    services.official_sync(official=official)


@receiver(course_completed)
def course_completed_obligations(sender, enrolment, **kwargs):
    services.obligations_complete(enrolment=enrolment)


@receiver(enrolment_started)
def enrolment_started_obligations(sender, enrolment, **kwargs):
    services.obligations_start(enrolment=enrolment)
