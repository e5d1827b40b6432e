"""Celery tasks of the skills app: they take ids and call a service."""

from celery import shared_task

from .levels import person_levels_recompute


@shared_task
def person_levels_recompute_task(user_id: int) -> int:
    """Recompute one person's levels; idempotent, so a retry or a second run changes nothing."""
    return len(person_levels_recompute(user_id=user_id))
