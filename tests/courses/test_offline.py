"""The offline-capable site on the server: the download list of a course (enrolled learners only, their own
quiz pages only), the service worker, the web app manifest, the offline page and the marks on pages."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from lms.h5p import player as h5p_player
from lms.h5p.models import Activity
from lms.learning.services import enrolment_create
from lms.quiz.services import attempt_start
from tests.builders import lessons_of
from tests.h5p_builders import assert_player_assets_installed, h5p_block, store_package
from tests.quiz_builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def manifest_url(course):
    return reverse("course_offline:manifest", args=[course.pk])


@pytest.fixture
def rich_course(course):
    """Lesson 1 shows an image and a document; lesson 2 holds a quiz."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 600), "teal").save(buffer, format="PNG")
    image = Image.objects.create(title="Sơ đồ", file=ImageFile(buffer, name="so-do.png"))
    document = Document.objects.create(title="Mẫu báo cáo", file=ContentFile(b"x" * 2048, name="mau.pdf"))
    first, second = lessons_of(course)[:2]
    first.body = json.dumps(
        [
            {"type": "paragraph", "value": "<p>Bài có hình</p>"},
            {"type": "image", "value": {"image": image.pk, "alt_text": "Sơ đồ", "caption": ""}},
            {"type": "document", "value": {"document": document.pk, "title": "", "description": ""}},
        ]
    )
    first.save_revision().publish()
    quiz = make_quiz([make_question()])
    second.body = json.dumps([{"type": "quiz", "value": {"quiz": quiz.pk, "intro": ""}}])
    second.save_revision().publish()
    return {"course": course, "image": image, "document": document, "quiz": quiz, "quiz_lesson": second}


def test_anonymous_gets_403_and_no_list(client, course):
    response = client.get(manifest_url(course))
    assert response.status_code == 403
    assert "files" not in response.json()


def test_a_learner_not_enrolled_is_refused_and_learns_nothing_of_the_course(learner_client, rich_course):
    response = learner_client.get(manifest_url(rich_course["course"]))
    assert response.status_code == 403
    assert "files" not in response.json()
    assert "bai-1" not in response.content.decode()


def test_an_unpublished_or_missing_course_is_404(learner_client, learner, course):
    enrolment_create(user=learner, course=course)
    course.unpublish()
    assert learner_client.get(manifest_url(course)).status_code == 404
    assert learner_client.get(reverse("course_offline:manifest", args=[987654])).status_code == 404


def test_an_enrolled_learner_gets_every_page_image_and_document_with_sizes(
    learner_client, learner, rich_course
):
    course = rich_course["course"]
    enrolment_create(user=learner, course=course)

    response = learner_client.get(manifest_url(course))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    urls = {item["url"]: item for item in data["files"]}
    assert course.url in urls
    assert reverse("learning:my_learning") in urls
    for lesson in lessons_of(course):
        assert lesson.url in urls and urls[lesson.url]["kind"] == "page"
    rendition = rich_course["image"].get_rendition("width-800")
    assert urls[rendition.url]["bytes"] == rendition.file.size > 0
    assert urls[rich_course["document"].url]["bytes"] == 2048
    assert data["total_bytes"] == sum(item["bytes"] for item in data["files"])
    assert len(urls) == len(data["files"])  # each URL once


def test_only_the_asking_persons_quiz_pages_are_listed(learner_client, learner, other_learner, rich_course):
    course, quiz, lesson = rich_course["course"], rich_course["quiz"], rich_course["quiz_lesson"]
    for person in (learner, other_learner):
        enrolment_create(user=person, course=course)
    own = attempt_start(user=learner, quiz=quiz, context_page_id=lesson.pk)
    others = attempt_start(user=other_learner, quiz=quiz, context_page_id=lesson.pk)

    urls = {item["url"] for item in learner_client.get(manifest_url(course)).json()["files"]}

    assert reverse("lesson_quiz:take", args=[own.pk]) in urls
    assert reverse("lesson_quiz:take", args=[own.pk]) + "?cau=xem-lai" in urls  # one question per page
    assert not any(f"/lam-bai/{others.pk}/" in url for url in urls)


