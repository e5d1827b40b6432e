"""Builds the demo platform. Idempotent: what exists is left untouched, only what is missing is created."""

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Site, Workflow, WorkflowPage, WorkflowTask

from content.demo.course_data import COURSES
from content.demo.h5p_data import H5P_LESSON
from content.demo.pages import HELP_PAGE
from content.demo.quiz_data import QUIZZES
from courses.models import CourseIndexPage, CoursePage, InfoPage, LessonPage, ModulePage
from lms.h5p.libraries import library_approve
from lms.h5p.models import Activity
from lms.h5p.packages import package_files_discard, package_store, package_validate, stored_prefixes
from lms.learning.services import requirements_sync_all
from lms.people import roles
from lms.people.services import roles_sync, user_ensure
from lms.quiz.models import Answer, Category, Question, Quiz, QuizQuestion

from .accounts import DEMO_PASSWORD, DEMO_USERS
from .organisation import load_organisation
from .skills import load_skills

CATALOGUE_SLUG = "khoa-hoc"
CATALOGUE_TITLE = "Khóa học"
QUIZ_LESSON_MINUTES = 10
# The home page tells how long a lesson takes: the range of the demo's own lessons, so the two never differ.
_LESSON_MINUTES = [lesson["minutes"] for c in COURSES for m in c["modules"] for lesson in m["lessons"]]
CATALOGUE_INTRO = (
    "<p>Các khóa học ngắn về chuyển đổi số và đổi mới sáng tạo dành cho cán bộ, công chức phường, xã "
    "của Thành phố Hồ Chí Minh. Học trên điện thoại hoặc máy tính: mỗi bài học khoảng "
    f"{min(_LESSON_MINUTES)}–{max(_LESSON_MINUTES)} phút, bài kiểm tra cuối mỗi chương khoảng "
    f"{QUIZ_LESSON_MINUTES} phút.</p>"
)
# The intro of earlier demos, replaced when the demo is loaded again (it promised 10–20 minute lessons).
OLD_CATALOGUE_INTRO = (
    "<p>Các khóa học ngắn về chuyển đổi số và đổi mới sáng tạo dành cho cán bộ, công chức phường, xã "
    "của Thành phố Hồ Chí Minh. Học trên điện thoại hoặc máy tính, mỗi bài chỉ 10–20 phút.</p>"
)
WORKFLOW_NAME = "Duyệt khóa học"
TASK_NAME = "Quản trị viên phê duyệt"


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def _publish(page: Page, author=None, publisher=None) -> None:
    """Save a revision as the author and publish it as the reviewer, as the workflow would."""
    page.save_revision(user=author, log_action=False).publish(user=publisher, log_action=False)


def _stream(body: list) -> str:
    raw = []
    for block_type, value in body:
        if block_type == "faq":
            value = {"title": "", "items": value}
        raw.append({"type": block_type, "value": value})
    return json.dumps(raw, ensure_ascii=False)


def _catalogue(summary: DemoSummary) -> CourseIndexPage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, CourseIndexPage):
        catalogue = site.root_page.specific
        if catalogue.intro == OLD_CATALOGUE_INTRO:
            catalogue.intro = CATALOGUE_INTRO
            _publish(catalogue)
            summary.add(f"catalogue {catalogue.title}: intro updated")
        return catalogue
    root = Page.get_first_root_node()
    catalogue = CourseIndexPage.objects.child_of(root).filter(slug=CATALOGUE_SLUG).first()
    if catalogue is None:
        catalogue = root.add_child(
            instance=CourseIndexPage(title=CATALOGUE_TITLE, slug=CATALOGUE_SLUG, intro=CATALOGUE_INTRO)
        )
        _publish(catalogue)
        summary.add(f"catalogue {catalogue.title}")
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=catalogue,
            is_default_site=True,
            site_name="Học viện Phường thông minh",
        )
    else:
        previous_root = site.root_page
        site.root_page = catalogue
        site.site_name = "Học viện Phường thông minh"
        site.save()
        # Wagtail's own "Welcome" placeholder page is of no use once the catalogue is the home page.
        if previous_root.content_type.model_class() is Page and not previous_root.get_children().exists():
            previous_root.delete()
    return catalogue


