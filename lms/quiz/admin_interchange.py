"""Wagtail admin pages for moving questions in and out of the bank: spreadsheets and H5P content.json.

Views stay thin: they check permissions, keep the uploaded file between preview and confirmation, and
call the services of the interchange package. The upload waits in the default storage under a random name; the
confirmation form carries only a signed token naming it, bound to the person and valid for an hour
(lms/staging.py).
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin import messages
from wagtail.admin.auth import any_permission_required, permission_required

from lms.http import post_required
from lms.spreadsheets import XLSX_CONTENT_TYPE
from lms.staging import UploadStage
from lms.validation import IdModelChoiceField

from .interchange import (
    MAX_FILE_BYTES,
    MAX_H5P_BYTES,
    MAX_H5P_PACKAGE_BYTES,
    MAX_NAME_CHARS,
    MAX_ROWS,
    H5PContentError,
    ImportRejected,
    category_find,
    h5p_content_import,
    h5p_content_load,
    h5p_content_read,
    h5p_quiz_import,
    h5p_upload_load,
    questions_export_csv,
    questions_export_xlsx,
    questions_import,
    questions_parse,
    questions_template_csv,
    questions_template_xlsx,
    quiz_to_h5p_question_set,
    template_guide,
)
from .models import Category, Question, Quiz

ADD = "quiz.add_question"
VIEW = "quiz.view_question"
PREVIEW_ROWS = 200
STAGING = UploadStage(
    directory="quiz-interchange",
    salt="lms.quiz.admin_interchange.stage",
    extensions=("csv", "xlsx", "json"),
)


def _save_failed_message() -> str:
    return _("The questions could not be saved (the bank changed meanwhile). Please try again.")


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- Forms -------------------------------------------------------------------------------------------------


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "A .csv or .xlsx file, at most 5 MB and 5,000 questions, laid out like the template."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES >> 20})
        return upload


class ExportForm(forms.Form):
    category = IdModelChoiceField(
        Category.objects.all(),
        required=False,
        label=gettext_lazy("Category"),
        empty_label=gettext_lazy("All categories"),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", gettext_lazy("Excel workbook (.xlsx)")), ("csv", gettext_lazy("CSV (UTF-8)"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )


class H5PImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("H5P file"),
        help_text=gettext_lazy(
            "An .h5p package (at most 50 MB) or its content.json (at most 2 MB): an H5P Question Set, "
            "Multiple Choice or True/False content."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p,.json,application/json"}),
    )
    category = IdModelChoiceField(
        Category.objects.all(),
        required=False,
        label=gettext_lazy("Into the category"),
        empty_label=gettext_lazy("— choose —"),
    )
    new_category = forms.CharField(
        required=False,
        max_length=MAX_NAME_CHARS,
        label=gettext_lazy("… or a new category"),
        help_text=gettext_lazy("Created on import if no category has this name."),
    )
    as_quiz = forms.BooleanField(
        required=False,
        label=gettext_lazy("Also make a quiz of the Question Set"),
        help_text=gettext_lazy(
            "A quiz with the imported questions in their order, the set's pass mark and pool size (how many "
            "questions each attempt draws)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = MAX_H5P_PACKAGE_BYTES if upload.name.lower().endswith(".h5p") else MAX_H5P_BYTES
        if upload.size > limit:
            raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": limit >> 20})
        return upload

    def clean(self):
        data = super().clean()
        category, new_category = data.get("category"), (data.get("new_category") or "").strip()
        if bool(category) == bool(new_category):
            raise ValidationError(_("Choose a category, or type the name of a new one (not both)."))
        data["new_category"] = new_category
        return data


class H5PExportForm(forms.Form):
    quiz = IdModelChoiceField(
        Quiz.objects.all(), label=gettext_lazy("Quiz"), empty_label=gettext_lazy("— choose a quiz —")
    )


# --- Views -------------------------------------------------------------------------------------------------


@any_permission_required(ADD, VIEW)
def index(request):
    return render(
        request,
        "quiz/admin/interchange/index.html",
        {
            "can_import": request.user.has_perm(ADD),
            "can_export": request.user.has_perm(VIEW),
            "question_count": Question.objects.count(),
        },
    )


@permission_required(ADD)
def import_upload(request):
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)
        parsed = questions_parse(file=data, filename=upload.name)
        if not parsed.rows:
            for error in parsed.errors:
                form.add_error("file", error.display)
        else:
            token = None
            if parsed.ok:
                extension = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                token = STAGING.stage(request, data=data, extension=extension, filename=upload.name)
            return _import_preview(request, parsed=parsed, filename=upload.name, token=token)
    return render(
        request,
        "quiz/admin/interchange/import_upload.html",
        {"form": form, "max_rows": MAX_ROWS, "guide": template_guide()},
    )


def _import_preview(request, *, parsed, filename: str, token: str | None):
    return render(
        request,
        "quiz/admin/interchange/import_preview.html",
        {
            "parsed": parsed,
            "filename": filename,
            "token": token,
            "rows": parsed.rows[:PREVIEW_ROWS],
            "hidden_rows": max(0, len(parsed.rows) - PREVIEW_ROWS),
            "preview_limit": PREVIEW_ROWS,
            "row_count": len(parsed.rows),
            "invalid_row_count": len(parsed.invalid_rows),
            "error_count": len(parsed.errors),
            "errors": parsed.errors,
            "urls": {
                "confirm": reverse("quiz_interchange:import_confirm"),
                "cancel": reverse("quiz_interchange:import_cancel"),
                "upload": reverse("quiz_interchange:import"),
            },
        },
    )


def _confirm_staged(request, *, limit: int, back: str, commit) -> HttpResponse:
    """Confirm a staged upload, once: `commit(staged)` runs only for a genuine, fresh token of this person
    that nobody confirmed before, and returns the response. The upload is then discarded, unless saving
    failed because the bank changed meanwhile (IntegrityError, ValidationError): then it may be confirmed
    again. Any other exception propagates and leaves the upload claimed (the stage cleanup removes it)."""
    staged = STAGING.unstage(request, request.POST.get("token", ""), limit=limit)
    if staged is None or not STAGING.claim(staged):
        messages.error(request, _("This upload has expired or is not valid. Please upload the file again."))
        return redirect(back)
    try:
        response = commit(staged)
    except (IntegrityError, ValidationError):
        STAGING.release(staged)
        messages.error(request, _save_failed_message())
        return redirect(back)
    STAGING.discard(staged)
    return response


def _imported(request, created, *, back: str) -> HttpResponse:
    messages.success(
        request,
        ngettext("%(count)d question imported.", "%(count)d questions imported.", len(created))
        % {"count": len(created)},
        buttons=[messages.button(reverse("wagtailsnippets_quiz_question:list"), _("Open the question bank"))],
    )
    return redirect(back)


@permission_required(ADD)
@post_required
def import_confirm(request):
    back = "quiz_interchange:import"

    def commit(staged):
        parsed = questions_parse(file=staged.data, filename=staged.filename)
        try:
            created = questions_import(parsed=parsed)
        except ImportRejected:
            return _import_preview(request, parsed=parsed, filename=staged.filename, token=None)
        return _imported(request, created, back=back)

    return _confirm_staged(request, limit=MAX_FILE_BYTES, back=back, commit=commit)


@permission_required(ADD)
@post_required
def import_cancel(request):
    STAGING.discard(STAGING.unstage(request, request.POST.get("token", ""), limit=0))
    messages.info(request, _("The upload was discarded; nothing was imported."))
    if request.POST.get("next") == "h5p":
        return redirect("quiz_interchange:h5p_import")
    return redirect("quiz_interchange:import")


@permission_required(ADD)
def template_download(request, fmt: str):
    if fmt == "csv":
        response = StreamingHttpResponse(questions_template_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(questions_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    else:
        raise Http404
    return _attachment(response, f"mau-nhap-cau-hoi.{fmt}")


@permission_required(VIEW)
def export(request):
    form = ExportForm(request.GET if "format" in request.GET else None)
    if form.is_bound and form.is_valid():
        questions = Question.objects.order_by("pk")
        category = form.cleaned_data["category"]
        if category is not None:
            questions = questions.filter(category=category)
        stamp = timezone.localdate().strftime("%Y%m%d")
        if form.cleaned_data["format"] == "csv":
            response = StreamingHttpResponse(
                questions_export_csv(questions=questions), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                questions_export_xlsx(questions=questions), content_type=XLSX_CONTENT_TYPE
            )
        return _attachment(response, f"ngan-hang-cau-hoi-{stamp}.{form.cleaned_data['format']}")
    return render(
        request,
        "quiz/admin/interchange/export.html",
        {"form": form, "question_count": Question.objects.count()},
    )


@permission_required(ADD)
def h5p_import(request):
    form = H5PImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            loaded = h5p_upload_load(file=upload)
            read = h5p_content_read(content=loaded.content, title=loaded.title)
        except H5PContentError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            category = form.cleaned_data["category"]
            as_quiz = form.cleaned_data["as_quiz"] and read.is_question_set
            extra = {
                "category": category.pk if category else None,
                "new_category": form.cleaned_data["new_category"],
                "title": loaded.title,
                "as_quiz": as_quiz,
            }
            # Only the content.json waits for the confirmation (not a package's libraries and media).
            token = STAGING.stage(
                request, data=loaded.data, extension=".json", filename=upload.name, extra=extra
            )
            return render(
                request,
                "quiz/admin/interchange/h5p_import_preview.html",
                {
                    "read": read,
                    "drafts": read.drafts,
                    "skipped": read.skipped,
                    "as_quiz": as_quiz,
                    "quiz_asked_for_single": form.cleaned_data["as_quiz"] and not read.is_question_set,
                    "filename": upload.name,
                    "token": token,
                    "category_name": category.name if category else form.cleaned_data["new_category"],
                    "new_category": category is None
                    and category_find(name=form.cleaned_data["new_category"]) is None,
                },
            )
    return render(
        request,
        "quiz/admin/interchange/h5p_import.html",
        {"form": form, "has_categories": Category.objects.exists()},
    )


@permission_required(ADD)
@post_required
def h5p_import_confirm(request):
    back = "quiz_interchange:h5p_import"

    def commit(staged):
        category_id = staged.extra.get("category")
        if category_id:
            category = Category.objects.filter(pk=category_id).first()
        else:
            category = staged.extra.get("new_category")
        if not category:
            messages.error(request, _("The chosen category no longer exists. Please upload the file again."))
            return redirect(back)
        try:
            content = h5p_content_load(file=staged.data)
            if staged.extra.get("as_quiz"):
                quiz, created = h5p_quiz_import(
                    content=content, category=category, title=staged.extra.get("title") or ""
                )
            else:
                quiz, created = None, h5p_content_import(content=content, category=category)
        except H5PContentError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(back)
        if quiz is not None:
            messages.success(
                request,
                _("The quiz “%(title)s” was created from the Question Set.") % {"title": quiz.title},
                buttons=[
                    messages.button(
                        reverse("wagtailsnippets_quiz_quiz:edit", args=[quiz.pk]), _("Open the quiz")
                    )
                ],
            )
        return _imported(request, created, back=back)

    return _confirm_staged(request, limit=MAX_H5P_BYTES, back=back, commit=commit)


@permission_required(VIEW)
def h5p_export(request):
    form = H5PExportForm(request.GET if "quiz" in request.GET else None)
    context = {"form": form, "has_quizzes": Quiz.objects.exists()}
    if form.is_bound and form.is_valid():
        quiz = form.cleaned_data["quiz"]
        result = quiz_to_h5p_question_set(quiz=quiz)
        context.update(
            {
                "quiz": quiz,
                "exported_count": len(result.exported_question_ids),
                "skipped": list(Question.objects.filter(pk__in=result.skipped_question_ids)),
                "has_draws": quiz.draws.exists(),
            }
        )
    return render(request, "quiz/admin/interchange/h5p_export.html", context)


@permission_required(VIEW)
def h5p_export_download(request, quiz_id: int):
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    result = quiz_to_h5p_question_set(quiz=quiz)
    if not result.content["questions"]:
        messages.error(request, _("This quiz has no question that H5P can show: nothing to download."))
        return redirect(f"{reverse('quiz_interchange:h5p_export')}?quiz={quiz.pk}")
    body = json.dumps(result.content, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, f"{quiz.slug}.content.json")


urlpatterns = [
    path("", index, name="index"),
    path("import/", import_upload, name="import"),
    path("import/confirm/", import_confirm, name="import_confirm"),
    path("import/cancel/", import_cancel, name="import_cancel"),
    path("template.<str:fmt>", template_download, name="template"),
    path("export/", export, name="export"),
    path("h5p/import/", h5p_import, name="h5p_import"),
    path("h5p/import/confirm/", h5p_import_confirm, name="h5p_import_confirm"),
    path("h5p/export/", h5p_export, name="h5p_export"),
    path("h5p/export/<id:quiz_id>/content.json", h5p_export_download, name="h5p_export_download"),
]
