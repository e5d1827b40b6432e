from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from treebeard.exceptions import InvalidMoveToDescendant, InvalidPosition
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from lms.audit.models import AuditEntry
from lms.audit.services import audit_record
from lms.errors import UserError

from . import roles
from .models import EmailChange, ManagedUnit, Official, OrgUnit, Position
from .scope import may_change_login_data
from .signals import official_changed

User = get_user_model()


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the four role groups with exactly the permissions each needs. Safe to run again."""
    groups: dict[str, Group] = {}
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for name in (roles.LEARNER, roles.TRAINER, roles.HR_MANAGER, roles.ADMINISTRATOR):
        group, _ = Group.objects.get_or_create(name=name)
        wanted = roles.MODEL_PERMISSIONS[name]
        if wanted == ["*"]:
            group.permissions.set(Permission.objects.all())
        else:
            group.permissions.set([_permission(p) for p in wanted])
        if root_page is not None:
            for codename in roles.PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=_permission(f"wagtailcore.{codename}")
                )
        if root_collection is not None:
            for dotted in roles.COLLECTION_PERMISSIONS[name]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_permission(dotted)
                )
        groups[name] = group
    return groups


@transaction.atomic
def user_ensure(
    *, username: str, password: str, full_name: str, email: str, role: str, superuser: bool = False
) -> tuple[User, bool]:
    """Create an account with a role if it does not exist yet; an existing account is left as it is."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": email,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
    return user, created


class PeopleError(UserError):
    """A change to the organisation the rules refuse; the message is shown to the person."""


class LoginDataProtected(PeopleError):
    status = 403

    def __init__(self):
        super().__init__(
            _(
                "This account has a role beyond learner (trainer, HR manager or administrator): only an "
                "administrator may change its email or deactivate it."
            )
        )