def _child(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _courses(catalogue: CourseIndexPage, trainer, reviewer, summary: DemoSummary) -> None:
    for data in COURSES:
        course = _child(catalogue, CoursePage, data["slug"])
        if course is None:
            course = CoursePage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                learning_outcomes="\n".join(data["outcomes"]),
                estimated_hours=Decimal(data["estimated_hours"]),
                level=data["level"],
                trainer=trainer,
                owner=trainer,
            )
            course.topics.add(*data["topics"])
            catalogue.add_child(instance=course)
            _publish(course, trainer, reviewer)
            summary.add(f"course {course.title}")
        for module_data in data["modules"]:
            module = _child(course, ModulePage, module_data["slug"])
            if module is None:
                module = course.add_child(
                    instance=ModulePage(
                        title=module_data["title"],
                        slug=module_data["slug"],
                        intro=module_data["intro"],
                        owner=trainer,
                    )
                )
                _publish(module, trainer, reviewer)
                summary.add(f"module {module.title}")
            for lesson_data in module_data["lessons"]:
                if _child(module, LessonPage, lesson_data["slug"]) is None:
                    lesson = module.add_child(
                        instance=LessonPage(
                            title=lesson_data["title"],
                            slug=lesson_data["slug"],
                            estimated_minutes=lesson_data["minutes"],
                            body=_stream(lesson_data["body"]),
                            owner=trainer,
                        )
                    )
                    _publish(lesson, trainer, reviewer)
                    summary.add(f"lesson {lesson.title}")


_KINDS = {
    "single": Question.Kind.SINGLE,
    "multiple": Question.Kind.MULTIPLE,
    "true_false": Question.Kind.TRUE_FALSE,
    "short": Question.Kind.SHORT,
    "essay": Question.Kind.ESSAY,
}


def _quiz(data: dict, summary: DemoSummary) -> Quiz:
    quiz = Quiz.objects.filter(slug=data["slug"]).first()
    if quiz is not None:
        return quiz
    category, _ = Category.objects.get_or_create(name=data["category"])
    quiz = Quiz.objects.create(
        title=data["title"],
        slug=data["slug"],
        description=data["description"],
        category=category,
        pass_mark=data["pass_mark"],
        success_text=data["success_text"],
        fail_text=data["fail_text"],
        answers_at_end=False,
        review=Quiz.Review.EXPLANATIONS,
        one_per_page=True,
    )
    for order, item in enumerate(data["questions"]):
        question = Question.objects.create(
            kind=_KINDS[item["kind"]],
            category=category,
            text=item["text"],
            explanation=item.get("explanation", ""),
            partial_credit=item.get("partial_credit", False),
            correct_is_true=item.get("correct") if item["kind"] == "true_false" else None,
        )
        if item["kind"] in ("single", "multiple"):
            for position, (text, correct) in enumerate(item["answers"]):
                Answer.objects.create(question=question, text=text, correct=correct, sort_order=position)
        elif item["kind"] == "short":
            for position, text in enumerate(item["accepted"]):
                Answer.objects.create(question=question, text=text, correct=True, sort_order=position)
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    summary.add(f"quiz {quiz.title}")
    return quiz


def _quiz_lessons(catalogue: CourseIndexPage, trainer, reviewer, summary: DemoSummary) -> None:
    """Every demo module ends with a lesson holding its quiz."""
    for data in QUIZZES:
        course = _child(catalogue, CoursePage, data["course_slug"])
        module = _child(course, ModulePage, data["module_slug"]) if course else None
        if module is None:
            continue
        quiz = _quiz(data, summary)
        if _child(module, LessonPage, data["slug"]) is None:
            lesson = module.add_child(
                instance=LessonPage(
                    title=data["title"],
                    slug=data["slug"],
                    estimated_minutes=QUIZ_LESSON_MINUTES,
                    body=json.dumps(
                        [{"type": "quiz", "value": {"quiz": quiz.pk, "intro": data["description"]}}]
                    ),
                    owner=trainer,
                )
            )
            _publish(lesson, trainer, reviewer)
            summary.add(f"lesson {lesson.title}")


