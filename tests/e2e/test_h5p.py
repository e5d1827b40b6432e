"""The real H5P package played in a lesson: the sandboxed player, the postMessage bridge, the result on the
server; and what a hostile package can and cannot reach from inside the sandbox."""

import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import LessonPage
from lms.h5p.models import Activity, Library, Statement, UserData
from lms.h5p.storage import h5p_storage
from lms.learning.services import enrolment_create
from tests.builders import UserFactory, make_catalogue, make_course
from tests.e2e.outbox_helpers import waiting_h5p_statements
from tests.h5p_builders import assert_player_assets_installed, h5p_block, store_package

from .menu_helpers import open_menu

PASSWORD = "MatKhau@123"  # tests.builders.UserFactory's
MAIN_SCRIPT = "H5P.TrueFalse-1.6/scripts/h5p-true-false.js"
COMPLETED_TEXT = "Bạn đã hoàn thành bài học này."
LOGGED_IN = "Đăng xuất"  # the header's log-out button: only on pages of a logged-in person


def lesson_with_activity(data: bytes, *, username: str) -> LessonPage:
    """A live course of one lesson holding the package as an H5P block, and a learner enrolled in it."""
    version = store_package(data, title="Câu hỏi đúng sai")
    course = make_course(make_catalogue(), modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = h5p_block(Activity.objects.get(pk=version.activity_id))
    lesson.save()
    enrolment_create(user=UserFactory(username=username), course=course)
    return lesson


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)


def open_player(page, live_server, lesson):
    page.goto(live_server.url + lesson.url)
    page.locator("iframe.h5p-player").scroll_into_view_if_needed()
    return page.frame_locator("iframe.h5p-player")


def test_learner_answers_the_real_true_false_activity_and_the_lesson_completes(
    live_server, transactional_db, page, screenshot, h5p_bytes
):
    assert_player_assets_installed()
    lesson = lesson_with_activity(h5p_bytes, username="hocvien_h5p")
    log_in(page, live_server, "hocvien_h5p")
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith(reverse("lesson_h5p:xapi")) else None)

    player = open_player(page, live_server, lesson)
    expect(player.get_by_text("Is this false?")).to_be_visible()
    screenshot("h5p-01-player")
    # A ward's connection drops just as the learner answers: the statements wait in the lesson page.
    page.context.set_offline(True)
    player.get_by_role("radio", name="False").click()
    player.get_by_role("button", name="Check").click()
    activity_box = page.locator("[data-h5p-activity]")
    expect(activity_box.locator(".h5p-save-status")).to_have_text(
        activity_box.get_attribute("data-msg-offline")
    )
    queued = [s["id"] for s in waiting_h5p_statements(page)]
    assert len(queued) >= 2 and not Statement.objects.exists()

    # Back online, the lesson page (not the sandbox) sends them with the ids they were given. The resume
    # state could not be sent offline either: its first save is awaited here (it follows within 2 s).
    state_url = reverse("lesson_h5p:state")
    with page.expect_response(lambda r: r.url.endswith(state_url) and r.status == 200, timeout=20_000):
        page.context.set_offline(False)
    expect(page.get_by_text(COMPLETED_TEXT)).to_be_visible(timeout=20_000)
    screenshot("h5p-02-completed")
    assert {str(i) for i in Statement.objects.values_list("statement_id", flat=True)} >= set(queued)
    body = sent[0].post_data_json
    assert set(body) == {"lesson", "activity", "version", "statement"}
    assert body["lesson"] == lesson.pk and len(body["statement"]["id"]) == 36
    assert sent[0].headers["x-csrftoken"]
    answered = Statement.objects.get(verb="http://adlnet.gov/expapi/verbs/answered", is_top_level=True)
    assert (answered.score_raw, answered.score_max) == (1, 1)
    assert answered.user.username == "hocvien_h5p" and answered.lesson_id == lesson.pk
    expect(page.get_by_text("Chúc mừng! Bạn đã hoàn thành khóa học.")).to_be_visible()

    # The answer is kept as resume state and given back to the player on the next visit.
    assert UserData.objects.filter(activity_id=body["activity"], data_type="state").exists()
    assert json.loads(UserData.objects.get().data) == {"answer": False}
    page.reload()
    player = page.frame_locator("iframe.h5p-player")
    expect(player.get_by_role("radio", name="False")).to_have_attribute("aria-checked", "true")


