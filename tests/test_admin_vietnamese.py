"""The admin in Vietnamese: no page a trainer, an HR manager or an administrator opens shows an English string
of Wagtail's or Django's catalogues (issue 17). The Vietnamese the packages lack is in locale_overrides/
(scripts/admin_translations.py)."""

import importlib.util
import json
import os
import re
import sys
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from wagtail.models import GroupApprovalTask, Workflow

from courses.models import CourseIndexPage, ModulePage
from lms.audit.models import AuditEntry
from lms.compliance.models import Obligation
from lms.compliance.services import assignment_create
from lms.people import roles
from lms.quiz.models import Category, Question, Quiz
from tests.builders import UserFactory, lessons_of, make_course
from tests.org_builders import make_admin_user, make_hr, make_official, make_org

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# The same word in both languages, or a name: never a leak.
SAME_IN_BOTH = {
    "Email",
    "OK",
    "URL",
    "ID",
    "CSV",
    "XLSX",
    "PDF",
    "HTML",
    "Wagtail",
    "SmartWard Learn",
    "English",  # the language switch names each language in its own language
}
# English that no catalogue can translate, each for a stated reason, and where it may appear ("" anywhere).
KNOWN_UNTRANSLATABLE = {
    # Wagtail 8.0.1's side-panel counter prints Python's None inside a hidden element.
    "None": "",
    # The role groups are named by stable English keys (lms/people/roles.py); Wagtail's user and group pages
    # show the group's name as stored.
    "Administrator": "/admin/",
    # Wagtail 8.0.1's Sites list builds these column headers from field names (Column("site_name")),
    # not from the fields' translated verbose names.
    "Site name": "/admin/sites/",
    "Root page": "/admin/sites/",
    "Port": "/admin/sites/",
    # Wagtail 8.0.1's page-permission form field has no label: Django names it after the field (screen
    # readers only).
    "Page": "/admin/groups/",
}
TITLE_SUFFIX = re.compile(r" - (Wagtail|SmartWard Learn)$")
# A pattern made only of placeholders and these words would match Vietnamese text around a name.
WEAK_WORDS = {"page", "pages", "for", "and", "the", "of", "at", "by", "in", "on", "to"}


def _script():
    path = ROOT / "scripts" / "admin_translations.py"
    spec = importlib.util.spec_from_file_location("admin_translations", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdfr]|\{[a-z_0-9]*\}")
WORD = re.compile(r"[A-Za-z]{3,}")


class EnglishStrings:
    """The msgids of the admin catalogues whose Vietnamese differs from the English, as fixed strings and as
    patterns (placeholders match any text)."""

    def __init__(self):
        script = _script()
        fixed, patterns = set(), {}
        with translation.override("vi"):
            for source in script.sources():
                for entry in source.english:
                    for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                        msgid = " ".join(msgid.split())
                        if msgid in SAME_IN_BOTH or "<" in msgid:
                            continue
                        literal = PLACEHOLDER.sub(" ", msgid)
                        words = WORD.findall(literal)
                        if not words:
                            continue
                        if literal == msgid:
                            fixed.update({msgid, msgid[0].upper() + msgid[1:]})  # also as a capitalised label
                            continue
                        if not {w.lower() for w in words} - WEAK_WORDS:
                            continue
                        pieces = PLACEHOLDER.split(msgid)
                        pattern = re.compile(".+?".join(re.escape(p) for p in pieces), re.DOTALL)
                        patterns.setdefault(max(words, key=len), []).append((msgid, pattern))
        self.fixed = fixed
        self.patterns = patterns

    def leaks(self, texts, url):
        found = set()
        for text in texts:
            text = TITLE_SUFFIX.sub("", text)
            if text in KNOWN_UNTRANSLATABLE and url.startswith(KNOWN_UNTRANSLATABLE[text]):
                continue
            if text in ("True", "False"):  # a Python value printed as it is
                found.add(text)
                continue
            if text in self.fixed:
                found.add(text)
                continue
            for word in set(WORD.findall(text)):
                for msgid, pattern in self.patterns.get(word, ()):
                    if pattern.fullmatch(text):
                        found.add(f"{text}  ← {msgid}")
        return found


@pytest.fixture(scope="module")
def english():
    return EnglishStrings()


