"""H5P questions into the bank: real packages made by others (../shared/fixtures/h5p/thirdparty/),
per-choice tips and feedback, the explanation rule, Question Sets with other question types, and a whole set
as a quiz."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from lms.quiz.interchange import (
    H5PContentError,
    h5p_content_import,
    h5p_content_read,
    h5p_quiz_import,
    h5p_upload_load,
    quiz_to_h5p_question_set,
)
from lms.quiz.models import Answer, Category, Question, Quiz, QuizQuestion
from tests.h5p_builders import thirdparty_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English here (the admin pages are checked in Vietnamese)."""
    with translation.override("en"):
        yield


def package(name: str) -> bytes:
    return thirdparty_path(name).read_bytes()


def h5p_zip(content, *, main="H5P.QuestionSet", title="Bộ câu hỏi", extra=()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("h5p.json", json.dumps({"title": title, "mainLibrary": main}))
        if content is not None:
            archive.writestr("content/content.json", json.dumps(content))
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


def mc(question="Q", answers=None, **params):
    answers = answers or [{"text": "A", "correct": True}, {"text": "B", "correct": False}]
    return {"library": "H5P.MultiChoice 1.16", "params": {"question": question, "answers": answers, **params}}


# --- Real packages ----------------------------------------------------------------------------------------


def test_the_real_multichoice_package_keeps_its_score_feedback_out_of_the_explanation():
    loaded = h5p_upload_load(file=package("H5P.MultiChoice.h5p"))

    (question,) = h5p_content_import(content=loaded.content, category="H5P")

    assert loaded.title == "Multiple Choice"
    assert question.text == "What color does the blackcurrant berry actually have?"
    assert question.kind == "single"
    assert question.answer_order == Question.AnswerOrder.RANDOM
    # overallFeedback is "Wrong" for 0 %, "Almost!" and "Correct!": not something to show everyone.
    assert question.explanation == ""
    assert [(a.text, a.correct) for a in question.answers.order_by("sort_order")] == [
        ("Very dark purple", True),
        ("Blue", False),
        ("Black", False),
    ]


def test_the_real_question_set_of_placeholders_is_refused_with_each_reason_once():
    loaded = h5p_upload_load(file=package("H5P.QuestionSet.h5p"))

    with pytest.raises(H5PContentError) as refused:
        h5p_content_read(content=loaded.content, title=loaded.title)

    refusal, *reasons = refused.value.messages
    assert "9 questions" in refusal
    # Five items of other types in one line, with their type and title; the empty placeholders in others.
    other = next(line for line in reasons if "only Multiple Choice and True/False" in line)
    assert other.startswith("5 questions:")
    assert "H5P.DragQuestion 1.13, “Untitled Drag and Drop”" in other
    assert "for example" in other
    missing_text = next(line for line in reasons if "question text is missing" in line)
    assert missing_text.startswith("4 questions:")
    assert len(reasons) == len(set(reasons))
    assert Question.objects.count() == 0


def test_the_real_question_set_with_formulas_becomes_a_quiz_with_its_pass_mark_and_pool_size():
    loaded = h5p_upload_load(file=package("questionset-with-mathdisplay.h5p"))

    quiz, questions = h5p_quiz_import(content=loaded.content, category="Toán", title=loaded.title)

    assert len(questions) == 10
    assert (quiz.title, quiz.pass_mark, quiz.max_questions, quiz.random_order) == (
        "THIS IS THE TITLE",
        50,
        5,
        True,
    )
    assert quiz.slug == "this-is-the-title"
    assert quiz.description.startswith("A multiple-choice H5P Question Set")
    assert quiz.category.name == "Toán"
    assert list(quiz.quiz_questions.order_by("sort_order").values_list("question_id", flat=True)) == [
        q.pk for q in questions
    ]
    assert r"\(\sqrt{3}\) is a real number" in questions[3].answers.values_list("text", flat=True)
    assert all(q.explanation == "" for q in questions)


@pytest.mark.parametrize("name", ["H5P.Blanks.h5p", "H5P.SingleChoiceSet.h5p", "H5P.Accordion.h5p"])
def test_a_package_of_another_content_type_is_refused_by_name(name):
    with pytest.raises(H5PContentError) as refused:
        h5p_upload_load(file=package(name))

    assert name.removesuffix(".h5p") in refused.value.messages[0]


# --- Per-choice tips and feedback, and the explanation -----------------------------------------------------

FEEDBACK_MC = {
    "question": "<p>Mật khẩu nào an toàn nhất?</p>",
    "answers": [
        {
            "text": "<div>T@m#2025!xQ</div>",
            "correct": True,
            "tipsAndFeedback": {
                "tip": "<p>Dài &amp; trộn ký tự</p>",
                "chosenFeedback": "<div>Đúng: dài, có ký tự đặc biệt.</div>",
                "notChosenFeedback": "<div>Mật khẩu này mới an toàn.</div>",
            },
        },
        {
            "text": "<div>123456</div>",
            "correct": False,
            "tipsAndFeedback": {"chosenFeedback": "<p>Quá dễ đoán.</p>"},
        },
        {"text": "<div>ngày sinh</div>", "correct": False},
    ],
    "overallFeedback": [
        {"from": 0, "to": 50, "feedback": "Sai"},
        {"from": 51, "to": 100, "feedback": "Đúng"},
    ],
}


def test_per_choice_tips_and_feedback_go_to_the_answers_and_the_explanation_stays_empty():
    (question,) = h5p_content_import(content=FEEDBACK_MC, category="An toàn")

    answers = list(question.answers.order_by("sort_order"))
    assert [(a.tip, a.chosen_feedback, a.not_chosen_feedback) for a in answers] == [
        ("Dài & trộn ký tự", "Đúng: dài, có ký tự đặc biệt.", "Mật khẩu này mới an toàn."),
        ("", "Quá dễ đoán.", ""),
        ("", "", ""),
    ]
    assert question.explanation == ""


@pytest.mark.parametrize(
    ("overall", "explanation"),
    [
        ([{"from": 0, "to": 100, "feedback": "Theo Luật An ninh mạng."}], "Theo Luật An ninh mạng."),
        ([{"from": 0, "to": 100}], ""),
        ([{"from": 0, "to": 0, "feedback": "Wrong"}, {"from": 1, "to": 100}], ""),
        ([{"from": 50, "to": 100, "feedback": "Good"}], ""),
        ([{"from": "x", "to": 100, "feedback": "?"}], ""),
        ("not a list", ""),
    ],
    ids=["one-text-for-every-score", "empty", "zero-percent-only", "part-of-the-range", "bad-range", "junk"],
)
def test_only_one_feedback_for_every_score_is_an_explanation(overall, explanation):
    content = {**FEEDBACK_MC, "overallFeedback": overall}

    (question,) = h5p_content_import(content=content, category="C")

    assert question.explanation == explanation


def test_round_trip_keeps_the_per_choice_tips_and_feedback():
    (question,) = h5p_content_import(content=FEEDBACK_MC, category="An toàn")
    question.explanation = "Giải thích chung"
    question.save()
    quiz = Quiz.objects.create(title="Q", slug="q")
    QuizQuestion.objects.create(quiz=quiz, question=question)

    exported = json.loads(json.dumps(quiz_to_h5p_question_set(quiz=quiz).content))
    first = exported["questions"][0]["params"]["answers"][0]["tipsAndFeedback"]
    (again,) = h5p_content_import(content=exported, category="Lại")

    assert first == {
        "tip": "<p>Dài &amp; trộn ký tự</p>",
        "chosenFeedback": "<p>Đúng: dài, có ký tự đặc biệt.</p>",
        "notChosenFeedback": "<p>Mật khẩu này mới an toàn.</p>",
    }
    assert exported["questions"][0]["params"]["answers"][2]["tipsAndFeedback"] == {
        "tip": "",
        "chosenFeedback": "",
        "notChosenFeedback": "",
    }

    def essence(q):
        return [
            (a.text, a.correct, a.tip, a.chosen_feedback, a.not_chosen_feedback)
            for a in q.answers.order_by("sort_order")
        ]

    assert essence(again) == essence(question)
    assert again.explanation == "Giải thích chung"


# --- Question Sets: skipped items, quiz settings ----------------------------------------------------------


def test_a_set_with_other_types_imports_its_choice_questions_and_lists_the_others():
    content = {
        "questions": [
            mc("Một"),
            {"library": "H5P.Blanks 1.12", "params": {}, "metadata": {"title": "Điền từ"}},
            {"library": "H5P.TrueFalse 1.6", "params": {"question": "Hai", "correct": "true"}},
            mc("", metadata={"title": "Trống"}),
        ]
    }

    read = h5p_content_read(content=content)

    assert [d.text for d in read.drafts] == ["Một", "Hai"]
    assert [(s.number, s.library, s.title) for s in read.skipped] == [
        (2, "H5P.Blanks 1.12", "Điền từ"),
        (4, "H5P.MultiChoice 1.16", ""),
    ]
    assert read.skipped[1].reasons == ["the question text is missing"]
    assert len(read.skipped_summary) == 2


@pytest.mark.parametrize(
    ("set_settings", "expected"),
    [
        ({}, (50, None)),
        ({"passPercentage": 80, "poolSize": 2}, (80, 2)),
        ({"passPercentage": "70", "poolSize": 3}, (70, None)),  # the pool is all three questions
        ({"passPercentage": 150, "poolSize": 9}, (100, None)),
        ({"passPercentage": "x", "poolSize": "abc"}, (50, None)),
        ({"passPercentage": -5, "poolSize": -1}, (0, None)),
    ],
)
def test_the_quiz_takes_the_sets_pass_mark_and_pool_size(set_settings, expected):
    content = {"questions": [mc("Một"), mc("Hai"), mc("Ba")], **set_settings}

    quiz, _questions = h5p_quiz_import(content=content, category="C", title="Tiêu đề gói")

    assert (quiz.pass_mark, quiz.max_questions) == expected
    assert quiz.title == "Tiêu đề gói"


def test_the_pool_counts_only_the_questions_imported():
    content = {"questions": [mc("Một"), mc("Hai"), {"library": "H5P.Blanks 1.12"}], "poolSize": 2}

    quiz, questions = h5p_quiz_import(content=content, category="C")

    assert len(questions) == 2 and quiz.max_questions is None


def test_quizzes_of_the_same_set_get_their_own_slugs():
    content = {"introPage": {"title": "Đề kiểm tra số 1"}, "questions": [mc()]}

    first, _ = h5p_quiz_import(content=content, category="C")
    second, _ = h5p_quiz_import(content=content, category="C")

    assert (first.slug, second.slug) == ("de-kiem-tra-so-1", "de-kiem-tra-so-1-2")


def test_a_single_question_cannot_become_a_quiz():
    with pytest.raises(H5PContentError):
        h5p_quiz_import(content=mc()["params"], category="C")

    assert not Quiz.objects.exists() and not Question.objects.exists()


# --- Packages made by hand ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (h5p_zip(None), "no content/content.json"),
        (b"PK\x03\x04" + b"\x00" * 60, "damaged"),
        (h5p_zip({"questions": [mc()]})[:200], "damaged"),
        (h5p_zip({"questions": [mc()]}, main="H5P.DragText"), "H5P.DragText"),
        (h5p_zip(None, extra=[("content/content.json", b"[1]")]), "JSON object"),
        (h5p_zip(None, extra=[("content/content.json", b" " * (3 * 1024 * 1024))]), "larger than 2 MB"),
    ],
    ids=["no-content", "not-a-zip", "truncated", "other-type", "not-an-object", "too-large"],
)
def test_broken_packages_are_refused_with_a_reason(data, words):
    with pytest.raises(H5PContentError) as refused:
        h5p_upload_load(file=data)

    assert words in " ".join(refused.value.messages)


