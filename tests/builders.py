"""Builders for test data: real pages in a real page tree."""

import itertools

import factory
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage

_counter = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@phuong.example")
    password = factory.django.Password("MatKhau@123")


def make_catalogue() -> CourseIndexPage:
    root = Page.get_first_root_node()
    catalogue = root.add_child(instance=CourseIndexPage(title="Khóa học", slug=f"khoa-hoc-{next(_counter)}"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="testserver", root_page=catalogue, is_default_site=True)
    else:
        site.hostname = "testserver"
        site.root_page = catalogue
        site.save()
    return catalogue


def make_course(
    catalogue: CourseIndexPage,
    *,
    title: str = "Chuyển đổi số cho cán bộ phường",
    modules: int = 2,
    lessons_per_module: int = 2,
    optional: tuple[int, ...] = (),
    topics: tuple[str, ...] = (),
    summary: str = "Khóa học ngắn cho cán bộ phường.",
) -> CoursePage:
    """A live course; lessons are numbered from 1 across modules, `optional` lists non-required ones."""
    number = next(_counter)
    course = CoursePage(title=title, slug=f"khoa-{number}", summary=summary, estimated_hours=2)
    if topics:
        course.topics.add(*topics)
    catalogue.add_child(instance=course)
    lesson_number = 0
    for m in range(1, modules + 1):
        module = course.add_child(instance=ModulePage(title=f"Chương {m}", slug=f"chuong-{m}"))
        for _ in range(lessons_per_module):
            lesson_number += 1
            module.add_child(
                instance=LessonPage(
                    title=f"Bài {lesson_number}",
                    slug=f"bai-{lesson_number}",
                    is_required=lesson_number not in optional,
                    body=[("paragraph", f"<p>Nội dung bài học số {lesson_number}: BODY-{lesson_number}</p>")],
                )
            )
    return course


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def client_for(user):
    """A test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def wagtail_root_ensure() -> None:
    """A transactional test (browser tests, real workers, migrations) runs on a flushed database, which loses
    the locale and root page that Wagtail's migrations create: put them back the way those migrations do."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(
            instance=Page(
                title="Root", slug="root", locale=locale, content_type=ContentType.objects.get_for_model(Page)
            )
        )


def after_commit():
    """Run, as it ends, what the code inside queued with `transaction.on_commit`: a test runs in a transaction
    that never commits. What follows a course completion (certificate, mandatory training) is queued so."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
