"""Reads of certificates and of the training hours they credit."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from lms.dates import local_date, site_zone, year_bounds
from lms.learning.models import Enrolment
from lms.people.models import OrgUnit
from lms.people.scope import scope_for
from lms.text import fold

from .codes import code_normalize
from .models import Certificate

ZERO = Decimal("0.0")


def certificates_for_user(user) -> QuerySet[Certificate]:
    """A person's own certificates, newest completion first."""
    return Certificate.objects.filter(user_id=user.pk).order_by("-completed_at", "-pk")


def latest_valid_by_course(*, user, course_ids) -> dict[int, Certificate]:
    """The person's newest valid certificate for each of these courses (one query)."""
    latest: dict[int, Certificate] = {}
    certificates = certificates_for_user(user).valid().filter(course_id__in=list(course_ids))
    for certificate in certificates.only("pk", "code", "course_id", "completed_at"):
        latest.setdefault(certificate.course_id, certificate)
    return latest


def certificates_on_their_way(user) -> list[str]:
    """Titles of the courses the person has just completed whose certificate is still being issued: it is
    issued after the completion's commit, by a Celery task (`learning.services.course_completion_announce`),
    within seconds."""
    return list(
        Enrolment.objects.filter(
            user_id=user.pk, completed_at__isnull=False, completion_announced_at__isnull=True
        )
        .order_by("-completed_at")
        .values_list("course__title", flat=True)
    )


def certificates_visible(viewer) -> QuerySet[Certificate]:
    """Certificates the viewer may see: administrators all; HR managers those of the officials in their
    units (and their own); everyone else only their own."""
    scope = scope_for(viewer)
    certificates = Certificate.objects.order_by("-completed_at", "-pk")
    if scope.everything:
        return certificates
    if scope.user_id is None:
        return certificates.none()
    if scope.manages_units:
        return certificates.filter(scope.unit_q("user__official__unit__path") | Q(user_id=viewer.pk))
    return certificates.filter(user_id=viewer.pk)


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code, as typed by a person (any case, with or without dashes)."""
    normalized = code_normalize(code)
    if normalized is None:
        return None
    return Certificate.objects.filter(code=normalized).first()


def certificate_visible_by_code(*, viewer, code: str) -> Certificate | None:
    normalized = code_normalize(code)
    if normalized is None:
        return None
    return certificates_visible(viewer).filter(code=normalized).first()


def certificates_search(certificates: QuerySet[Certificate], query: str) -> QuerySet[Certificate]:
    """Narrow by holder's name, course title or code; diacritics and case do not matter."""
    code = code_normalize(query)
    if code is not None:
        return certificates.filter(code=code)
    for word in fold(query).split():
        certificates = certificates.filter(search_text__contains=word)
    return certificates


# --- Training hours: every certificate that is not revoked credits its hours to the year of completion.


def _counted(year: int | None) -> QuerySet[Certificate]:
    certificates = Certificate.objects.valid()
    if year is not None:
        start, end = year_bounds(year)
        certificates = certificates.filter(completed_at__gte=start, completed_at__lt=end)
    return certificates


def training_hours_by_official(*, user_ids=None, year: int | None = None) -> dict[int, dict[int, Decimal]]:
    """Hours per person and per year: {user_id: {year: hours}}, one query.

    Years are calendar years in Ho Chi Minh City. People without hours are absent.
    """
    certificates = _counted(year)
    if user_ids is not None:
        certificates = certificates.filter(user_id__in=list(user_ids))
    rows = (
        certificates.annotate(year=ExtractYear("completed_at", tzinfo=site_zone()))
        .values("user_id", "year")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["user_id"]][row["year"]] = row["hours"]
    return dict(result)


def training_hours_of(*, user, year: int) -> Decimal:
    return training_hours_by_official(user_ids=[user.pk], year=year).get(user.pk, {}).get(year, ZERO)


def hours_per_year(completions: Iterable) -> dict[int, Decimal]:
    """Hours per calendar year (Ho Chi Minh City) of completions already read (anything with `completed_at`
    and `hours`, e.g. certificates), newest year first: the years of `training_hours_by_official`."""
    years: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for completion in completions:
        years[local_date(completion.completed_at).year] += completion.hours
    return dict(sorted(years.items(), reverse=True))


@dataclass(frozen=True)
class UnitHours:
    own: Decimal  # officials placed directly in the unit
    total: Decimal  # the unit and every unit below it


def _subtree_tops(paths) -> list[str]:
    """The paths that are not below another of them: their subtrees cover every path given."""
    tops: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def training_hours_by_unit(
    *,
    year: int,
    units: QuerySet[OrgUnit] | None = None,
    unit_ids: Iterable[int] | None = None,
    course_ids: Iterable[int] | None = None,
) -> dict[int, UnitHours]:
    """Hours of a year per unit, by the officials' current units, rolled up the tree: {unit_id: UnitHours}.

    `units` (a queryset, e.g. `units_visible(viewer)`) or `unit_ids` (e.g. the units a dashboard shows) limit
    the answer, and the certificates read, to those units and the units below them; by default every unit.
    `course_ids` counts only those courses. A constant number of queries whatever the size of the tree: the
    units (and, when limited, the units below them), then the sums per unit in the database, grouped by the
    unit's id (cheaper than by its path at a million certificates); the roll-up along the materialised paths
    is done here.
    """
    if unit_ids is not None:
        units = OrgUnit.objects.filter(pk__in=list(unit_ids))
    if units is None:
        asked = list(OrgUnit.objects.values_list("pk", "path"))
        below = asked
    else:
        asked = list(units.values_list("pk", "path"))
        if not asked:
            return {}
        tops = _subtree_tops(path for _pk, path in asked)
        below = list(
            OrgUnit.objects.filter(reduce(or_, (Q(path__startswith=top) for top in tops))).values_list(
                "pk", "path"
            )
        )
    certificates = _counted(year).filter(user__official__isnull=False)
    if units is not None:
        certificates = certificates.filter(user__official__unit_id__in=[pk for pk, _path in below])
    if course_ids is not None:
        certificates = certificates.filter(course_id__in=list(course_ids))
    path_of = dict(below)
    own_by_path: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for unit_id, hours in (
        certificates.values_list("user__official__unit_id").annotate(hours=Sum("hours")).order_by()
    ):
        if unit_id in path_of:  # not a unit created since the units were read
            own_by_path[path_of[unit_id]] += hours
    total_by_path: dict[str, Decimal] = defaultdict(lambda: ZERO)
    step = OrgUnit.steplen
    for path, hours in own_by_path.items():
        for end in range(step, len(path) + 1, step):
            total_by_path[path[:end]] += hours
    return {
        pk: UnitHours(own=own_by_path.get(path, ZERO), total=total_by_path.get(path, ZERO))
        for pk, path in asked
    }
