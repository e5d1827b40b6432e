"""Writes to certificates: issuing one per course completion, and revocation by HR."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.dates import date_vn, local
from lms.errors import UserError
from lms.learning import structure
from lms.learning.models import Enrolment
from lms.learning.services import enrolment_restart
from lms.people.models import Official
from lms.people.permissions import allows
from lms.people.scope import can_see_user

from .codes import code_generate
from .models import Certificate, search_text_for
from .signals import certificate_revoked

CODE_ATTEMPTS = 5


class CertificateError(UserError):
    """A request the certificate rules refuse; the message is shown to the person."""


class CertificateNotFound(CertificateError):
    status = 404


class RevokeNotAllowed(CertificateError):
    status = 403


class OwnCertificate(RevokeNotAllowed):
    """Nobody revokes their own certificate, administrators included: a second person decides."""


class ReasonRequired(CertificateError):
    status = 400


class AlreadyRevoked(CertificateError):
    status = 409


class CertificateRevoked(CertificateError):
    status = 410


class NotCompleted(CertificateError):
    status = 409


def certificate_issue(*, enrolment: Enrolment) -> tuple[Certificate, bool]:
    """The certificate of an enrolment's completion, created the first time. Returns (certificate, created).

    One certificate per (person, course, completion time): calling it again for the same completion returns
    the same certificate, and a course completed again after a restart gets a new one. Name, title and hours
    are copied now, so the certificate keeps saying what was true on the day.
    """
    if enrolment.completed_at is None:
        raise NotCompleted(_("The course is not completed yet, so there is no certificate."))
    key = {
        "user_id": enrolment.user_id,
        "course_id": enrolment.course_id,
        "completed_at": enrolment.completed_at,
    }
    existing = Certificate.objects.filter(**key).first()
    if existing is not None:
        return existing, False

    course = structure.course_model().objects.filter(pk=enrolment.course_id).first()
    if course is None:  # the enrolment's page is not of the course model: fall back to the page itself
        course = enrolment.course.specific
    holder_name = enrolment.user.get_full_name()[:150]
    hours = getattr(course, "estimated_hours", None) or Decimal(0)
    for _attempt in range(CODE_ATTEMPTS):
        code = code_generate()
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    **key,
                    holder_name=holder_name,
                    course_title=course.title,
                    hours=hours,
                    code=code,
                    search_text=search_text_for(
                        holder_name=holder_name, course_title=course.title, code=code
                    ),
                )
        except IntegrityError:
            existing = Certificate.objects.filter(**key).first()
            if existing is not None:  # a concurrent request issued it first
                return existing, False
            continue  # the code was taken (about one chance in 10^17): draw another
        return certificate, True
    raise CertificateError(_("No certificate code could be generated. Please try again."))


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a certificate: it stops counting and its verification page says so, with the date.

    Only an HR manager whose units cover the holder, or an administrator, may revoke, and never their own
    certificate (administrators included: revoking changes a person's record of evidence, so it takes a
    second person). A reason is required and kept. A certificate is revoked once: a second revocation is
    refused.

    The completion the certificate recorded no longer counts: when the enrolment still holds that
    completion it restarts (the course can be completed again and earns a new certificate), and
    `certificate_revoked` is sent so that the mandatory training it completed reopens
    (`compliance.receivers`). The audit trail records the revocation with the holder's unit.
    """
    if not allows(by, "certificates.revoke_certificate"):
        raise RevokeNotAllowed(_("Only HR managers and administrators can revoke certificates."))
    if not can_see_user(by, certificate.user_id):
        raise CertificateNotFound(
            _("This certificate does not exist or belongs to someone outside your units.")
        )
    if certificate.user_id == by.pk:
        raise OwnCertificate(
            _("You cannot revoke your own certificate. Ask another HR manager or an administrator.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Give the reason for revoking this certificate."))
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise AlreadyRevoked(
            _("This certificate was already revoked on %(date)s.") % {"date": date_vn(locked.revoked_at)}
        )
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    certificate.revoked_at, certificate.revoked_by, certificate.revoke_reason = (
        locked.revoked_at,
        locked.revoked_by,
        locked.revoke_reason,
    )
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(user_id=locked.user_id, course_id=locked.course_id, completed_at=locked.completed_at)
        .first()
    )
    if enrolment is not None:  # the enrolment still holds this completion: the course is to be done again
        enrolment_restart(enrolment=enrolment)
    official = Official.objects.select_related("unit").filter(user_id=locked.user_id).first()
    audit_record(
        action=AuditEntry.Action.CERTIFICATE_REVOKE,
        actor=by,
        obj=locked,
        unit=official.unit if official is not None else None,
        changes={
            "reason": reason,
            "holder": locked.holder_name,
            "course": locked.course_title,
            "completed_at": local(locked.completed_at).isoformat(),
            "enrolment_restarted": enrolment is not None,
        },
    )
    certificate_revoked.send(sender=Certificate, certificate=locked)
    return locked
