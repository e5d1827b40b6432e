from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.text import fold

from .codes import FORMATTED_LENGTH


def search_text_for(*, holder_name: str, course_title: str, code: str) -> str:
    """A certificate's stored `search_text`: what `selectors.certificates_search` matches words in."""
    return fold(" ".join([holder_name, course_title, code, code.replace("-", "")]))


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        """Certificates that count: not revoked."""
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """The record of one course completion, with a public verification code.

    Name, course title and hours are copied when the certificate is issued, so a certificate says what it
    said on the day even after the course or the account changes. A course completed again (a new cycle)
    gets a new certificate. A revoked certificate stays, marked with who revoked it, when and why.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    course = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.PROTECT, related_name="+", verbose_name=_("course")
    )
    holder_name = models.CharField(_("holder's name"), max_length=150)
    course_title = models.CharField(_("course title"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    completed_at = models.DateTimeField(_("completed at"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    code = models.CharField(_("verification code"), max_length=FORMATTED_LENGTH, unique=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    # Holder's name, course title and code without diacritics, lower case: the admin search.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [("revoke_certificate", _("Can revoke certificates"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "completed_at"], name="certificate_one_per_completion"
            ),
            models.CheckConstraint(
                condition=(Q(revoked_at__isnull=True) & Q(revoke_reason=""))
                | (Q(revoked_at__isnull=False) & ~Q(revoke_reason="")),
                name="certificate_revocation_has_reason",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="certificate_hours_not_negative"),
        ]
        indexes = [
            models.Index(fields=["user", "completed_at"]),
            models.Index(fields=["completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name} · {self.course_title}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
