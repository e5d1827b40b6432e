"""The audit trail: who did what to whom, when, and what changed. Append-only.

An entry copies what it needs to stay readable on its own (the actor's name, the object's name, the unit's
path) so it keeps saying what was true that day after people move, are renamed or are deactivated.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def action_choices():
    """The actions, given to the field as a callable: adding one to `AuditEntry.Action` needs no migration."""
    return AuditEntry.Action.choices


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        ASSIGNMENT_CREATE = "assignment.create", _("Assignment created")
        ASSIGNMENT_WITHDRAW = "assignment.withdraw", _("Assignment withdrawn")
        EXEMPTION_GRANT = "exemption.grant", _("Exemption granted")
        EXEMPTION_REMOVE = "exemption.remove", _("Exemption removed")
        ANSWER_MARK = "answer.mark", _("Essay answer marked")
        CERTIFICATE_REVOKE = "certificate.revoke", _("Certificate revoked")
        OFFICIAL_CREATE = "official.create", _("Official created")
        OFFICIAL_UPDATE = "official.update", _("Official changed")
        OFFICIAL_DEACTIVATE = "official.deactivate", _("Official deactivated")
        OFFICIALS_IMPORT = "officials.import", _("Officials imported")
        EMAIL_CHANGE_REQUEST = "email.request", _("Email change requested")
        EMAIL_CHANGE_CONFIRM = "email.confirm", _("Email change confirmed")
        LOGIN_DATA_CHANGE = "login.change", _("Login data changed")
        ROLES_CHANGE = "roles.change", _("Roles changed")
        MANAGED_UNITS_CHANGE = "scope.change", _("Managed units changed")
        ACCOUNT_UNLOCK = "account.unlock", _("Account unlocked")
        LIBRARY_APPROVE = "library.approve", _("H5P library approved")
        MEDIA_HOST_CHANGE = "media_host.change", _("H5P external media site allowed or blocked")
        EXPORT = "export", _("Personal data exported")
        PERSONAL_DATA_DOWNLOAD = "self.download", _("Own data downloaded")
        SKILL_RATE = "skill.rate", _("Digital skill rated")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by (name)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=action_choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # The unit the entry concerns (materialised path of people.OrgUnit): HR managers see the entries of
    # their units through scope.unit_q("unit_path"); an entry without a unit is for administrators only.
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True, db_index=True)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")
