from django.apps import apps
from django.core.management import call_command
from wagtail.models import Site

from courses.models import CoursePage, LessonPage, ModulePage


def _database_snapshot() -> dict[str, list]:
    """Every row of every project and Wagtail table, ordered by primary key."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin"} or model._meta.proxy:
            continue
        snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    return snapshot


def test_load_demo_twice_gives_the_same_database(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _database_snapshot()

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _database_snapshot() == first


def test_load_demo_builds_the_vietnamese_courses(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    course = CoursePage.objects.get(title="Chuyển đổi số cho cán bộ phường, xã")
    assert course.live
    assert ModulePage.objects.child_of(course).count() >= 3
    assert LessonPage.objects.live().descendant_of(course).count() >= 9
    assert CoursePage.objects.live().count() >= 2
    assert Site.objects.get(is_default_site=True).root_page.specific_class.__name__ == "CourseIndexPage"