@transaction.atomic
def unit_create(*, name: str, code: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit(name=name, code=code, kind=kind)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return OrgUnit.add_root(instance=unit)
    return OrgUnit.objects.get(pk=parent.pk).add_child(instance=unit)


@transaction.atomic
def unit_move(*, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move a unit and its subtree below another unit. A unit cannot move below itself."""
    unit = OrgUnit.objects.get(pk=unit.pk)
    new_parent = OrgUnit.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise PeopleError(
            _("“%(unit)s” cannot be moved below “%(parent)s”: that unit is inside it.")
            % {"unit": unit.name, "parent": new_parent.name}
        )
    try:
        unit.move(new_parent, pos="sorted-child")
    except (InvalidMoveToDescendant, InvalidPosition) as exc:  # the check above, by the tree itself
        raise PeopleError(_("This move is not possible in the unit tree.")) from exc
    return OrgUnit.objects.get(pk=unit.pk)


def _unit_of(user) -> OrgUnit | None:
    """The unit of the account's official record, which decides which HR managers see its audit entries."""
    official = Official.objects.select_related("unit").filter(user_id=user.pk).first()
    return official.unit if official is not None else None


def _same_email(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


@transaction.atomic
def official_save(
    *,
    employee_code: str,
    full_name: str,
    unit: OrgUnit,
    position: Position | None = None,
    email: str = "",
    phone: str = "",
    is_unit_head: bool = False,
    is_active: bool = True,
    by=None,
) -> tuple[Official, bool]:
    """Create or update an official by employee code, with their account. Returns (official, created).

    A new account gets the employee code as username, the email as given and no usable password: the
    person sets one through the password-reset email. An existing account's email never changes here: a
    different address (other than by letter case) becomes an email change waiting for the new address to
    confirm it, and an empty one keeps the current address. `by` is the person making the change (None: the
    system or the command line); an HR manager may not change the email or active flag of an account with a
    role beyond learner (`LoginDataProtected`). The `official_changed` signal lets assignments follow the
    person; the audit trail records the creation or what changed.
    """
    full_name = full_name.strip()
    if not full_name:
        raise PeopleError(_("The full name is empty."))
    official = (
        Official.objects.select_related("user", "unit", "position")
        .select_for_update(of=("self", "user"))
        .filter(employee_code=employee_code)
        .first()
    )
    created = official is None
    wanted_email = None  # an address waiting for confirmation
    if created:
        user = User(username=employee_code, full_name=full_name, email=email, is_active=is_active)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        learner = Group.objects.filter(name=roles.LEARNER).first()
        if learner is not None:
            user.groups.add(learner)
        official = Official(user=user, employee_code=employee_code)
        changed, changes = True, {}
    else:
        user = official.user
        if email and not _same_email(email, user.email):
            wanted_email = email
        if (wanted_email or user.is_active != is_active) and not may_change_login_data(by, user):
            raise LoginDataProtected
        changes = {
            name: [old, new]
            for name, old, new in (
                ("full_name", user.full_name, full_name),
                ("unit", official.unit, unit),
                ("position", official.position, position),
                ("phone", official.phone, phone),
                ("is_unit_head", official.is_unit_head, is_unit_head),
                ("is_active", user.is_active, is_active),
            )
            if old != new
        }
        changed = bool({"unit", "position", "is_active"} & changes.keys())
        user.full_name, user.is_active = full_name, is_active
        user.full_clean(exclude=["password"])
        user.save(update_fields=["full_name", "is_active"])
    official.unit, official.position = unit, position
    official.phone, official.is_unit_head = phone, is_unit_head
    official.full_clean(exclude=["user"])
    official.save()
    if created:
        audit_record(
            action=AuditEntry.Action.OFFICIAL_CREATE,
            actor=by,
            obj=official,
            unit=unit,
            changes={"full_name": full_name, "email": email, "unit": unit, "position": position},
        )
    elif changes:
        audit_record(
            action=AuditEntry.Action.OFFICIAL_UPDATE, actor=by, obj=official, unit=unit, changes=changes
        )
    if wanted_email:
        email_change_request(user=user, new_email=wanted_email, requested_by=by)
    if changed:
        official_changed.send(sender=Official, official=official, created=created)
    return official, created


@transaction.atomic
def official_deactivate(*, official: Official, by=None) -> None:
    """A leaver: the account can no longer sign in; records and history stay."""
    if not official.user.is_active:
        return
    if not may_change_login_data(by, official.user):
        raise LoginDataProtected
    User.objects.filter(pk=official.user_id).update(is_active=False)
    official.user.is_active = False
    audit_record(
        action=AuditEntry.Action.OFFICIAL_DEACTIVATE,
        actor=by,
        obj=official,
        unit=official.unit,
        changes={"is_active": [True, False]},
    )
    official_changed.send(sender=Official, official=official, created=False)


def managed_unit_add(*, user: User, unit: OrgUnit) -> ManagedUnit:
    managed, _created = ManagedUnit.objects.get_or_create(user=user, unit=unit)
    user.groups.add(Group.objects.get(name=roles.HR_MANAGER))
    return managed


@transaction.atomic
def position_create(*, name: str, code: str) -> Position:
    position = Position(name=name.strip(), code=code.strip())
    position.full_clean()
    position.save()
    return position


def official_welcome_email_send(*, user: User) -> bool:
    """Send the set-your-password email of a new account; False (nothing sent) when it does not apply.

    It applies to an active account with an email that has never had a password: the link is Django's
    password-reset confirmation, valid for PASSWORD_RESET_TIMEOUT and spent once a password is chosen.
    """
    if not user.email or not user.is_active or user.has_usable_password():
        return False
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name(),
            "username": user.get_username(),
            "set_password_url": base_url
            + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
            "login_url": base_url + reverse("login"),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
        }
        subject = str(_("Your SmartWard Learn account: choose your password"))
        text = render_to_string("people/emails/welcome_set_password.txt", context)
        html = render_to_string("people/emails/welcome_set_password.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def official_welcome_email_queue(*, user_ids: list[int]) -> None:
    """Send the set-your-password emails once the transaction has committed (a Celery task per account)."""
    from .tasks import welcome_email_send  # tasks import this module

    for user_id in user_ids:
        # robust: an unreachable broker must not turn a committed import into an error page; the email can
        # be sent again from the officials list.
        transaction.on_commit(partial(welcome_email_send.delay, user_id), robust=True)


# --- Email changes -------------------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "lms.people.email_change"


class EmailChangeError(PeopleError):
    """An email change the rules refuse: taken address, expired, used or foreign link."""


class EmailChangeNeedsOwner(EmailChangeError):
    """A change someone else asked for, of an account with a password: only its owner, signed in, confirms.

    Otherwise whoever controls the new address could take the account: an HR manager typing their own
    address into an import, then confirming it and resetting the password.
    """

    status = 403


def _email_taken(email: str, *, user) -> bool:
    return User.objects.exclude(pk=user.pk).filter(email__iexact=email.strip()).exists()


def _taken_error(email: str) -> EmailChangeError:
    return EmailChangeError(
        _("The email %(email)s is already used by another account. Use your own address.") % {"email": email},
        status=409,
    )


@transaction.atomic
def email_change_request(*, user, new_email: str, requested_by=None) -> EmailChange | None:
    """Ask the new address to confirm a change of `user`'s email; the account keeps its address meanwhile.

    Returns None when the address is the current one (letter case aside). A waiting request of the same
    account is cancelled. After the commit the new address gets the confirmation link and the old one a
    notice (`email_change_emails_send`, through a Celery task).
    """
    new_email = new_email.strip()
    try:
        validate_email(new_email)
    except ValidationError as exc:
        raise EmailChangeError(_("“%(email)s” is not a valid email address.") % {"email": new_email}) from exc
    if _same_email(new_email, user.email):
        return None
    if _email_taken(new_email, user=user):
        raise _taken_error(new_email)
    now = timezone.now()
    EmailChange.objects.filter(user=user, confirmed_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now
    )
    change = EmailChange.objects.create(
        user=user,
        old_email=user.email,
        new_email=new_email,
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        created_at=now,
    )
    audit_record(
        action=AuditEntry.Action.EMAIL_CHANGE_REQUEST,
        actor=requested_by,
        obj=user,
        unit=_unit_of(user),
        changes={"email": [user.email, new_email]},
    )
    from .tasks import email_change_send  # tasks import this module

    transaction.on_commit(partial(email_change_send.delay, change.pk), robust=True)
    return change


def email_change_token(change: EmailChange) -> str:
    return signing.dumps({"c": change.pk, "e": change.new_email.lower()}, salt=EMAIL_CHANGE_SALT)


def _timeout() -> int:
    return settings.EMAIL_CHANGE_TIMEOUT


def email_change_check(*, token: str, viewer, lock: bool = False) -> EmailChange:
    """The waiting change a confirmation link names, if `viewer` may confirm it now; else EmailChangeError.

    The link is signed, expires after EMAIL_CHANGE_TIMEOUT seconds and works once. It may be opened signed
    out or signed in as the account concerned, never signed in as someone else; a change that someone else
    (HR) asked for, of an account that has a password, needs its owner signed in (EmailChangeNeedsOwner).
    """
    invalid = EmailChangeError(
        _(
            "This confirmation link is not valid. Copy the whole link from the email, or ask for the "
            "change again."
        ),
        status=404,
    )
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=_timeout())
    except signing.SignatureExpired as exc:
        raise _expired_error() from exc
    except signing.BadSignature as exc:
        raise invalid from exc
    changes = EmailChange.objects.select_related("user")
    if lock:
        changes = changes.select_for_update()
    change = changes.filter(pk=data.get("c") if isinstance(data, dict) else None).first()
    if change is None or change.new_email.lower() != data.get("e"):
        raise invalid
    if viewer is not None and viewer.is_authenticated and viewer.pk != change.user_id:
        raise EmailChangeError(
            _(
                "This link confirms an email change of another account. Sign out, then open the link again "
                "(or let its owner open it)."
            ),
            status=403,
        )
    if change.confirmed_at is not None:
        raise EmailChangeError(_("This link has already been used: the email was changed then."), status=410)
    owner_signed_in = viewer is not None and viewer.is_authenticated and viewer.pk == change.user_id
    asked_by_other = change.requested_by_id is not None and change.requested_by_id != change.user_id
    if asked_by_other and not owner_signed_in and change.user.has_usable_password():
        raise EmailChangeNeedsOwner(
            _(
                "Your unit's HR asked for this change of your email. To confirm it, sign in with your own "
                "account first; the link then works."
            )
        )
    if change.cancelled_at is not None:
        raise EmailChangeError(
            _("This change was replaced by a newer request or cancelled. Use the link of the latest email."),
            status=410,
        )
    if change.created_at + timedelta(seconds=_timeout()) < timezone.now():
        raise _expired_error()
    return change


def _expired_error() -> EmailChangeError:
    return EmailChangeError(
        _(
            "This confirmation link has expired. Ask for the change again from your profile or your "
            "unit's HR."
        ),
        status=410,
    )


@transaction.atomic
def email_change_confirm(*, token: str, viewer) -> EmailChange:
    """Apply the change a valid link names: the account takes the new address; the link is spent.

    The address must still be free (checked again: another account may have taken it meanwhile). An account
    that has never had a password then gets the set-your-password email at its new address.
    """
    change = email_change_check(token=token, viewer=viewer, lock=True)
    user = User.objects.select_for_update().get(pk=change.user_id)
    if _email_taken(change.new_email, user=user):
        raise _taken_error(change.new_email)
    old = user.email
    user.email = change.new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as exc:  # taken by a concurrent change since the check
        raise _taken_error(change.new_email) from exc
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    audit_record(
        action=AuditEntry.Action.EMAIL_CHANGE_CONFIRM,
        actor=viewer if getattr(viewer, "is_authenticated", False) else None,
        obj=user,
        unit=_unit_of(user),
        changes={"email": [old, user.email]},
    )
    if user.is_active and not user.has_usable_password():
        official_welcome_email_queue(user_ids=[user.pk])
    return change


def email_change_waiting(*, user) -> EmailChange | None:
    return EmailChange.objects.filter(user=user, confirmed_at__isnull=True, cancelled_at__isnull=True).first()


def _send(*, subject: str, template: str, context: dict, to: str) -> None:
    text = render_to_string(f"people/emails/{template}.txt", context)
    html = render_to_string(f"people/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def email_change_emails_send(*, change: EmailChange) -> bool:
    """The confirmation link to the new address and a notice to the old one; False if no longer waiting."""
    if not change.is_waiting:
        return False
    user = change.user
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    requester = change.requested_by
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name(),
            "username": user.get_username(),
            "old_email": change.old_email,
            "new_email": change.new_email,
            "requested_by": requester.get_full_name() if requester and requester.pk != user.pk else "",
            "confirm_url": base_url + reverse("people:email_confirm", args=[email_change_token(change)]),
            "valid_days": max(1, _timeout() // (24 * 60 * 60)),
        }
        _send(
            subject=str(_("SmartWard Learn: confirm your new email address")),
            template="email_change_confirm",
            context=context,
            to=change.new_email,
        )
        if change.old_email:
            _send(
                subject=str(_("SmartWard Learn: a change of your email address was requested")),
                template="email_change_notice",
                context=context,
                to=change.old_email,
            )
    return True