def test_a_password_protected_package_is_refused():
    data = bytearray(h5p_zip(None, extra=[("content/content.json", b"{}")]))
    entry = data.rindex(b"PK\x01\x02")  # the central directory entry of content.json (written last)
    data[entry + 8] |= 0x1  # "encrypted"

    with pytest.raises(H5PContentError) as refused:
        h5p_upload_load(file=bytes(data))

    assert "password" in refused.value.messages[0]


def test_a_package_without_h5p_json_is_read_by_its_shape():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content/content.json", json.dumps(mc()["params"]))

    loaded = h5p_upload_load(file=out.getvalue())

    assert loaded.title == "" and loaded.content["question"] == "Q"


# --- The admin page ----------------------------------------------------------------------------------------


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_an_h5p_package_imported_as_a_quiz_in_the_admin(admin_client):
    preview = admin_client.post(
        "/admin/quiz-interchange/h5p/import/",
        {
            "file": upload(package("questionset-with-mathdisplay.h5p"), "mcq.h5p"),
            "new_category": "Toán",
            "as_quiz": "on",
        },
    )

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "THIS IS THE TITLE" in page and "50%" in page
    assert Question.objects.count() == 0

    done = admin_client.post(
        reverse("quiz_interchange:h5p_import_confirm"), {"token": preview.context["token"]}, follow=True
    )

    quiz = Quiz.objects.get()
    assert (quiz.pass_mark, quiz.max_questions, quiz.quiz_questions.count()) == (50, 5, 10)
    assert reverse("wagtailsnippets_quiz_quiz:edit", args=[quiz.pk]) in done.content.decode()