class VisibleText(HTMLParser):
    """Text nodes and the attributes people see or hear (placeholder, title, aria-label, alt, button values),
    without scripts and styles; the sidebar's menu labels from its JSON."""

    ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-w-tooltip-content-value")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._skip = 0
        self._json = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
            if tag == "script" and attrs.get("id") == "wagtail-sidebar-props":
                self._json = []
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self._add(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self._add(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)
            if self._json is not None:
                self._labels(json.loads("".join(self._json)))
                self._json = None

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)
        elif not self._skip:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text:
            self.texts.append(text)

    def _labels(self, value):
        if isinstance(value, dict):
            for name, item in value.items():
                if name in ("label", "title") and isinstance(item, str):
                    self._add(item)
                else:
                    self._labels(item)
        elif isinstance(value, list):
            for item in value:
                self._labels(item)


def visible_texts(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


@pytest.fixture
def world(catalogue):
    org = make_org()
    admin = make_admin_user()
    hr = make_hr(org.ward_a)
    trainer = UserFactory(username="giangvien", full_name="Trần Thị Giảng")
    trainer.groups.add(Group.objects.get(name=roles.TRAINER))
    person = make_official(org.ward_a, name="Phạm Thị Phường Anh")
    course = make_course(catalogue, title="An toàn thông tin")
    assignment = assignment_create(
        by=admin, course=course, unit=org.ward_a, due_date=timezone.localdate() + timedelta(days=20)
    )
    lesson = lessons_of(course)[0]
    # A draft in moderation and one with a newer draft: status tags and workflow messages.
    lesson.title = "Bài 1 (bản sửa)"
    revision = lesson.save_revision(user=trainer)
    workflow = Workflow.objects.filter(active=True).first()
    if workflow is not None:
        workflow.start(lesson, trainer)
    draft = lessons_of(course)[1]
    draft.save_revision(user=trainer)
    category = Category.objects.create(name="An toàn")
    question = Question.objects.create(category=category, text="Mật khẩu mạnh là gì?")
    quiz = Quiz.objects.create(title="Kiểm tra an toàn", slug="kiem-tra-an-toan")
    return {
        "org": org,
        "admin": admin,
        "hr": hr,
        "trainer": trainer,
        "person": person,
        "course": course,
        "lesson": lesson,
        "revision": revision,
        "module": ModulePage.objects.child_of(course).first(),
        "catalogue": CourseIndexPage.objects.get(pk=catalogue.pk),
        "assignment": assignment,
        "obligation": Obligation.objects.filter(assignment=assignment).first(),
        "question": question,
        "quiz": quiz,
    }


def page_urls(w):
    course, lesson, module = w["course"], w["lesson"], w["module"]
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[w["catalogue"].pk]),
        reverse("wagtailadmin_explore", args=[course.pk]),
        reverse("wagtailadmin_explore", args=[module.pk]),
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        reverse("wagtailadmin_pages:edit", args=[lessons_of(course)[1].pk]),
        reverse("wagtailadmin_pages:add", args=["courses", "coursepage", w["catalogue"].pk]),
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[module.pk]),
        reverse("wagtailadmin_pages:history", args=[lesson.pk]),
        reverse("wagtailadmin_pages:revisions_index", args=[lesson.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[lesson.pk]),
        reverse("wagtailadmin_pages:search") + "?q=an",
        reverse("wagtailadmin_pages:move", args=[lesson.pk]),
        reverse("wagtailadmin_pages:copy", args=[lesson.pk]),
        reverse("wagtailadmin_pages:delete", args=[lesson.pk]),
        reverse("wagtailadmin_pages:usage", args=[lesson.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add_multiple"),
        reverse("wagtailsnippets:index"),
        reverse("wagtailsnippets_quiz_question:list"),
        reverse("wagtailsnippets_quiz_question:add"),
        reverse("wagtailsnippets_quiz_question:edit", args=[w["question"].pk]),
        reverse("wagtailsnippets_quiz_quiz:list"),
        reverse("wagtailsnippets_quiz_quiz:add"),
        reverse("wagtailsnippets_quiz_quiz:edit", args=[w["quiz"].pk]),
        reverse("wagtailsnippets_quiz_category:list"),
        reverse("wagtailsnippets_quiz_subcategory:add"),
        reverse("wagtailsnippets_h5p_activity:list"),
        reverse("wagtailsnippets_reminders_emailtemplate:list"),
        reverse("quiz_marking:index"),
        reverse("quiz_interchange:index"),
        reverse("h5p_libraries:index"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[w["person"].user_id]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_groups:edit", args=[Group.objects.get(name=roles.TRAINER).pk]),
        reverse("wagtailsites:index"),
        reverse("wagtailadmin_collections:index"),
        reverse("wagtailredirects:index"),
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_workflows:task_index"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:page_types_usage"),
        reverse("wagtailadmin_account"),
        reverse("people_admin:officials"),
        reverse("people_admin:units"),
        reverse("people_admin:positions"),
        reverse("people_admin:import"),
        reverse("compliance_assignments:index"),
        reverse("compliance_assignments:create"),
        reverse("compliance_assignments:detail", args=[w["assignment"].pk]),
        reverse("compliance_reports:index"),
        reverse("compliance_reports:unit", args=[w["org"].ward_a.pk]),
        reverse("compliance_reports:overdue_all"),
        reverse("compliance_reports:overdue", args=[w["org"].ward_a.pk]),
        reverse("compliance_reports:person", args=[w["person"].user_id]),
        reverse("people_admin:unit_add"),
        reverse("people_admin:unit_move", args=[w["org"].office_a.pk]),
        reverse("people_admin:officials_results"),
        reverse("people_admin:official_deactivate", args=[w["person"].pk]),
        reverse("people_admin:official_welcome", args=[w["person"].pk]),
        reverse("compliance_assignments:index_results"),
        reverse("compliance_assignments:detail_results", args=[w["assignment"].pk]),
        reverse("compliance_assignments:withdraw", args=[w["assignment"].pk]),
        reverse("compliance_assignments:exempt", args=[w["obligation"].pk]),
        reverse("certificates_admin:index_results"),
        reverse("reminders_admin:index_results"),
        reverse("reminders_admin:preview", args=["overdue"]),
        reverse("people_admin:position_add"),
        reverse("reminders_admin:templates"),
        reverse("reminders_admin:nudge"),
        reverse("reminders_admin:ops"),
        reverse("audit_admin:inspect", args=[AuditEntry.objects.latest("pk").pk]),
        reverse("h5p_media_hosts:index"),
        reverse("h5p_rules:index"),
        reverse("certificates_admin:index"),
        reverse("reminders_admin:index"),
        reverse("audit_admin:index"),
        reverse("lockouts_admin:index"),
    ]


def render_all(user, w, english):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    shown, leaks = [], {}
    for url in page_urls(w):
        response = client.get(url)
        if response.status_code != 200:
            continue  # not this role's page (the authorization matrix checks who may open what)
        shown.append(url)
        check_page(response, url, english, leaks)
    return shown, leaks


def check_page(response, url, english, leaks, *, html=None):
    """Collect the page's English strings into leaks[url]; a page never loads Gravatar pictures.

    ADMIN_VI_DUMP=<folder> keeps each page's HTML there, to find where a string comes from."""
    html = html if html is not None else response.content.decode()
    if os.environ.get("ADMIN_VI_DUMP"):
        name = url.strip("/").replace("/", "_").replace("?", "_") or "home"
        Path(os.environ["ADMIN_VI_DUMP"], f"{response.wsgi_request.user.username}_{name}.html").write_text(
            html
        )
    assert "gravatar.com" not in html, url
    found = english.leaks(visible_texts(html), url)
    if found:
        leaks[url] = sorted(found)


@pytest.mark.parametrize("role", ["trainer", "hr", "admin"])
def test_no_admin_page_shows_an_english_string_of_the_packages(world, english, role):
    shown, leaks = render_all(world[role], world, english)

    assert len(shown) >= {"trainer": 35, "hr": 25, "admin": 75}[role], shown
    assert leaks == {}


def test_workflow_pages_and_messages_are_vietnamese(world, english):
    """A trainer submits a lesson for moderation, an administrator reviews it: the messages, the review
    panel, the request-changes dialog, the approval and the history."""
    trainer, admin, course = world["trainer"], world["admin"], world["course"]
    task = GroupApprovalTask.objects.filter(active=True).first()
    task.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    lesson = lessons_of(course)[1]
    leaks = {}
    as_trainer = Client(HTTP_ACCEPT_LANGUAGE="vi")
    as_trainer.force_login(trainer)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    form = {
        "title": "Bài 2 (gửi duyệt)",
        "slug": lesson.slug,
        "body-count": "0",
        "estimated_minutes": "15",
        "is_required": "on",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-submit": "1",
    }

    submitted = as_trainer.post(edit_url, form, follow=True)

    assert "Đã gửi duyệt trang" in submitted.content.decode()
    check_page(submitted, edit_url + "#submitted", english, leaks)
    as_admin = Client(HTTP_ACCEPT_LANGUAGE="vi")
    as_admin.force_login(admin)
    dashboard = as_admin.get(reverse("wagtailadmin_home"))
    assert "Đang chờ bạn duyệt" in dashboard.content.decode()
    check_page(dashboard, "/admin/#review", english, leaks)
    lesson.refresh_from_db()
    state = lesson.current_workflow_task_state
    reject_url = reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "reject", state.pk])
    dialog = as_admin.get(reject_url)
    check_page(dialog, reject_url, english, leaks, html=dialog.json()["html"])
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", state.pk])
    approved = as_admin.post(approve_url, follow=True)
    check_page(approved, approve_url, english, leaks)
    for url in (
        reverse("wagtailadmin_pages:history", args=[lesson.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[lesson.pk]),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:site_history"),
    ):
        check_page(as_admin.get(url), url, english, leaks)

    assert leaks == {}


def test_the_vietnamese_overrides_come_before_the_packages():
    with translation.override("vi"):
        assert gettext("Snippets") == "Nội dung dùng chung"  # Wagtail has no Vietnamese for it
        assert gettext("Unpublish") == "Hủy xuất bản"  # Wagtail's says "Thu hồi xuất bản"
        assert gettext("Submit for moderation") == "Gửi duyệt"
        assert gettext("Page %(page_number)s of %(num_pages)s.") == "Trang %(page_number)s/%(num_pages)s."
        assert gettext("%(time_period)s ago") == "%(time_period)s trước"
        assert gettext("Choose %(object)s") % {"object": "bài kiểm tra"} == "Chọn bài kiểm tra"
        assert gettext("New: %(model_name)s") % {"model_name": "Câu hỏi"} == "Câu hỏi mới"


def test_wagtail_admin_javascript_gets_the_vietnamese_overrides(client):
    """Wagtail's admin JavaScript reads its own catalogue (djangojs of wagtail.admin) from jsi18n/."""
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="vi")
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)[1])

    assert catalog["Toggle sidebar"] == "Ẩn/hiện thanh bên"  # Wagtail has no Vietnamese for it
    assert catalog["Cancel"] == "Hủy"  # Wagtail's says "Hủy bỏ"


