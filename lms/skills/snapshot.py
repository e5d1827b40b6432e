"""The skills map's counts: the two queries that count it live, and the snapshot a large map reads instead.

Live (`selectors.skills_map`), the map counts the active officials per unit and position (whose expected
counts follow from the position profiles) and the people at or above their expected level per unit and
competence; the second count compares every level of the area with the profile of its holder's position (1.4
million levels for a city of 100,000 officials: about 0.6 s). A map holding more than `live_limit()` expected
skills (a person × a competence their position expects) reads the latest snapshot instead, when one is fresh
(`lms.compliance.reports.snapshot.max_age`, the HR dashboard's): the same two counts for every unit, position
and competence, taken by Celery beat every 10 minutes (`tasks.map_snapshot_refresh_task`) or by the command
`skills_map_refresh`, in one transaction that sees one state of the database, and shown "as of" its moment.
Its figures are exact as of that moment: the same people, the same rule, keyed by the unit each official had
then and rolled up along today's tree. A ward's map (a few thousand expected skills) stays live.

Why not counts kept up to date by the recomputation: a cell changes not only with a person's level but with
an official's unit or position, an account deactivated, a profile or a competence edited; keeping a summary
right through all of them would put the map's rule in a dozen writers. The snapshot applies it in one place,
costs one background count every few minutes, and the page says how old it is.
"""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from lms.compliance.reports.snapshot import latest_fresh, one_state, snapshots_prune
from lms.people.models import Official

from .models import ExpectedLevel, MapSnapshot, MapSnapshotCounts, PersonLevel

BATCH = 5000


def live_limit() -> int:
    """Maps of at most this many expected skills (people × the competences their position expects) are
    always counted live: a ward (about 330 officials, 2,600 expected skills) is."""
    return getattr(settings, "SKILLS_MAP_LIVE_LIMIT", 50_000)


def officials_counted(where: Q) -> QuerySet:
    """Active officials matching `where` (whose position the caller limits to those with a profile)."""
    return Official.objects.filter(where, user__is_active=True)


def levels_reached(where: Q, competencies) -> QuerySet:
    """Levels of active officials matching `where` (paths from `user__official__`) at or above the level
    their position expects in the competence."""
    return PersonLevel.objects.filter(
        where,
        user__is_active=True,
        competency__in=competencies,
        competency__expected_levels__position_id=F("user__official__position_id"),
        level__gte=F("competency__expected_levels__level"),
    )


# --- Taking a snapshot -------------------------------------------------------------------------------------


def map_snapshot_take(*, now: datetime | None = None) -> MapSnapshot:
    """Count the map of every unit, position and competence as of `now` (by default this moment) and keep it
    as the latest snapshot; older snapshots are deleted. Idempotent: running it twice leaves one latest
    snapshot whose counts are those of its moment."""
    with one_state():
        now = now or timezone.now()
        snapshot = MapSnapshot.objects.create(taken_at=now)
        profiles = ExpectedLevel.objects.filter(competency__archived_at__isnull=True)
        expected_by_position: dict[int, list[int]] = defaultdict(list)
        competencies = set()
        for position_id, competency_id in profiles.values_list("position_id", "competency_id"):
            expected_by_position[position_id].append(competency_id)
            competencies.add(competency_id)
        counts: dict[tuple[int, int, int], list[int]] = {}
        people = (
            officials_counted(Q(position_id__in=list(expected_by_position)))
            .values_list("unit_id", "position_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for unit_id, position_id, n in people:
            for competency_id in expected_by_position[position_id]:
                counts[unit_id, position_id, competency_id] = [n, 0]
        reached = (
            levels_reached(Q(user__official__position_id__in=list(expected_by_position)), list(competencies))
            .values_list("user__official__unit_id", "user__official__position_id", "competency_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for unit_id, position_id, competency_id, n in reached:
            counts.setdefault((unit_id, position_id, competency_id), [0, 0])[1] = n
        MapSnapshotCounts.objects.bulk_create(
            (
                MapSnapshotCounts(
                    snapshot=snapshot,
                    unit_id=unit_id,
                    position_id=position_id,
                    competency_id=competency_id,
                    expected=expected,
                    reached=reached,
                )
                for (unit_id, position_id, competency_id), (expected, reached) in counts.items()
            ),
            batch_size=BATCH,
        )
        snapshot.finished_at = timezone.now()
        snapshot.save(update_fields=["finished_at"])
    snapshots_prune(MapSnapshot, latest=snapshot)
    return snapshot


# --- Reading it ------------------------------------------------------------------------------------------


def map_snapshot_fresh(now: datetime | None = None) -> MapSnapshot | None:
    """The latest finished snapshot if it is recent enough to be shown, else None."""
    return latest_fresh(MapSnapshot, now)


def snapshot_counts(snapshot: MapSnapshot, where: Q, competencies) -> list[tuple[str, int, int, int]]:
    """(unit path, competence id, expected, reached) of the snapshot's rows matching `where` (paths from
    `unit__`, positions as `position_id`), summed per unit and competence. One query."""
    return list(
        MapSnapshotCounts.objects.filter(where, snapshot=snapshot, competency__in=competencies)
        .values_list("unit__path", "competency_id")
        .annotate(expected=Sum("expected"), reached=Sum("reached"))
        .order_by()
    )
