"""Login protection: django-axes' hooks, the list of active lockouts, unlocking, and password-reset limits.

django-axes counts failed logins in its `AccessAttempt` table, per account and per client address
(settings AXES_*): once either reaches AXES_FAILURE_LIMIT within AXES_COOLOFF_TIME, every login with that
username or from that address is refused and answered by `lockout_response`. An administrator lifts a lock
in the Wagtail admin (`lockout_admin.py` → `lockout_clear`); completing a password reset lifts the lock of
the person's account (`lockout_clear_after_reset`). Password-reset requests are counted in Django's cache
(`password_reset_allowed`).
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record

from .models import Official, User

ACCOUNT = "account"
ADDRESS = "address"
RESET_WINDOW_SECONDS = 60 * 60


def normalise_username(value) -> str | None:
    """The form of a username that failures are counted under: "BT-004" and "bt-004" are one account."""
    if value is None:
        return None
    return str(value).strip().lower()


def username_for_lockout(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username of a login attempt, case-insensitively."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    return normalise_username(value)


def cool_off_minutes() -> int | None:
    """How long a lock lasts after the last failure, in minutes; None when only an administrator lifts it."""
    cool_off = get_cool_off()
    if not cool_off:
        return None
    return max(1, round(cool_off.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page every login form answers while its account or address is locked."""
    return render(
        request,
        "people/locked_out.html",
        {"minutes": cool_off_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


# --- Active lockouts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    kind: str  # ACCOUNT or ADDRESS
    value: str  # the username (lower case) or the IP address
    failures: int
    last_failure: datetime
    until: datetime | None  # None: until an administrator unlocks it
    person: User | None = None  # the account of a locked username, when one exists

    @property
    def label(self) -> str:
        if self.kind == ACCOUNT:
            return _("Account")
        return _("Address")


def _recent_attempts(now: datetime):
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=now - cool_off)
    return attempts


def lockouts_active(*, now: datetime | None = None) -> list[Lockout]:
    """Accounts and addresses that axes refuses right now, the most recent first (the same sums axes uses)."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    attempts = _recent_attempts(now)
    limit = settings.AXES_FAILURE_LIMIT
    found: list[Lockout] = []
    for kind, field in ((ACCOUNT, "username"), (ADDRESS, "ip_address")):
        # (An IP address field turns "" into NULL: filter it on NULL only.)
        known = attempts.exclude(**{f"{field}__isnull": True})
        if field == "username":
            known = known.exclude(username="")
        rows = (
            known.values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        )
        for row in rows:
            found.append(
                Lockout(
                    kind=kind,
                    value=row[field],
                    failures=row["failures"],
                    last_failure=row["last"],
                    until=row["last"] + cool_off if cool_off else None,
                )
            )
    # Few accounts are locked at once; usernames are counted in lower case, so match them case-insensitively.
    found = [
        replace(lock, person=User.objects.filter(username__iexact=lock.value).first())
        if lock.kind == ACCOUNT
        else lock
        for lock in found
    ]
    return sorted(found, key=lambda lock: lock.last_failure, reverse=True)


def lockout_find(*, kind: str, value: str) -> Lockout | None:
    """The active lockout of this account or address, or None."""
    for lock in lockouts_active():
        if lock.kind == kind and lock.value == value:
            return lock
    return None


def _unit_of(user: User | None):
    if user is None:
        return None
    official = Official.objects.filter(user=user).select_related("unit").first()
    return official.unit if official else None


@transaction.atomic
def lockout_clear(*, lockout: Lockout, by: User) -> int:
    """Lift a lock: forget the failures of that account or address, and write ACCOUNT_UNLOCK."""
    by_field = {"username": lockout.value} if lockout.kind == ACCOUNT else {"ip": lockout.value}
    cleared = axes_reset(**by_field)
    audit_record(
        action=AuditEntry.Action.ACCOUNT_UNLOCK,
        actor=by,
        obj=lockout.person,
        object_repr=lockout.value if lockout.person is None else "",
        unit=_unit_of(lockout.person),
        changes={"locked": lockout.kind, "value": lockout.value, "failures": lockout.failures},
    )
    return cleared


@transaction.atomic
def lockout_clear_after_reset(*, user: User) -> int:
    """A password reset proves the person holds the account's email: forget the account's failures."""
    cleared = axes_reset(username=normalise_username(user.get_username()))
    if cleared:
        audit_record(
            action=AuditEntry.Action.ACCOUNT_UNLOCK,
            obj=user,
            unit=_unit_of(user),
            changes={
                "locked": ACCOUNT,
                "value": normalise_username(user.get_username()),
                "by": "password reset",
            },
        )
    return cleared


# --- Password-reset limits ---------------------------------------------------------------------------------


def _count(key: str) -> int:
    """Add one to a counter that lives one hour from its first hit; return the new value."""
    cache.add(key, 0, timeout=RESET_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RESET_WINDOW_SECONDS)
        return 1


def password_reset_allowed(*, email: str, address: str | None) -> bool:
    """Count one reset request for this email and this client address; False once either passes its
    hourly limit. Counted whether or not an account uses the email, so the answer reveals nothing."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_email = _count(f"password-reset:email:{digest}")
    by_address = _count(f"password-reset:address:{address or 'unknown'}")
    return (
        by_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and by_address <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    )
