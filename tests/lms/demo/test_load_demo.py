import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Site

from courses.models import CoursePage, LessonPage, ModulePage
from lms.demo import loader
from lms.h5p.models import Activity, Library
from tests.h5p_builders import store_package
from tests.lms.h5p.conftest import media_files


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


def test_load_demo_puts_the_real_h5p_package_in_an_optional_lesson(db, settings, h5p_fixture_path):
    settings.H5P_DEMO_PACKAGE = h5p_fixture_path
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    lesson = LessonPage.objects.live().get(slug="lam-quen-hoat-dong-tuong-tac")
    activity = Activity.objects.get()
    assert lesson.is_required is False
    assert [r.object_id for r in lesson.completion_requirements()] == [activity.pk]
    assert activity.current_version.h5p_json["mainLibrary"] == "H5P.TrueFalse"
    assert lesson.get_next_sibling().slug.startswith("kiem-tra")  # the module still ends with its quiz
    # The demo's libraries are approved by its administrator: none waits in the admin.
    assert Library.objects.filter(approved_at__isnull=True).count() == 0
    assert {lib.approved_by.username for lib in activity.current_version.libraries.all()} == {"quantri"}


def test_load_demo_without_the_h5p_package_leaves_the_lesson_out(db, settings, tmp_path):
    settings.H5P_DEMO_PACKAGE = tmp_path / "missing.h5p"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert not LessonPage.objects.filter(slug="lam-quen-hoat-dong-tuong-tac").exists()
    assert not Activity.objects.exists()


def _fail_at_the_last_step(monkeypatch):
    def workflow(*args, **kwargs):
        raise RuntimeError("the last step of the demo fails")

    monkeypatch.setattr(loader, "_workflow", workflow)


def test_a_failed_load_leaves_no_h5p_files_behind(db, settings, h5p_fixture_path, private_root, monkeypatch):
    settings.H5P_DEMO_PACKAGE = h5p_fixture_path
    _fail_at_the_last_step(monkeypatch)

    with pytest.raises(RuntimeError):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert not Activity.objects.exists() and not Library.objects.exists()
    assert media_files(private_root) == set()


def test_a_failed_load_keeps_the_files_of_libraries_stored_before(
    db, settings, h5p_fixture_path, private_root, monkeypatch
):
    earlier = store_package(h5p_fixture_path.read_bytes(), title="Hoạt động có sẵn")
    files_before = media_files(private_root)
    settings.H5P_DEMO_PACKAGE = h5p_fixture_path
    _fail_at_the_last_step(monkeypatch)

    with pytest.raises(RuntimeError):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(Activity.objects.all()) == [earlier.activity]
    assert media_files(private_root) == files_before


def test_the_home_page_says_how_long_the_demo_lessons_really_take(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    intro = Site.objects.get(is_default_site=True).root_page.specific.intro
    content = LessonPage.objects.live().exclude(slug__startswith="kiem-tra")
    content = content.exclude(slug="lam-quen-hoat-dong-tuong-tac")  # the optional H5P sample, if loaded
    minutes = sorted(content.values_list("estimated_minutes", flat=True))
    quiz_lessons = LessonPage.objects.live().filter(slug__startswith="kiem-tra")
    quizzes = set(quiz_lessons.values_list("estimated_minutes", flat=True))
    assert f"mỗi bài học khoảng {minutes[0]}–{minutes[-1]} phút" in intro
    assert quizzes == {loader.QUIZ_LESSON_MINUTES}
    assert f"bài kiểm tra cuối mỗi chương khoảng {loader.QUIZ_LESSON_MINUTES} phút" in intro
    assert "10–20" not in intro


def test_load_demo_replaces_the_intro_of_an_earlier_demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    catalogue = Site.objects.get(is_default_site=True).root_page.specific
    catalogue.intro = loader.OLD_CATALOGUE_INTRO
    catalogue.save_revision().publish()

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    catalogue.refresh_from_db()
    assert catalogue.intro == loader.CATALOGUE_INTRO
