"""Celery tasks of the skills app: they take ids and call a service."""

from celery import shared_task

from .levels import counted_evidence, person_levels_recompute


@shared_task
def person_levels_recompute_task(user_id: int) -> int:
    """Recompute one person's levels; idempotent, so a retry or a second run changes nothing."""
    return len(person_levels_recompute(user_id=user_id))


@shared_task
def people_levels_recompute_task(user_ids: list[int]) -> int:
    """Recompute several people's levels (after an evidence link changed), with the links read once."""
    evidence = counted_evidence()
    for user_id in user_ids:
        person_levels_recompute(user_id=user_id, evidence=evidence)
    return len(user_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def map_snapshot_refresh_task() -> str:
    """Periodic: count the skills map again (`snapshot.map_snapshot_take`). Safe to run twice or at once:
    each run writes a whole snapshot and only the latest is read. Returns its moment."""
    from .snapshot import map_snapshot_take

    return map_snapshot_take().taken_at.isoformat()