def test_every_admin_string_has_vietnamese():
    """Fails after a Wagtail or Django upgrade adds strings: run scripts/admin_translations.py refresh and
    translate the new entries of locale_overrides/vi/LC_MESSAGES/*.po."""
    _totals, _done, missing = _script().report(_script().sources())

    assert missing == []


def test_admin_date_inputs_show_and_read_dd_mm_yyyy_in_either_language():
    from django import forms
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

    assert AdminDateInput().format_value(date(2026, 3, 4)) == "04/03/2026"
    assert AdminDateInput().get_config()["format"] == "d/m/Y"
    assert AdminDateTimeInput().format_value(datetime(2026, 3, 4, 9, 30)) == "04/03/2026 09:30"
    for language in ("vi", "en"):
        with translation.override(language):
            assert forms.DateField().clean("04/03/2026") == date(2026, 3, 4)
            assert date_format(date(2026, 3, 4), "SHORT_DATE_FORMAT") == "04/03/2026"
            assert forms.DateTimeField().clean("04/03/2026 09:30").replace(tzinfo=None) == datetime(
                2026, 3, 4, 9, 30
            )


def test_visible_text_reads_the_sidebar_labels_and_skips_scripts():
    html = (
        '<p title="Help">Trang</p><script>var x = "Images";</script>'
        '<script id="wagtail-sidebar-props" type="application/json">'
        '{"modules": [{"menuItems": [{"label": "Images", "url": "/admin/images/"}]}]}</script>'
        '<input type="submit" value="Search">'
    )

    assert visible_texts(html) == ["Help", "Trang", "Images", "Search"]
