"""Writing frameworks: an import saved whole or not at all, the tree kept a tree, competences archived."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record

from .interchange import FrameworkData
from .levels import evidence_changed, person_levels_recompute
from .models import Competency, Framework, Rating, ScaleLevel


@transaction.atomic
def framework_import(*, data: FrameworkData) -> Framework:
    """Save a checked file (`interchange.framework_parse`) as a new framework with its scale and tree."""
    if not data.ok:
        raise ValueError("a framework with errors is never saved")
    framework = Framework.objects.create(
        id_number=data.id_number,
        short_name=data.short_name,
        description=data.description,
        taxonomy=data.taxonomy,
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(
            framework=framework,
            sort_order=level.number,
            number=level.number,
            name=level.name,
            is_default=level.is_default,
            is_proficient=level.is_proficient,
        )
        for level in data.levels
    )
    created = Competency.objects.bulk_create(
        Competency(
            framework=framework,
            id_number=item.id_number,
            short_name=item.short_name,
            description=item.description,
            sort_order=position,
            moodle_rule_type=item.rule_type,
            moodle_rule_outcome=item.rule_outcome,
            moodle_rule_config=item.rule_config,
        )
        for position, item in enumerate(data.competencies)
    )
    by_id = {c.id_number.casefold(): c for c in created}
    with_parent = []
    for item, competency in zip(data.competencies, created, strict=True):
        if item.parent:
            competency.parent = by_id[item.parent.casefold()]
            with_parent.append(competency)
    Competency.objects.bulk_update(with_parent, ["parent"])
    Through = Competency.related.through
    pairs = {
        (competency.pk, by_id[ref.casefold()].pk)
        for item, competency in zip(data.competencies, created, strict=True)
        for ref in item.related
        if by_id[ref.casefold()].pk != competency.pk
    }
    pairs |= {(b, a) for a, b in pairs}  # symmetrical, as Django stores it
    Through.objects.bulk_create(Through(from_competency_id=a, to_competency_id=b) for a, b in pairs)
    return framework


def competency_check_parent(*, competency: Competency, parent: Competency | None) -> None:
    """A parent of the same framework that is not the competence itself or one of its descendants."""
    if parent is None:
        return
    if parent.framework_id != competency.framework_id:
        raise ValidationError(_("The parent must belong to the same framework."))
    node = parent
    while node is not None:
        if competency.pk is not None and node.pk == competency.pk:
            raise ValidationError(
                _("A competence cannot be placed below itself or one of its own competences.")
            )
        node = node.parent


def competency_archive(*, competency: Competency) -> int:
    """Archive a competence and everything below it (kept for people's levels and their history)."""
    ids = [competency.pk]
    frontier = [competency.pk]
    while frontier:
        frontier = list(Competency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    archived = Competency.objects.filter(pk__in=ids, archived_at__isnull=True)
    archived = archived.update(archived_at=timezone.now())
    evidence_changed()  # its links stop counting
    return archived


def competency_restore(*, competency: Competency) -> None:
    """Bring an archived competence back, with the parents it needs to be seen."""
    node = competency
    while node is not None:
        Competency.objects.filter(pk=node.pk).update(archived_at=None)
        node = node.parent
    evidence_changed()


@transaction.atomic
def rating_create(*, user, unit, competency: Competency, level: int, note: str, by, course=None) -> Rating:
    """A rating of a person with a note (the view checked who may rate whom): by HR from the skills map, or,
    with `course`, by a trainer of that course. Saved, audited in the person's unit (who rated, as what, the
    note), and the person's levels recomputed at once."""
    rated_as = Rating.RatedAs.TRAINER if course is not None else Rating.RatedAs.HR
    rating = Rating.objects.create(
        user=user,
        competency=competency,
        level=level,
        note=note,
        rated_by=by,
        rated_as=rated_as,
        course=course,
    )
    changes = {"competence": competency.id_number, "level": level, "note": note, "rated_as": rated_as.label}
    if course is not None:
        changes["course"] = course.title
    audit_record(
        action=AuditEntry.Action.SKILL_RATE,
        actor=by,
        obj=user,
        object_repr=user.get_full_name(),
        unit=unit,
        changes=changes,
    )
    person_levels_recompute(user_id=user.pk)
    return rating