PROBE = """
;(function () {
  var report = { type: "probe" };
  try { report.cookie = document.cookie; } catch (e) { report.cookieError = e.name; }
  try { report.siteMarker = window.localStorage.getItem("smartward-marker"); }
  catch (e) { report.siteMarker = "threw " + e.name; }
  try {
    var frame = document.createElement("iframe");
    document.body.appendChild(frame);
    report.realStorage = frame.contentWindow.localStorage.getItem("smartward-marker");
  } catch (e) { report.realStorage = "threw " + e.name; }
  try { report.parentDocument = String(window.parent.document.title); }
  catch (e) { report.parentDocument = "threw " + e.name; }
  var page = fetch("/hoc-tap-cua-toi/", { credentials: "include" }).then(
    function (r) { return r.text().then(function (t) {
      return { status: r.status, type: r.type, url: r.url, loggedIn: t.indexOf("__LOGGED_IN__") >= 0 };
    }); },
    function (e) { return { error: e.name }; });
  var post = fetch("__XAPI__", {
    method: "POST", credentials: "include", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ lesson: __LESSON__, activity: __ACTIVITY__, version: __VERSION__, statement: {
      id: "6f1f1b2c-1d7e-4a53-9d6c-3c3f1f0a0b0c",
      verb: { id: "http://adlnet.gov/expapi/verbs/answered" },
      object: { id: "http://probe/" }, result: { score: { raw: 1, max: 1, scaled: 1 }, completion: true } } })
  }).then(function (r) { return { status: r.status, type: r.type }; },
          function (e) { return { error: e.name }; });
  Promise.all([page, post]).then(function (results) {
    report.page = results[0];
    report.post = results[1];
    window.parent.postMessage(report, "*");
  });
})();
"""


FORGED_MESSAGE = """() => new Promise((delivered) => {
  window.addEventListener("message", (event) => { if (event.source === window) delivered(); });
  window.postMessage({ type: "smartward-h5p", kind: "xapi", statement: { verb: { id: "x" } } }, "*");
})"""


def probe_package(source: bytes, *, xapi_url: str) -> bytes:
    """The real package with a probe appended to the main library's script (placeholders filled later)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == MAIN_SCRIPT:
                data += PROBE.replace("__XAPI__", xapi_url).replace("__LOGGED_IN__", LOGGED_IN).encode()
            copy.writestr(info, data)
    return out.getvalue()


def fill_probe_ids(*, lesson, activity) -> None:
    """Write the ids the probe's statement needs into its stored script (they exist only after storing)."""
    library = Library.objects.get(machine_name="H5P.TrueFalse", major_version=1, minor_version=6)
    name = library.storage_prefix + MAIN_SCRIPT.split("/", 1)[1]
    with h5p_storage().open(name) as handle:
        code = handle.read().decode()
    for placeholder, value in (
        ("__LESSON__", lesson.pk),
        ("__ACTIVITY__", activity.pk),
        ("__VERSION__", activity.current_version_id),
    ):
        code = code.replace(placeholder, str(value))
    h5p_storage().delete(name)
    h5p_storage().save(name, ContentFile(code.encode()))


def test_a_hostile_package_cannot_reach_the_session_the_storage_or_the_lesson_page(
    live_server, transactional_db, page, h5p_bytes
):
    assert_player_assets_installed()
    lesson = lesson_with_activity(
        probe_package(h5p_bytes, xapi_url=reverse("lesson_h5p:xapi")), username="hocvien_probe"
    )
    # The probe posts a well-formed statement for this very lesson: only the sandbox can stop it.
    activity = Activity.objects.get()
    fill_probe_ids(lesson=lesson, activity=activity)

    page.add_init_script(
        "window.__probes = [];"
        "window.addEventListener('message', (e) => {"
        " if (e.data && e.data.type === 'probe') window.__probes.push(e.data); });"
    )
    log_in(page, live_server, "hocvien_probe")
    open_menu(page)  # the log-out button is folded in the phone's menu
    expect(page.get_by_role("button", name=LOGGED_IN)).to_be_visible()
    page.evaluate("localStorage.setItem('smartward-marker', 'secret')")
    sent = []  # by the lesson page itself (the probe's own attempt comes from the frame)
    page.on(
        "request",
        lambda r: (
            sent.append(r)
            if r.url.endswith(reverse("lesson_h5p:xapi")) and r.frame == page.main_frame
            else None
        ),
    )
    player = open_player(page, live_server, lesson)
    expect(player.get_by_text("Is this false?")).to_be_visible()
    page.wait_for_function("window.__probes.length > 0")
    report = page.evaluate("window.__probes[0]")
    # A message that looks right but does not come from the activity's frame is ignored. The lesson page's
    # listener was added first, so it has handled the message (and would have started sending the statement)
    # by the time the listener added here sees it.
    page.evaluate(FORGED_MESSAGE)

    assert report.get("cookieError") == "SecurityError" or "sessionid" not in (report.get("cookie") or "")
    assert report["siteMarker"] != "secret"  # the player's storage lives in memory, apart from the site's
    assert report["realStorage"] == "threw SecurityError"
    assert report["parentDocument"].startswith("threw ")
    assert "error" in report["page"] or not report["page"].get("loggedIn"), report["page"]
    assert "error" in report["post"] or report["post"]["status"] >= 400, report["post"]
    assert not Statement.objects.exists() and not sent
    # The lesson page itself still has its session: the sandbox, not a logout, stopped the probe.
    assert page.evaluate("document.cookie").find("csrftoken") >= 0
