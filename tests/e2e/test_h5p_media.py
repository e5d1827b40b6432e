"""Third-party H5P packages whose content needs more than the package: formulas (H5P.MathDisplay with
MathJax from our own static files) and media on other sites (the administrator's allow-list)."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from lms.h5p.models import ExternalMediaHost
from tests.e2e.test_h5p import lesson_with_activity, log_in, open_player
from tests.h5p_builders import assert_player_assets_installed, thirdparty_path

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def thirdparty(name: str) -> bytes:
    return thirdparty_path(name).read_bytes()


def keep_requests_local(page) -> list[str]:
    """Every http(s) request the page and its frames make; any that would leave this machine is aborted
    (and still listed, so the test can fail on it)."""
    outside: list[str] = []

    def route(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("addressunreachable")

    page.context.route(lambda url: urlsplit(url).scheme in ("http", "https"), route)
    return outside


def test_a_package_with_formulas_plays_with_mathjax_from_our_own_static_files(
    live_server, transactional_db, page, screenshot
):
    assert_player_assets_installed()
    lesson = lesson_with_activity(thirdparty("questionset-with-mathdisplay.h5p"), username="hocvien_toan")
    outside = keep_requests_local(page)
    mathjax = []
    page.on("request", lambda r: mathjax.append(r.url) if "/static/vendor/mathjax/" in r.url else None)
    log_in(page, live_server, "hocvien_toan")

    # The package draws 5 of its 10 questions at random and one holds formulas: inside the player the draw
    # keeps the package's order (H5P.shuffleArray swaps nothing when Math.random() is just below 1).
    page.context.add_init_script(
        "if (location.pathname.startsWith('/h5p/choi/')) { Math.random = () => 0.999999; }"
    )
    player = open_player(page, live_server, lesson)
    player.get_by_role("button", name="Start Quiz").click()
    # The fourth question, "Which statement is true?", has formulas in its answers (\\(\\sqrt{5}\\) …).
    player.get_by_role("link", name="Question 4 of 5, Unanswered").click()
    expect(player.get_by_text("Which statement is true?")).to_be_visible()
    # MathJax 2 (SVG output) replaces each \( … \) with a span.MathJax_SVG holding an <svg>.
    formula = player.locator(".h5p-question:visible .MathJax_SVG svg").first
    expect(formula).to_be_visible(timeout=30_000)
    screenshot("h5p-formulas")
    assert player.locator(".MathJax_SVG svg").count() >= 2
    expect(page.locator("[data-h5p-activity].has-error")).to_have_count(0)
    assert any(url.endswith("/static/vendor/mathjax/MathJax.js") for url in mathjax)
    assert outside == []


def test_media_on_other_sites_blocked_then_allowed_but_unreachable_leave_the_lesson_working_with_a_message(
    live_server, transactional_db, page, screenshot
):
    """Interactive Video whose video lives on h5p.org. By default the site is blocked; then the administrator
    allows it, but it cannot be reached (here: every request leaving the machine is aborted)."""
    assert_player_assets_installed()
    lesson = lesson_with_activity(thirdparty("H5P.InteractiveVideo.h5p"), username="hocvien_video")
    assert ExternalMediaHost.objects.filter(host="h5p.org", allowed=False).exists()
    outside = keep_requests_local(page)
    log_in(page, live_server, "hocvien_video")

    open_player(page, live_server, lesson)
    activity = page.locator("[data-h5p-activity]")
    expect(activity.locator(".h5p-media-blocked")).to_have_text(
        "Một phần của hoạt động này lấy từ trang ngoài (h5p.org) chưa được quản trị viên cho phép nên không "
        "hiển thị. Phần còn lại của hoạt động vẫn dùng được.",
        timeout=30_000,
    )
    assert outside == []  # the policy stopped it before any request

    ExternalMediaHost.objects.filter(host="h5p.org").update(allowed=True)
    player = open_player(page, live_server, lesson)
    expect(activity.locator(".h5p-media-unreachable")).to_have_text(
        "Không tải được một phần của hoạt động này từ trang ngoài (h5p.org). Phần còn lại của hoạt động vẫn "
        "dùng được; hãy tải lại trang sau để thử lại.",
        timeout=30_000,
    )
    expect(activity.locator(".h5p-media-blocked")).to_have_count(0)
    expect(activity).to_have_class(re.compile(r"\bis-ready\b"))
    expect(activity).not_to_have_class(re.compile(r"\bhas-error\b"))
    expect(player.locator(".h5p-interactive-video")).to_be_visible()
    screenshot("h5p-external-media-unreachable")
    assert outside and all(urlsplit(url).hostname == "h5p.org" for url in outside)