def _h5p_lesson(
    catalogue: CourseIndexPage, trainer, reviewer, summary: DemoSummary, stored: list[str]
) -> None:
    """An optional lesson playing the real H5P package of shared/fixtures, when that file is present.
    The storage folders the package uses are added to `stored`, for `load_demo` to clean up after a
    rollback."""
    data = H5P_LESSON
    package = settings.H5P_DEMO_PACKAGE
    course = _child(catalogue, CoursePage, data["course_slug"])
    module = _child(course, ModulePage, data["module_slug"]) if course else None
    if module is None or _child(module, LessonPage, data["slug"]) is not None:
        return
    activity = Activity.objects.filter(title=data["activity_title"]).first()
    if activity is None:
        if not package or not package.is_file():
            summary.add(
                "no H5P lesson: the demo package shared/fixtures/h5p/true-false-hello-world.h5p is absent"
            )
            return
        with package.open("rb") as file, package_validate(file=file) as validated:
            version = package_store(validated=validated, user=trainer, title=data["activity_title"])
        stored.extend(stored_prefixes(version=version))
        # The demo is loaded by whoever runs the server: its libraries are approved by the demo's
        # administrator (audited as such), so the admin does not open on eight libraries waiting.
        for library in version.libraries.filter(approved_at__isnull=True):
            library_approve(library=library, user=reviewer)
        activity = version.activity
        summary.add(f"H5P activity {activity.title}")
    body = [("paragraph", text) for text in data["paragraphs"]]
    body.append(
        ("h5p", {"activity": activity.pk, "rule": "completed", "min_score": None, "intro": data["intro"]})
    )
    lesson = LessonPage(
        title=data["title"],
        slug=data["slug"],
        estimated_minutes=data["minutes"],
        is_required=False,
        body=_stream(body),
        owner=trainer,
    )
    quiz_lesson = LessonPage.objects.child_of(module).filter(slug__startswith="kiem-tra").first()
    if quiz_lesson is not None:
        quiz_lesson.add_sibling(pos="left", instance=lesson)
    else:
        module.add_child(instance=lesson)
    _publish(lesson, trainer, reviewer)
    summary.add(f"lesson {lesson.title}")


def _help_page(catalogue: CourseIndexPage, summary: DemoSummary) -> None:
    if _child(catalogue, InfoPage, HELP_PAGE["slug"]) is None:
        page = catalogue.add_child(instance=InfoPage(**HELP_PAGE))
        _publish(page)
        summary.add(f"page {page.title}")


def _workflow(catalogue: CourseIndexPage, summary: DemoSummary) -> None:
    """Courses are published after review: trainers submit, administrators approve."""
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([Group.objects.get(name=roles.ADMINISTRATOR)])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    if created:
        summary.add(f"workflow {WORKFLOW_NAME}")


def load_demo() -> DemoSummary:
    """Everything in one transaction. H5P files are not in the database: when a step fails after the
    demo package was stored, the folders it wrote that no row points at any more are deleted."""
    summary = DemoSummary()
    stored: list[str] = []
    try:
        with transaction.atomic():
            _load(summary, stored)
    except BaseException:
        package_files_discard(prefixes=stored)
        raise
    return summary


def _load(summary: DemoSummary, stored: list[str]) -> None:
    roles_sync()
    users = {}
    for spec in DEMO_USERS:
        user, created = user_ensure(password=DEMO_PASSWORD, **spec)
        users[spec["username"]] = user
        if created:
            summary.add(f"user {user.username}")
    catalogue = _catalogue(summary)
    _courses(catalogue, users["giangvien"], users["quantri"], summary)
    _h5p_lesson(catalogue, users["giangvien"], users["quantri"], summary, stored)
    _quiz_lessons(catalogue, users["giangvien"], users["quantri"], summary)
    _help_page(catalogue, summary)
    _workflow(catalogue, summary)
    # The index that turns results into completions, checked for every lesson, including ones that an
    # earlier version of the demo (or someone's edits) left behind.
    index = requirements_sync_all()
    if index.added or index.removed:
        summary.add(f"lesson requirements: {index.added} added, {index.removed} removed")
    load_organisation(summary=summary, users=users, catalogue=catalogue)
    load_skills(summary=summary)
