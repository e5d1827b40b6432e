from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters without diacritics, digits, dots, dashes or underscores."),
)


class User(AbstractUser):
    """An account. Vietnamese names are kept whole ("Nguyễn Văn An"), family name first.

    Usernames and emails are unique ignoring letter case: people sign in with "bt-004" as well as "BT-004"
    (lms.people.backends), and an email names one account for password resets.
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ci",
                violation_error_message=_(
                    "An account with this username already exists (letter case aside)."
                ),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Another account already uses this email address."),
            ),
        ]

    def get_full_name(self) -> str:
        return self.full_name.strip() or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    def __str__(self) -> str:
        return self.get_full_name()


class OrgUnit(MP_Node):
    """A unit of the administration: the city, a ward or commune, an office inside it.

    A tree of any depth (materialised paths), so the levels are data, never code: after the 2025 reform
    Ho Chi Minh City has wards and communes directly below it, but a level in between remains possible.
    A subtree is every unit whose path starts with the unit's path.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City / province")
        DISTRICT = "district", _("District level")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        OFFICE = "office", _("Office / department")

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WARD)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        permissions = [("manage_organisation", _("Can manage units, positions and officials"))]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A job position, e.g. "Chủ tịch UBND" or "Tư pháp – Hộ tịch"."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="position_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Official(models.Model):
    """The civil-service record of an account: who the person is in the organisation.

    Name, email and the active flag live on the account (`User`); a leaver's account is deactivated,
    never deleted, so their records stay.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official", verbose_name=_("account")
    )
    employee_code = models.CharField(
        _("employee code"), max_length=50, unique=True, validators=[code_validator]
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="officials", verbose_name=_("unit")
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("position"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_unit_head = models.BooleanField(_("head of unit"), default=False)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        permissions = [("import_officials", _("Can import officials"))]
        indexes = [models.Index(fields=["unit", "position"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.employee_code})"


class ManagedUnit(models.Model):
    """An HR manager's scope: the unit and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="managed_units",
        verbose_name=_("HR manager"),
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="managers", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("managed unit")
        verbose_name_plural = _("managed units")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="managed_unit_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class EmailChange(models.Model):
    """A change of an account's email waiting for the new address to confirm it.

    The account keeps its email until the link sent to the new address is used (once, before it expires);
    the old address is told about the request. At most one change per account waits at a time: a new
    request cancels the previous one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_changes",
        verbose_name=_("account"),
    )
    old_email = models.EmailField(_("old email"), blank=True)
    new_email = models.EmailField(_("new email"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email change")
        verbose_name_plural = _("email changes")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(confirmed_at__isnull=True, cancelled_at__isnull=True),
                name="email_change_one_waiting",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="email_change_confirmed_or_cancelled",
            ),
            models.CheckConstraint(condition=~Q(new_email=""), name="email_change_has_address"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.old_email or '—'} → {self.new_email}"

    @property
    def is_waiting(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None
