"""Celery tasks of the people app: they take ids, re-fetch, and call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from .services import official_welcome_email_send


@shared_task
def welcome_email_send(user_id: int) -> bool:
    """The set-your-password email of a new account. Sent again on a retry, which does no harm."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return user is not None and official_welcome_email_send(user=user)