def test_the_admin_preview_lists_the_skipped_items_in_vietnamese(admin_client):
    content = {
        "questions": [
            mc("Một"),
            {"library": "H5P.DragQuestion 1.13", "params": {}, "metadata": {"title": "Kéo thả bản đồ"}},
        ]
    }
    category = Category.objects.create(name="H5P")

    preview = admin_client.post(
        "/admin/quiz-interchange/h5p/import/",
        {"file": upload(h5p_zip(content), "bo-cau-hoi.h5p"), "category": category.pk},
    )

    page = preview.content.decode()
    assert preview.status_code == 200
    assert [d.text for d in preview.context["drafts"]] == ["Một"]
    assert "H5P.DragQuestion 1.13" in page and "Kéo thả bản đồ" in page
    assert "chỉ nhập được câu hỏi Nhiều lựa chọn và Đúng/Sai" in page

    admin_client.post(reverse("quiz_interchange:h5p_import_confirm"), {"token": preview.context["token"]})
    assert list(Question.objects.values_list("text", flat=True)) == ["Một"]
    assert not Quiz.objects.exists()


def test_the_admin_refusal_groups_the_reasons_with_counts(admin_client):
    response = admin_client.post(
        "/admin/quiz-interchange/h5p/import/",
        {"file": upload(package("H5P.QuestionSet.h5p"), "set.h5p"), "new_category": "X"},
    )

    errors = response.context["form"].errors["file"]
    assert errors[0].startswith("Không nhập được gì")
    assert any(line.startswith("5 câu: chỉ nhập được") for line in errors)
    assert not Question.objects.exists() and not Answer.objects.exists()


def test_trainers_edit_each_answers_tip_and_feedback_in_the_question_bank(admin_client):
    (question,) = h5p_content_import(content=FEEDBACK_MC, category="An toàn")

    page = admin_client.get(reverse("wagtailsnippets_quiz_question:edit", args=[question.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "answers-0-tip" in html and "answers-0-chosen_feedback" in html
    assert "Đúng: dài, có ký tự đặc biệt." in html


def test_asking_for_a_quiz_from_a_single_question_imports_the_question_only(admin_client):
    preview = admin_client.post(
        "/admin/quiz-interchange/h5p/import/",
        {"file": upload(package("H5P.MultiChoice.h5p"), "mc.h5p"), "new_category": "Màu", "as_quiz": "on"},
    )

    assert "không tạo bài kiểm tra" in preview.content.decode()
    admin_client.post(reverse("quiz_interchange:h5p_import_confirm"), {"token": preview.context["token"]})
    assert Question.objects.count() == 1 and not Quiz.objects.exists()
