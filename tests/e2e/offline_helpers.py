"""Cutting the connection for real: every request of the context (pages, and the service worker's own
fetches) is aborted by routing, and the browser is told it is offline as well."""

import contextlib
import io
import json
import time

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from playwright.sync_api import Error as PlaywrightError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from lms.learning.services import enrolment_create
from tests.builders import UserFactory, lessons_of, make_catalogue, make_course

PASSWORD = "MatKhau@123"


def cut_connection(context):
    context.route("**/*", lambda route: route.abort("internetdisconnected"))
    context.set_offline(True)


def restore_connection(context):
    context.unroute("**/*")
    context.set_offline(False)


class Network:
    """Cuts and restores one browser context's connection by routing, for pages without the service worker
    (a context with `service_workers="block"`): while cut, every POST is aborted and a GET gets the copy
    of the page taken while online (as the worker would serve it) or is aborted. Nothing relies on
    `set_offline` alone."""

    def __init__(self, context):
        self.context = context
        self.copies = {}
        self.cut = False
        context.on("response", self._keep)

    def _keep(self, response):
        request = response.request
        if request.method == "GET" and response.status == 200 and not self.cut:
            with contextlib.suppress(Exception):  # a response without a body (aborted)
                self.copies[request.url.split("#")[0]] = (response.headers, response.body())

    def _offline(self, route):
        request = route.request
        copy = self.copies.get(request.url.split("#")[0]) if request.method == "GET" else None
        if copy is None:
            route.abort("internetdisconnected")
        else:
            headers, body = copy
            route.fulfill(status=200, headers=headers, body=body)

    def go_offline(self):
        self.cut = True
        self.context.route("**/*", self._offline)

    def go_online(self, *pages):
        """The connection returns; the browser says so to each of `pages` (the `online` event). With no page
        named, nothing is said, as when only the route to the server was cut: the outbox finds out itself."""
        self.cut = False
        self.context.unroute("**/*", self._offline)
        for page in pages:
            page.evaluate("window.dispatchEvent(new Event('online'))")


def cache_names(page) -> list[str]:
    return page.evaluate("caches.keys()")


def wait_until(page, expression: str, timeout: float = 20.0):
    """Polls an expression with page.evaluate. Playwright's wait_for_function compiles its predicate with
    eval() inside the page once it has to poll, which the site's policy (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:  # the page is navigating (a reload): ask the next one
            pass
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


WORKER_STATE = """navigator.serviceWorker.getRegistration().then(r => r ? JSON.stringify({
    installing: r.installing && r.installing.state, waiting: r.waiting && r.waiting.state,
    active: r.active && r.active.state}) : "no registration")"""


def wait_for_worker(page):
    # A first install precaches the static files: slow on a busy machine (CI runs two test processes).
    try:
        wait_until(page, "navigator.serviceWorker.controller !== null", timeout=60.0)
    except AssertionError as error:
        raise AssertionError(f"{error}; the worker's registration: {page.evaluate(WORKER_STATE)}") from None


def log_in(page, live_server, username: str):
    page.goto(live_server.url + "/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/tai-khoan/login/" not in url)


def course_with_media(*, learners=("hocvien_offline",)):
    """A course of four lessons: lesson 1 shows an image, lesson 2 links a document."""
    if Collection.get_first_root_node() is None:  # lost with the flush between browser tests
        Collection.add_root(name="Root")
    catalogue = make_catalogue()
    course = make_course(catalogue, title="Học khi mất mạng")
    buffer = io.BytesIO()
    PILImage.new("RGB", (1000, 500), "teal").save(buffer, format="PNG")
    image = Image.objects.create(title="Sơ đồ", file=ImageFile(buffer, name="so-do.png"))
    document = Document.objects.create(title="Mẫu báo cáo", file=ContentFile(b"x" * 4096, name="mau.pdf"))
    first, second = lessons_of(course)[:2]
    first.body = json.dumps(
        [
            {"type": "paragraph", "value": "<p>IMAGE-LESSON</p>"},
            {"type": "image", "value": {"image": image.pk, "alt_text": "Sơ đồ luồng hồ sơ", "caption": ""}},
        ]
    )
    first.save_revision().publish()
    second.body = json.dumps(
        [
            {"type": "paragraph", "value": "<p>DOCUMENT-LESSON</p>"},
            {"type": "document", "value": {"document": document.pk, "title": "", "description": ""}},
        ]
    )
    second.save_revision().publish()
    people = [UserFactory(username=name, full_name=f"Người học {name}") for name in learners]
    for person in people:
        enrolment_create(user=person, course=course)
    return course, lessons_of(course), people
