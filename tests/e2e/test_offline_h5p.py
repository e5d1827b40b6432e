"""H5P activities of a downloaded course played without a connection, in Chromium (issue 14, item 1;
docs/offline.md, "H5P activities offline").

The course is downloaded without ever opening its H5P lessons; the connection is then cut (every request of
the context aborted by routing, and the browser told it is offline) and the lessons are opened in a new page:
the service worker serves the stored player page, the lesson page hands the player its stored files, the
activities (the real True/False package and a third-party Blanks package) are played, and their statements
reach the server once when the connection returns. An activity of a course that was not downloaded still says
that it needs the connection. The player, served from the worker, still runs in an opaque origin."""

import re
import time

import pytest
from django.core import signing
from playwright.sync_api import expect

from courses.models import LessonPage
from lms.h5p import player as h5p_player
from lms.h5p.models import Activity, Result, Statement
from lms.learning.models import LessonCompletion
from lms.learning.services import enrolment_create
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.offline_helpers import cut_connection, log_in, restore_connection, wait_for_worker, wait_until
from tests.e2e.outbox_helpers import waiting_h5p_statements
from tests.h5p_builders import (
    assert_player_assets_installed,
    h5p_block,
    store_package,
    thirdparty_path,
)

NEEDS_CONNECTION = "Hoạt động tương tác này cần kết nối mạng để mở."


@pytest.fixture(autouse=True)
def offline_site(settings):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    settings.OFFLINE_RELEASE = "release-1"
    expect.set_options(timeout=20_000)  # a shared, loaded machine: worker installs take their time
    yield
    expect.set_options(timeout=5_000)


def course_with(catalogue, activities, *, title: str, learner):
    course = make_course(catalogue, title=title, modules=1, lessons_per_module=len(activities) + 1)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    for lesson, (activity, rule) in zip(lessons, activities, strict=False):
        lesson.body = h5p_block(activity, rule=rule)
        lesson.save_revision().publish()
    enrolment_create(user=learner, course=course)
    return course, lessons


def expired_grant(grant: str) -> str:
    """The same grant (same person, version, lesson and origin) signed 13 hours ago: past its 12 hours."""
    data = grant.split(":")[0]
    signer = signing.TimestampSigner(salt=h5p_player.SALT)
    old = signing.b62_encode(int(time.time()) - 13 * 3600)
    return signing.Signer.sign(signer, f"{data}:{old}")


def player_frame(page):
    wait_until(page, "document.querySelector('iframe.h5p-player') !== null")
    page.locator("iframe.h5p-player").scroll_into_view_if_needed()
    return page.frame_locator("iframe.h5p-player")


