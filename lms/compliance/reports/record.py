"""A person's training record as a PDF (WeasyPrint): who they are, their mandatory training with its
status, and the courses they completed, from their certificates, with the hours per year. Always in
Vietnamese: it is an official paper."""

from django.template.loader import render_to_string
from django.utils import translation

from lms.dates import local_date, today

from .selectors import PersonRecord


def training_record_html(person_record: PersonRecord) -> str:
    with translation.override("vi"):
        return render_to_string(
            "compliance/training_record_pdf.html",
            {
                "record": person_record,
                "obligations": [
                    {
                        "view": view,
                        "due_day": local_date(view.obligation.due_at),
                        "completed_day": local_date(view.obligation.completed_at),
                    }
                    for view in person_record.obligations
                ],
                "completed": [
                    {"course": course, "completed_day": local_date(course.completed_at)}
                    for course in person_record.completed
                ],
                "generated_on": today(),
            },
        )


def training_record_pdf(person_record: PersonRecord) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is made

    return HTML(string=training_record_html(person_record)).write_pdf()
