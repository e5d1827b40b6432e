"""The lesson page reads its outline, the rendered outline and the rendered body from the cache in one round
trip (issue 16), and what it shows stays true: the person's own progress at once, a published change at
once, each person their own marks."""

from unittest import mock

from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.urls import reverse

from lms.learning import services
from lms.learning.models import LessonCompletion
from tests.builders import lessons_of


def _cache_calls(client, url):
    """The cache round trips of one request (a call inside another, as the memory cache's `get_many` calling
    `get`, counts with it) by kind, and the response's text."""
    cache = caches["default"]
    calls, depth = [], [0]

    def counted(name):
        method = getattr(cache, name)

        def call(*args, **kwargs):
            if not depth[0]:
                calls.append(name)
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return mock.patch.object(cache, name, call)

    with counted("get"), counted("get_many"), counted("set"), counted("add"), counted("set_many"):
        response = client.get(url)
    assert response.status_code == 200
    reads = [name for name in calls if name.startswith("get")]
    return len(reads), len(calls) - len(reads), response.content.decode()


def test_a_warm_lesson_view_reads_the_cache_once_and_writes_nothing(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[1]
    learner_client.get(lesson.url)

    reads, writes, html = _cache_calls(learner_client, lesson.url)

    # One round trip for the outline, its version, the rendered outline, the body and the permissions.
    assert (reads, writes) == (1, 0)
    assert "BODY-2" in html and 'class="outline-lesson is-current"' in html


def test_the_learners_new_progress_shows_at_once_in_the_cached_outline(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    first, second = lessons_of(course)[:2]
    for _ in range(2):
        html = learner_client.get(second.url).content.decode()
    assert html.count("is-done") == 0

    services.progress_record(user=learner, lesson=first, source=LessonCompletion.Source.MANUAL)
    html = learner_client.get(second.url).content.decode()
    assert html.count("is-done") == 1

    learner_client.post(reverse("learning:lesson_complete", args=[second.pk]))
    html = learner_client.get(second.url).content.decode()
    assert html.count("is-done") == 2
    assert "Bạn đã hoàn thành bài học này." in html


def test_each_learner_sees_their_own_marks(client, learner, other_learner, course):
    first, second = lessons_of(course)[:2]
    for person in (learner, other_learner):
        services.enrolment_create(user=person, course=course)
    services.progress_record(user=learner, lesson=first, source=LessonCompletion.Source.MANUAL)

    client.force_login(learner)
    assert client.get(second.url).content.decode().count("is-done") == 1
    client.force_login(other_learner)
    assert client.get(second.url).content.decode().count("is-done") == 0


def test_a_published_change_shows_on_a_lesson_already_viewed(learner_client, learner, course):
    services.enrolment_create(user=learner, course=course)
    first, second, third = lessons_of(course)[:3]
    for _ in range(2):
        learner_client.get(second.url)

    third.title = "Bài ĐỔI-TÊN"
    third.save_revision().publish()
    second.body = [("paragraph", "<p>THÂN-MỚI</p>")]
    second.save_revision().publish()
    html = learner_client.get(second.url).content.decode()
    assert "Bài ĐỔI-TÊN" in html and "THÂN-MỚI" in html and "BODY-2" not in html

    first.unpublish()
    html = learner_client.get(second.url).content.decode()
    assert f'href="{first.url}"' not in html


def test_permissions_read_with_the_lesson_are_the_persons_current_ones(client, learner, course):
    services.enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]
    client.force_login(learner)
    administration = f'href="{reverse("wagtailadmin_home")}"'
    for _ in range(2):
        assert administration not in client.get(lesson.url).content.decode()

    learner.is_staff = True
    learner.save()
    learner.user_permissions.add(Permission.objects.get(codename="access_admin"))

    assert administration in client.get(lesson.url).content.decode()
