"""H5P files in the browser (issue 13): a video seeked by byte ranges, and the weight of an H5P lesson on a
first and a repeat visit, measured from the DevTools protocol's Network events against the goals."""

import io
import json
import struct
import zipfile

import pytest
from playwright.sync_api import expect

from bench._browser import CHROMIUM_ARGS, NetworkMeter, chromium_path
from courses.models import LessonPage
from lms.h5p.models import Activity
from lms.learning.services import enrolment_create
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.test_h5p import log_in
from tests.h5p_builders import assert_player_assets_installed, h5p_block, store_package, thirdparty_path

FIRST_VISIT_GOAL_KB = 250
REPEAT_VISIT_GOAL_KB = 30
AUDIO_RATE = 8000
AUDIO_SECONDS = 1200  # 8 kHz, 16-bit mono: 16 KB a second, about 19 MB


@pytest.fixture(scope="module")
def isolated_browser(browser):
    """Chromium with every frame in the page's process, so one CDP session sees the player's requests
    (launched by the same Playwright as the suite's browser: only one may run in this thread)."""
    isolated = browser.browser_type.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield isolated
    isolated.close()


@pytest.fixture
def player_origin(settings, live_server):
    """The player on an origin of its own: the live server under its other name (127.0.0.1)."""
    settings.H5P_PLAYER_ORIGIN = live_server.url.replace("localhost", "127.0.0.1")
    return settings.H5P_PLAYER_ORIGIN


def lesson_with(data: bytes, *, username: str) -> LessonPage:
    version = store_package(data, title="Hoạt động")
    course = make_course(make_catalogue(), modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = h5p_block(Activity.objects.get(pk=version.activity_id))
    lesson.save()
    enrolment_create(user=UserFactory(username=username), course=course)
    return lesson


def wav(seconds: int) -> bytes:
    samples = AUDIO_RATE * seconds
    header = b"RIFF" + struct.pack("<I", 36 + samples * 2) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, AUDIO_RATE, AUDIO_RATE * 2, 2, 16)
    tone = b"".join(struct.pack("<h", (i % 40 - 20) * 300) for i in range(40))
    return header + b"data" + struct.pack("<I", samples * 2) + tone * (samples // 40)


def interactive_video_with_local_media() -> bytes:
    """The third-party Interactive Video package with its video (on h5p.org) replaced by a local file."""
    out = io.BytesIO()
    source = thirdparty_path("H5P.InteractiveVideo.h5p")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "content/content.json":
                content = json.loads(data)
                content["interactiveVideo"]["video"]["files"] = [
                    {"path": "videos/clip.wav", "mime": "video/webm", "copyright": {"license": "U"}}
                ]
                data = json.dumps(content).encode()
            copy.writestr(info, data)
        copy.writestr("content/videos/clip.wav", wav(AUDIO_SECONDS), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def ready(page) -> None:
    expect(page.locator("[data-h5p-activity].is-ready")).to_be_attached(timeout=60_000)


@pytest.mark.parametrize("own_origin", [True, False], ids=["player-origin", "opaque-sandbox"])
def test_a_video_is_seeked_with_byte_ranges(live_server, transactional_db, page, request, own_origin):
    assert_player_assets_installed()
    if own_origin:
        request.getfixturevalue("player_origin")
    lesson = lesson_with(interactive_video_with_local_media(), username="hocvien_video")
    log_in(page, live_server, "hocvien_video")
    ranges = []
    page.context.on(
        "response",
        lambda r: (
            ranges.append((r.request.headers.get("range"), r.status, r.headers.get("content-range")))
            if "/content/videos/clip.wav" in r.url
            else None
        ),
    )
    # Slow enough that the file is not all fetched before the seek.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": 500_000, "uploadThroughput": 500_000},
    )

    page.goto(live_server.url + lesson.url)
    player = page.frame_locator("iframe.h5p-player")
    expect(player.locator("video")).to_be_attached(timeout=30_000)
    frame = next(f for f in page.frames if "/h5p/choi/" in f.url)
    frame.wait_for_function("document.querySelector('video').readyState >= 1", timeout=30_000)
    duration = frame.evaluate("document.querySelector('video').duration")
    assert abs(duration - AUDIO_SECONDS) < 2
    frame.evaluate("document.querySelector('video').currentTime = 1000")
    frame.wait_for_function(
        "(() => { const v = document.querySelector('video'); return !v.seeking && v.currentTime >= 999; })()",
        timeout=30_000,
    )

    total = AUDIO_RATE * AUDIO_SECONDS * 2 + 44
    later = [(header, status, answer) for header, status, answer in ranges if header and header != "bytes=0-"]
    assert later, ranges
    header, status, answer = later[-1]
    start = int(header.removeprefix("bytes=").split("-")[0])
    assert status == 206
    assert start > 900 * AUDIO_RATE * 2  # near the seeked time, not the start of the file
    assert answer.startswith(f"bytes {start}-") and answer.endswith(f"/{total}")


def test_an_h5p_lesson_loads_once(live_server, transactional_db, isolated_browser, player_origin, h5p_bytes):
    assert_player_assets_installed()
    lesson = lesson_with(h5p_bytes, username="hocvien_nhe")
    context = isolated_browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    log_in(page, live_server, "hocvien_nhe")
    meter = NetworkMeter(page)
    url = live_server.url + lesson.url

    first, _seconds = meter.visit(url, ready=ready)
    expect(page.frame_locator("iframe.h5p-player").get_by_text("Is this false?")).to_be_visible()
    repeat, _seconds = meter.visit(url, ready=ready)
    expect(page.frame_locator("iframe.h5p-player").get_by_text("Is this false?")).to_be_visible()
    context.close()

    # The activity starts with the page (not when scrolled to) and its files come from addresses that do
    # not change, so the second visit takes them from the browser's cache.
    assert any("/h5p/tep/" in u for u in first.sizes) and any("/h5p/nguon/" in u for u in first.sizes)
    assert first.kb(first.beyond_document) <= FIRST_VISIT_GOAL_KB, first.sizes
    assert repeat.kb(repeat.beyond_document) <= REPEAT_VISIT_GOAL_KB, {
        u: s for u, s in repeat.sizes.items() if s
    }
    assert not [u for u, s in repeat.sizes.items() if ("/h5p/tep/" in u or "/h5p/nguon/" in u) and s]


def test_single_choice_set_sound_effects_load_through_the_cors_preflight(live_server, transactional_db, page):
    """H5P's sound library asks with X-Requested-With from the opaque origin: a preflight (was 405)."""
    assert_player_assets_installed()
    lesson = lesson_with(thirdparty_path("H5P.SingleChoiceSet.h5p").read_bytes(), username="hocvien_am")
    log_in(page, live_server, "hocvien_am")
    sounds = []
    page.context.on(
        "response",
        lambda r: sounds.append((r.request.method, r.status)) if "/sounds/" in r.url else None,
    )

    page.goto(live_server.url + lesson.url)
    expect(page.locator("[data-h5p-activity].is-ready")).to_be_attached(timeout=60_000)
    page.wait_for_timeout(3000)  # let the player ask for its sounds

    assert sounds, "the package asked for no sound"
    assert all(status in (200, 204, 206) for _method, status in sounds), sounds
    assert any(method == "GET" and status in (200, 206) for method, status in sounds), sounds
