"""Learners' certificates, their PDF, and the public verification page (no login)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lms.audit.models import AuditEntry
from lms.audit.selectors import person_unit
from lms.audit.services import audit_record
from lms.dates import date_vn
from lms.http import private_no_store, problem

from . import selectors
from .codes import code_normalize
from .pdf import certificate_pdf
from .services import CertificateError

PER_PAGE = 20


@login_required
@require_GET
def my_certificates(request):
    page = Paginator(selectors.certificates_for_user(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/my_certificates.html",
        {"page_obj": page, "on_their_way": selectors.certificates_on_their_way(request.user)},
    )


@private_no_store
@login_required
@require_GET
def download(request, code: str):
    """The holder's PDF, also for HR managers and administrators whose units cover the holder.

    Anyone else gets the same 404 as for a code that does not exist, so the page reveals nothing."""
    certificate = selectors.certificate_visible_by_code(viewer=request.user, code=code)
    if certificate is None:
        return problem(
            request,
            title=_("Certificate not found"),
            message=_("There is no certificate with this code among the certificates you may see."),
            status=404,
        )
    try:
        pdf = certificate_pdf(certificate, request=request)
    except CertificateError as error:
        return problem(request, title=_("Certificate revoked"), message=error.message, status=error.status)
    if certificate.user_id != request.user.pk:  # HR or an administrator downloads someone's certificate
        audit_record(
            action=AuditEntry.Action.EXPORT,
            obj=certificate,
            object_repr=f"{certificate.holder_name} — {certificate.course_title}",
            unit=person_unit(certificate.user),
            changes={
                "exported": gettext_lazy("Certificate (PDF)"),
                "person": certificate.holder_name,
                "code": certificate.code,
            },
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{certificate.code}.pdf"'
    return response


def _public_verification(view):
    """Verification pages are for the person holding the paper: not indexed, not cached, no referrer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@_public_verification
@require_GET
def verify_form(request):
    """Type a code from a paper certificate; a well-formed code goes to its verification page."""
    typed = request.GET.get("code", "")
    error = ""
    if "code" in request.GET:
        code = code_normalize(typed)
        if code is not None:
            return redirect("verification:verify", code=code)
        error = _("A verification code has 12 letters and digits, for example K7QM-9XTR-2HDP.")
    return render(request, "certificates/verify.html", {"typed": typed[:40], "error": error, "result": None})


@_public_verification
@require_GET
def verify(request, code: str):
    """Valid, revoked or not found — with the holder's name, the course and the completion date only."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        result = {"status": "not-found", "code": code[:40]}
    else:
        result = {
            "status": "revoked" if certificate.is_revoked else "valid",
            "code": certificate.code,
            "holder_name": certificate.holder_name,
            "course_title": certificate.course_title,
            "completed_on": date_vn(certificate.completed_at),
            "revoked_on": date_vn(certificate.revoked_at) if certificate.is_revoked else "",
        }
    return render(
        request,
        "certificates/verify.html",
        {"typed": result["code"], "error": "", "result": result},
        status=404 if certificate is None else 200,
    )