def test_a_downloaded_courses_h5p_activities_play_offline_in_a_page_that_never_loaded_them(
    live_server, transactional_db, page, h5p_bytes
):
    assert_player_assets_installed()
    blanks_file = thirdparty_path("H5P.Blanks.h5p")  # missing: a failure in CI (REQUIRE_H5P_FIXTURE=1)
    true_false = Activity.objects.get(pk=store_package(h5p_bytes, title="Câu hỏi đúng sai").activity_id)
    blanks = Activity.objects.get(pk=store_package(blanks_file.read_bytes(), title="Điền từ").activity_id)
    learner = UserFactory(username="hocvien_h5p_offline")
    catalogue = make_catalogue()
    course, lessons = course_with(
        catalogue,
        [(true_false, "completed"), (blanks, "passed")],
        title="Hoạt động khi mất mạng",
        learner=learner,
    )
    not_downloaded = Activity.objects.get(pk=store_package(h5p_bytes, title="Chưa tải về").activity_id)
    _other_course, other_lessons = course_with(
        catalogue, [(not_downloaded, "completed")], title="Khóa chưa tải về", learner=learner
    )
    context = page.context
    log_in(page, live_server, learner.username)
    # Another course's H5P lesson is read online (the page is kept for reading, its activity is not).
    page.goto(live_server.url + other_lessons[0].url)
    expect(page.locator("[data-h5p-activity].is-ready")).to_be_attached()
    # The course is downloaded; its H5P lessons are never opened online.
    page.goto(live_server.url + course.url)
    wait_for_worker(page)
    page.get_by_role("button", name="Tải về để học offline").click()
    # The size shown first counts the activities' files.
    expect(page.locator(".offline-status")).to_contain_text(
        re.compile(r"Khóa học chiếm khoảng [\d,.]+ (KB|MB)")
    )
    page.get_by_role("button", name="Bắt đầu tải về").click()
    # Each file one after the other: slow on a loaded machine.
    expect(page.locator(".offline-status")).to_contain_text("Đã tải về để học offline", timeout=120_000)
    sizes = page.locator(".offline-status").inner_text()
    assert "Đã tải về để học offline" in sizes
    cache_name = f"swl-course-{course.pk}"
    stored = page.evaluate(
        """async (name) => {
          const cache = await caches.open(name);
          return (await cache.keys()).map((request) => new URL(request.url).pathname);
        }""",
        cache_name,
    )
    players = [path for path in stored if path.startswith("/h5p/choi/")]
    assert len(players) == 2
    assert any("/libraries/H5P.Blanks-" in path for path in stored)
    assert any(path.endswith("/vendor/h5p-standalone/main.bundle.js") for path in stored)
    # The stored copy of the first lesson names a grant 13 hours old (the page stored long ago): the
    # server no longer serves it, the worker still plays the stored player page.
    grant = page.evaluate(
        """async ([name, url]) => {
          const cache = await caches.open(name);
          const html = await (await cache.match(url)).text();
          return html.match(/src="\\/h5p\\/choi\\/([^"/]+)\\//)[1];
        }""",
        [cache_name, lessons[0].url],
    )
    old_grant = expired_grant(grant)
    assert h5p_player.grant_read(old_grant) is None
    assert page.request.get(f"{live_server.url}/h5p/choi/{old_grant}/").status == 404
    page.evaluate(
        """async ([name, url, grant, oldGrant]) => {
          const cache = await caches.open(name);
          const response = await cache.match(url);
          const html = (await response.text()).split(grant).join(oldGrant);
          await cache.put(url, new Response(html, { headers: response.headers }));
        }""",
        [cache_name, lessons[0].url, grant, old_grant],
    )

    cut_connection(context)
    page.close()
    page = context.new_page()

    # True/False, from the download only.
    page.goto(live_server.url + lessons[0].url)
    assert old_grant in page.locator("iframe.h5p-player").get_attribute("src")
    player = player_frame(page)
    expect(player.get_by_text("Is this false?")).to_be_visible()
    expect(page.locator("[data-h5p-activity].is-ready")).to_be_attached()
    # Served by the worker, the player still runs in an opaque origin: no cookie, no lesson page, no storage.
    frame = next(f for f in page.frames if "/h5p/choi/" in f.url)
    isolation = frame.evaluate(
        """() => {
          const tried = (read) => { try { read(); return 'read'; } catch (error) { return error.name; } };
          return {
            origin: window.origin,
            cookie: tried(() => document.cookie),
            parent: tried(() => window.parent.document.body.innerHTML),
            controlled: tried(() => navigator.serviceWorker.controller),
          };
        }"""
    )
    assert isolation == {
        "origin": "null",
        "cookie": "SecurityError",
        "parent": "SecurityError",
        "controlled": "SecurityError",
    }
    # Nor can it take the learner away from the lesson page (no top navigation; the frame's attribute keeps
    # that limit even for a document the frame would show after the player).
    lesson_url = page.url
    frame.evaluate("() => { try { window.top.location.href = '/tai-khoan/logout/'; } catch (error) {} }")
    frame.evaluate("() => { try { window.open('/'); } catch (error) {} }")
    expect(player.get_by_text("Is this false?")).to_be_visible()
    assert page.url == lesson_url and len(context.pages) == 1
    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    box = page.locator("[data-h5p-activity]")
    expect(box.locator(".h5p-save-status")).to_have_text(box.get_attribute("data-msg-offline"))
    page.screenshot(path=str(ARTIFACTS / "offline-h5p-01-true-false-offline.png"), full_page=True)

    # Blanks, a package made by others: its libraries' styles, fonts and scripts from the download.
    page.goto(live_server.url + lessons[1].url)
    player = player_frame(page)
    inputs = player.locator("input.h5p-text-input")
    expect(inputs).to_have_count(3)
    for index, word in enumerate(("blue", "Cloud", "black")):
        inputs.nth(index).fill(word)
        inputs.nth(index).press("Tab")
    check = player.get_by_role("button", name="Check")
    if check.count() and check.is_visible():
        check.click()
    # Its answer waits on this device with the others (Blanks checks each blank as it is left).
    blanks_object = f"/h5p/hoat-dong/{blanks.pk}/phien-ban/"
    deadline = time.monotonic() + 30
    while not any(
        blanks_object in item["object"]["id"] and (item.get("result") or {}).get("score")
        for item in waiting_h5p_statements(page)
    ):
        assert time.monotonic() < deadline, waiting_h5p_statements(page)
        page.wait_for_timeout(200)
    # The libraries' scripts and styles came from the stored files, at blob: addresses made in the frame.
    frame = next(f for f in page.frames if "/h5p/choi/" in f.url)
    loaded = frame.evaluate(
        """() => ({
          scripts: document.querySelectorAll('script[src^="blob:"]').length,
          styles: document.querySelectorAll('link[rel=stylesheet][href^="blob:"]').length,
          other: document.querySelectorAll('script[src^="http"], link[rel=stylesheet][href^="http"]').length,
        })"""
    )
    assert loaded["scripts"] >= 3 and loaded["styles"] >= 2 and loaded["other"] == 0, loaded
    page.screenshot(path=str(ARTIFACTS / "offline-h5p-02-blanks-offline.png"), full_page=True)
    statement_ids = {item["id"] for item in waiting_h5p_statements(page)}
    assert len(statement_ids) >= 3
    assert not Statement.objects.exists()

    # An H5P lesson that was only read, not downloaded: its page is there, its activity says what to do.
    page.goto(live_server.url + other_lessons[0].url)
    expect(page.get_by_text(NEEDS_CONNECTION)).to_be_visible()

    restore_connection(context)
    page.goto(live_server.url + lessons[1].url)
    expect(page.locator(".outbox-indicator")).to_be_hidden()
    wait_until(page, "document.querySelector('[data-h5p-activity].is-ready') !== null")

    stored_ids = {
        str(s) for s in Statement.objects.filter(user=learner).values_list("statement_id", flat=True)
    }
    assert stored_ids == statement_ids
    assert Statement.objects.filter(user=learner).count() == len(statement_ids)
    assert Result.objects.filter(user=learner, activity=true_false).count() == 1
    assert Result.objects.get(user=learner, activity=blanks).success is True
    completed = set(
        LessonCompletion.objects.filter(enrolment__user=learner).values_list("lesson_id", flat=True)
    )
    assert completed == {lessons[0].pk, lessons[1].pk}
