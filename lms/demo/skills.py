"""The demo's skills framework, position profiles and evidence links (content/demo/skills_data.py), then
every demo official's levels computed from what the demo gave them. Idempotent, like the rest of the demo."""

from content.demo.skills_data import AREAS, EVIDENCE, FRAMEWORK, PROFILES
from courses.models import CoursePage, LessonPage
from lms.people.models import Official, Position
from lms.quiz.models import Category
from lms.skills.levels import person_levels_recompute
from lms.skills.models import Competency, Evidence, ExpectedLevel, Framework, ScaleLevel


def _framework(summary) -> Framework:
    framework = Framework.objects.filter(id_number=FRAMEWORK["id_number"]).first()
    if framework is not None:
        return framework
    framework = Framework.objects.create(
        id_number=FRAMEWORK["id_number"],
        short_name=FRAMEWORK["short_name"],
        description=FRAMEWORK["description"],
        taxonomy=FRAMEWORK["taxonomy"],
    )
    for number, (name, description) in enumerate(FRAMEWORK["scale"], start=1):
        ScaleLevel.objects.create(
            framework=framework,
            number=number,
            sort_order=number,
            name=name,
            description=description,
            is_default=number == 1,
            is_proficient=number >= FRAMEWORK["proficient_from"],
        )
    for area_order, (code, name, description, competences) in enumerate(AREAS):
        area = Competency.objects.create(
            framework=framework,
            id_number=code,
            short_name=name,
            description=description,
            sort_order=area_order,
        )
        for order, (child_code, child_name, child_description) in enumerate(competences):
            Competency.objects.create(
                framework=framework,
                parent=area,
                id_number=child_code,
                short_name=child_name,
                description=child_description,
                sort_order=order,
            )
    summary.add(f"skills framework {framework.short_name}")
    return framework


def _source(kind: str, name: str) -> dict | None:
    if kind == "category":
        category = Category.objects.filter(name=name).first()
        return {"category": category} if category else None
    model = CoursePage if kind == "course" else LessonPage
    page = model.objects.live().filter(title=name).first()
    return {"page": page.page_ptr} if page else None


def load_skills(*, summary) -> None:
    framework = _framework(summary)
    competences = {c.id_number: c for c in framework.competencies.all()}
    positions = {p.code: p for p in Position.objects.filter(code__in=PROFILES)}
    for code, expected in PROFILES.items():
        if code not in positions:
            continue
        for id_number, level in expected.items():
            ExpectedLevel.objects.update_or_create(
                position=positions[code], competency=competences[id_number], defaults={"level": level}
            )
    for id_number, level, kind, name, threshold in EVIDENCE:
        source = _source(kind, name)
        if source is None:
            continue
        _evidence, created = Evidence.objects.get_or_create(
            competency=competences[id_number],
            kind=kind,
            level=level,
            **source,
            defaults={"label": name, "threshold": threshold or 80},
        )
        if created:
            summary.add(f"evidence {id_number} ← {name}")
    for user_id in Official.objects.values_list("user_id", flat=True):
        person_levels_recompute(user_id=user_id)
