"""Admin pages for question import/export and H5P content.json: permissions, preview, confirm, downloads."""

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lms.quiz.interchange import COLUMNS
from lms.quiz.models import Answer, Category, Question, Quiz, QuizQuestion
from lms.storage import private_storage

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/quiz-interchange/import/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_user(username, *permissions):
    user = get_user_model().objects.create_user(
        username=username, password="MatKhau@123", email=f"{username}@phuong.example"
    )
    for label in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = label.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet(*rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for values in rows:
        writer.writerow([values.get(column, "") for column in COLUMNS])
    return SimpleUploadedFile("cau-hoi.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


GOOD = {"category": "An toàn thông tin", "kind": "single", "question": "Mật khẩu mạnh?", "answers": "*A | B"}
ESSAY = {"category": "An toàn thông tin", "kind": "essay", "question": "Trình bày."}


def staged_files() -> list[str]:
    try:
        return private_storage().listdir("quiz-interchange")[1]
    except FileNotFoundError:
        return []


def test_the_urls_are_where_the_report_says():
    assert reverse("quiz_interchange:index") == "/admin/quiz-interchange/"
    assert reverse("quiz_interchange:import") == IMPORT_URL
    assert reverse("quiz_interchange:template", args=["xlsx"]) == "/admin/quiz-interchange/template.xlsx"
    assert reverse("quiz_interchange:h5p_export_download", args=[3]) == (
        "/admin/quiz-interchange/h5p/export/3/content.json"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/quiz-interchange/",
        IMPORT_URL,
        "/admin/quiz-interchange/template.csv",
        "/admin/quiz-interchange/export/?format=csv",
        "/admin/quiz-interchange/h5p/import/",
        "/admin/quiz-interchange/h5p/export/",
    ],
)
def test_an_admin_user_without_quiz_permissions_is_turned_away(url):
    client = client_for(make_user("khong_quyen"))

    response = client.get(url)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")


def test_an_upload_without_the_add_permission_imports_nothing():
    client = client_for(make_user("chi_xem", "quiz.view_question"))

    response = client.post(IMPORT_URL, {"file": sheet(GOOD)})

    assert response.status_code == 302
    assert Question.objects.count() == 0
    assert staged_files() == []


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_view_permission_allows_export_but_not_import():
    client = client_for(make_user("chi_xem", "quiz.view_question"))

    assert client.get("/admin/quiz-interchange/export/").status_code == 200
    assert client.get("/admin/quiz-interchange/h5p/export/").status_code == 200
    assert client.get(IMPORT_URL).status_code == 302


def test_the_menu_item_is_shown_only_to_people_who_may_add_questions():
    importer = client_for(make_user("nhap", "quiz.add_question"))
    viewer = client_for(make_user("xem", "quiz.view_question"))

    assert b"quiz-interchange" in importer.get("/admin/").content
    assert b"quiz-interchange" not in viewer.get("/admin/").content


def test_pages_render_for_an_admin(admin_client):
    for url in ("/admin/quiz-interchange/", IMPORT_URL, "/admin/quiz-interchange/export/"):
        assert admin_client.get(url).status_code == 200
    assert admin_client.get("/admin/quiz-interchange/h5p/import/").status_code == 200
    assert admin_client.get("/admin/quiz-interchange/h5p/export/").status_code == 200


def test_a_preview_with_errors_shows_them_and_commits_nothing(admin_client):
    response = admin_client.post(
        IMPORT_URL, {"file": sheet(GOOD, {**GOOD, "answers": "A | B"}, {**ESSAY, "kind": "?"})}
    )

    assert response.status_code == 200
    assert response.context["token"] is None
    assert [(e.row, e.code) for e in response.context["errors"]] == [
        (3, "single_needs_one_correct"),
        (4, "unknown_kind"),
    ]
    assert response.context["invalid_row_count"] == 2
    assert reverse("quiz_interchange:import_confirm").encode() not in response.content
    assert Question.objects.count() == 0
    assert Category.objects.count() == 0
    assert staged_files() == []


def test_a_clean_preview_then_confirm_imports_every_row(admin_client):
    preview = admin_client.post(IMPORT_URL, {"file": sheet(GOOD, ESSAY)})

    assert preview.status_code == 200
    assert preview.context["errors"] == []
    assert preview.context["parsed"].new_categories == ["An toàn thông tin"]
    assert Question.objects.count() == 0
    token = preview.context["token"]
    assert token and token.encode() in preview.content

    response = admin_client.post(reverse("quiz_interchange:import_confirm"), {"token": token})

    assert response.status_code == 302
    assert Question.objects.count() == 2
    assert Question.objects.get(kind="single").answers.filter(correct=True).get().text == "A"
    assert staged_files() == []
    again = admin_client.post(reverse("quiz_interchange:import_confirm"), {"token": token})
    assert again.status_code == 302
    assert Question.objects.count() == 2  # a token works once


def test_a_file_level_problem_is_shown_on_the_form(admin_client):
    upload = SimpleUploadedFile("cau-hoi.xlsx", b"not a zip", content_type=XLSX_TYPE)

    response = admin_client.post(IMPORT_URL, {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert staged_files() == []


def test_a_tampered_or_foreign_token_imports_nothing(admin_client):
    token = admin_client.post(IMPORT_URL, {"file": sheet(GOOD)}).context["token"]
    other = client_for(make_user("nguoi_khac", "quiz.add_question"))

    assert (
        admin_client.post(reverse("quiz_interchange:import_confirm"), {"token": token + "x"}).status_code
        == 302
    )
    assert other.post(reverse("quiz_interchange:import_confirm"), {"token": token}).status_code == 302
    assert Question.objects.count() == 0


def test_a_confirmation_already_claimed_by_another_request_imports_nothing(admin_client, monkeypatch):
    from lms.quiz import admin_interchange

    token = admin_client.post(IMPORT_URL, {"file": sheet(GOOD)}).context["token"]
    # A double click's first request has claimed the upload.
    monkeypatch.setattr(admin_interchange.STAGING, "claim", lambda staged: False)

    response = admin_client.post(reverse("quiz_interchange:import_confirm"), {"token": token})

    assert response.status_code == 302
    assert Question.objects.count() == 0


def test_cancel_discards_the_upload(admin_client):
    token = admin_client.post(IMPORT_URL, {"file": sheet(GOOD)}).context["token"]
    assert len(staged_files()) == 1

    admin_client.post(reverse("quiz_interchange:import_cancel"), {"token": token})

    assert staged_files() == []
    admin_client.post(reverse("quiz_interchange:import_confirm"), {"token": token})
    assert Question.objects.count() == 0


def test_confirm_answers_only_a_form_submission(admin_client):
    response = admin_client.get(reverse("quiz_interchange:import_confirm"))

    assert response.status_code == 405


@pytest.mark.parametrize(("fmt", "content_type"), [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX_TYPE)])
def test_templates_download(admin_client, fmt, content_type):
    response = admin_client.get(f"/admin/quiz-interchange/template.{fmt}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert admin_client.get("/admin/quiz-interchange/template.pdf").status_code == 404


@pytest.fixture
def bank():
    safety = Category.objects.create(name="An toàn thông tin")
    law = Category.objects.create(name="Pháp luật")
    single = Question.objects.create(kind="single", category=safety, text="=Mật khẩu?")
    Answer.objects.create(question=single, text="A", correct=True, sort_order=0)
    Answer.objects.create(question=single, text="B", correct=False, sort_order=1)
    Question.objects.create(kind="true_false", category=law, text="Luật có hiệu lực?", correct_is_true=True)
    Question.objects.create(kind="essay", category=law, text="Trình bày.")
    return safety, law


def test_csv_export_is_streamed_and_filtered_by_category(admin_client, bank):
    safety, _law = bank

    response = admin_client.get("/admin/quiz-interchange/export/", {"format": "csv", "category": safety.pk})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COLUMNS)
    assert [r[3] for r in rows[1:]] == ["'=Mật khẩu?"]


def test_xlsx_export_of_all_questions(admin_client, bank):
    response = admin_client.get("/admin/quiz-interchange/export/", {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0].max_row == 4


def test_export_page_has_an_empty_state(admin_client):
    response = admin_client.get("/admin/quiz-interchange/export/")

    assert response.status_code == 200
    assert response.context["question_count"] == 0


# --- H5P ---------------------------------------------------------------------------------------------------


@pytest.fixture
def quiz(bank):
    safety, law = bank
    quiz = Quiz.objects.create(title="Kiểm tra", slug="kiem-tra", pass_mark=80)
    for index, question in enumerate(Question.objects.order_by("pk")):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=index)
    return quiz


def test_h5p_export_page_lists_the_skipped_questions(admin_client, quiz):
    response = admin_client.get("/admin/quiz-interchange/h5p/export/", {"quiz": quiz.pk})

    assert response.status_code == 200
    assert response.context["exported_count"] == 2
    assert [q.kind for q in response.context["skipped"]] == ["essay"]
    assert reverse("quiz_interchange:h5p_export_download", args=[quiz.pk]).encode() in response.content


def test_h5p_download_is_a_json_attachment(admin_client, quiz):
    response = admin_client.get(reverse("quiz_interchange:h5p_export_download", args=[quiz.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    content = json.loads(response.content)
    assert content["passPercentage"] == 80
    assert len(content["questions"]) == 2


def test_h5p_download_of_a_quiz_with_nothing_exportable_redirects(admin_client):
    quiz = Quiz.objects.create(title="Trống", slug="trong")

    response = admin_client.get(reverse("quiz_interchange:h5p_export_download", args=[quiz.pk]))

    assert response.status_code == 302


def content_json(content) -> SimpleUploadedFile:
    return SimpleUploadedFile("content.json", json.dumps(content).encode(), content_type="application/json")


H5P_SET = {
    "questions": [
        {
            "library": "H5P.MultiChoice 1.16",
            "params": {
                "question": "<p>Chọn một</p>",
                "answers": [{"text": "A", "correct": True}, {"text": "B", "correct": False}],
            },
        },
        {"library": "H5P.TrueFalse 1.8", "params": {"question": "<p>Đúng?</p>", "correct": "true"}},
    ]
}


def test_h5p_import_preview_then_confirm(admin_client):
    category = Category.objects.create(name="H5P")

    preview = admin_client.post(
        "/admin/quiz-interchange/h5p/import/", {"file": content_json(H5P_SET), "category": category.pk}
    )

    assert preview.status_code == 200
    assert [d.kind for d in preview.context["drafts"]] == ["single", "true_false"]
    assert Question.objects.count() == 0

    response = admin_client.post(
        reverse("quiz_interchange:h5p_import_confirm"), {"token": preview.context["token"]}
    )

    assert response.status_code == 302
    assert list(Question.objects.order_by("pk").values_list("text", "kind", "category")) == [
        ("Chọn một", "single", category.pk),
        ("Đúng?", "true_false", category.pk),
    ]
    assert staged_files() == []


def test_h5p_import_into_a_new_category(admin_client):
    preview = admin_client.post(
        "/admin/quiz-interchange/h5p/import/", {"file": content_json(H5P_SET), "new_category": "Mới"}
    )
    admin_client.post(reverse("quiz_interchange:h5p_import_confirm"), {"token": preview.context["token"]})

    assert Question.objects.filter(category__name="Mới").count() == 2


def test_malformed_h5p_content_shows_errors_and_writes_nothing(admin_client):
    category = Category.objects.create(name="H5P")
    bad = {"questions": [{"library": "H5P.DragText 1.10", "params": {}}, {"library": "H5P.TrueFalse 1.8"}]}

    response = admin_client.post(
        "/admin/quiz-interchange/h5p/import/", {"file": content_json(bad), "category": category.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Question.objects.count() == 0
    assert staged_files() == []


def test_h5p_import_needs_a_category(admin_client):
    response = admin_client.post("/admin/quiz-interchange/h5p/import/", {"file": content_json(H5P_SET)})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Question.objects.count() == 0


# --- Confirming a staged upload (both imports share the same steps) ----------------------------------------


def _fail_once_then_save(monkeypatch, name: str) -> None:
    from django.db import IntegrityError

    from lms.quiz import admin_interchange

    real = getattr(admin_interchange, name)
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("the bank changed meanwhile")
        return real(**kwargs)

    monkeypatch.setattr(admin_interchange, name, flaky)


def _spreadsheet_preview(client):
    return client.post(IMPORT_URL, {"file": sheet(GOOD)}), reverse("quiz_interchange:import_confirm")


def _h5p_preview(client):
    category = Category.objects.create(name="H5P")
    preview = client.post(
        "/admin/quiz-interchange/h5p/import/", {"file": content_json(H5P_SET), "category": category.pk}
    )
    return preview, reverse("quiz_interchange:h5p_import_confirm")


@pytest.mark.parametrize(
    ("preview_of", "service"),
    [(_spreadsheet_preview, "questions_import"), (_h5p_preview, "h5p_content_import")],
    ids=["spreadsheet", "h5p"],
)
def test_an_upload_whose_save_failed_can_be_confirmed_again_and_then_only_once(
    admin_client, monkeypatch, preview_of, service
):
    preview, confirm_url = preview_of(admin_client)
    token = preview.context["token"]
    _fail_once_then_save(monkeypatch, service)

    failed = admin_client.post(confirm_url, {"token": token}, follow=True)
    assert "Không thể lưu các câu hỏi" in failed.content.decode()
    assert Question.objects.count() == 0 and staged_files()

    saved = admin_client.post(confirm_url, {"token": token})
    again = admin_client.post(confirm_url, {"token": token}, follow=True)

    assert saved.status_code == 302 and Question.objects.count() > 0
    assert staged_files() == []
    count = Question.objects.count()
    assert "Tệp tải lên đã hết hạn" in again.content.decode()
    assert Question.objects.count() == count


def test_h5p_confirm_into_a_category_deleted_meanwhile_discards_the_upload(admin_client):
    preview, confirm_url = _h5p_preview(admin_client)
    Category.objects.all().delete()

    response = admin_client.post(confirm_url, {"token": preview.context["token"]}, follow=True)

    assert response.status_code == 200
    assert Question.objects.count() == 0
    assert staged_files() == []
