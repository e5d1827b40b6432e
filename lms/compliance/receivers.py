"""Obligations follow people and their progress: people, learning and certificates announce, compliance
listens."""

from django.dispatch import receiver

from lms.certificates.signals import certificate_revoked
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


@receiver(certificate_revoked)
def certificate_revoked_obligations(sender, certificate, **kwargs):
    services.obligations_reopen(certificate=certificate)