def test_the_worker_is_served_from_the_root_scope_without_caching(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    config = json.loads(re.match(r"const CONFIG = (.*);\n", response.content.decode()).group(1))
    assert config["offlineUrl"] == reverse("offline:page")
    assert reverse("offline:page") in config["precache"]
    assert re.fullmatch(r"[0-9a-f]{12}", config["release"])


def test_a_new_release_gives_a_different_worker(client, settings):
    settings.OFFLINE_RELEASE = "release-a"
    first = client.get("/sw.js").content
    settings.OFFLINE_RELEASE = "release-b"
    assert client.get("/sw.js").content != first
    assert b'"release": "release-b"' in client.get("/sw.js").content


def test_the_web_app_manifest_names_the_site_in_vietnamese_with_real_icons(client):
    response = client.get("/manifest.webmanifest")

    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Học viện Phường thông minh"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert manifest["theme_color"] == re.search(r"--brand: (#[0-9a-f]{6})", css).group(1)
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = Path(settings.BASE_DIR) / "static" / icon["src"].removeprefix(settings.STATIC_URL)
        with PILImage.open(path) as picture:
            assert picture.format == "PNG"
            assert f"{picture.width}x{picture.height}" == icon["sizes"]


def test_the_offline_page_is_vietnamese_and_names_nobody(learner_client, learner):
    html = learner_client.get(reverse("offline:page")).content.decode()

    assert "Bạn đang ngoại tuyến" in html
    assert learner.username not in html
    assert "csrfmiddlewaretoken" not in html


def test_the_policy_lets_the_site_run_its_worker_and_manifest(client):
    policy = client.get(reverse("offline:page"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


def test_only_the_learners_course_pages_are_marked_for_offline_reading(learner_client, learner, course):
    enrolment_create(user=learner, course=course)
    lesson = lessons_of(course)[0]

    assert learner_client.get(lesson.url)["X-Offline-Page"] == "1"
    assert learner_client.get(course.url)["X-Offline-Page"] == "1"
    assert learner_client.get(reverse("learning:my_learning"))["X-Offline-Page"] == "1"
    assert "X-Offline-Page" not in learner_client.get(reverse("people:profile"))
    posted = learner_client.post(reverse("learning:lesson_complete", args=[lesson.pk]))
    assert "X-Offline-Page" not in posted


def test_every_page_names_its_person_by_an_opaque_key(client, learner, other_learner, course):
    assert client.get(course.url)["X-Offline-User"] == ""
    client.force_login(learner)
    first = client.get(course.url)["X-Offline-User"]
    client.force_login(other_learner)
    second = client.get(course.url)["X-Offline-User"]
    assert first and second and first != second
    assert str(learner.pk) != first and learner.username not in first


def test_an_h5p_lesson_lists_the_persons_player_page_and_every_file_with_its_exact_size(
    learner_client, learner, other_learner, course, h5p_bytes, settings
):
    assert_player_assets_installed()
    version = store_package(h5p_bytes, title="Đúng hay sai")
    lesson = lessons_of(course)[0]
    lesson.body = h5p_block(Activity.objects.get(pk=version.activity_id))
    lesson.save_revision().publish()
    for person in (learner, other_learner):
        enrolment_create(user=person, course=course)

    files = learner_client.get(manifest_url(course)).json()["files"]

    players = [item for item in files if item["kind"] == "h5p-player"]
    assert len(players) == 1 and players[0]["estimated"]
    grant = h5p_player.grant_read(players[0]["url"].removeprefix("/h5p/choi/").removesuffix("/"))
    # The grant the lesson page frames: this person, this lesson, this version, the site's origin.
    assert (grant.user_id, grant.lesson_id, grant.version_id) == (learner.pk, lesson.pk, version.pk)
    assert grant.parent_origin == "http://testserver"
    h5p_files = [item for item in files if item["kind"] == "h5p"]
    key = h5p_player.files_key(version.pk)
    urls = {item["url"] for item in h5p_files}
    assert f"/h5p/tep/{key}/h5p.json" in urls and f"/h5p/tep/{key}/content/content.json" in urls
    assert any(url.startswith(f"/h5p/tep/{key}/libraries/H5P.TrueFalse-") for url in urls)
    assert any(url.endswith("/vendor/h5p-standalone/main.bundle.js") for url in urls)
    assert not any(url.endswith((".d.ts", ".txt")) for url in urls)
    # Every file answers, to anyone holding the address (the frame's requests carry no session), with the
    # size the list gave.
    anonymous = Client()
    for item in h5p_files:
        response = anonymous.get(item["url"])
        assert response.status_code == 200, item["url"]
        assert (
            len(b"".join(response.streaming_content if response.streaming else [response.content]))
            == item["bytes"]
        ), item["url"]
    assert anonymous.get(players[0]["url"]).status_code == 200
    # Another learner's list names that learner's grant, never this one's.
    other = Client()
    other.force_login(other_learner)
    other_players = [
        item for item in other.get(manifest_url(course)).json()["files"] if item["kind"] == "h5p-player"
    ]
    other_grant = h5p_player.grant_read(other_players[0]["url"].removeprefix("/h5p/choi/").removesuffix("/"))
    assert other_grant.user_id == other_learner.pk

    # With a player origin of its own no worker of the site could serve it: nothing of H5P is listed.
    settings.H5P_PLAYER_ORIGIN = "http://h5p.testserver"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "h5p.testserver"]
    kinds = {item["kind"] for item in learner_client.get(manifest_url(course)).json()["files"]}
    assert not kinds & {"h5p", "h5p-player"}
