"""Celery tasks of the people app: they take ids, re-fetch, and call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from .models import EmailChange
from .services import email_change_emails_send, official_welcome_email_send


@shared_task
def welcome_email_send(user_id: int) -> bool:
    """The set-your-password email of a new account. Sent again on a retry, which does no harm."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return user is not None and official_welcome_email_send(user=user)


@shared_task
def email_change_send(change_id: int) -> bool:
    """The confirmation link and the notice of an email change, unless it was confirmed or replaced."""
    change = EmailChange.objects.select_related("user", "requested_by").filter(pk=change_id).first()
    return change is not None and email_change_emails_send(change=change)
