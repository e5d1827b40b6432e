from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from treebeard.exceptions import InvalidMoveToDescendant, InvalidPosition
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from lms.errors import UserError

from . import roles
from .models import ManagedUnit, Official, OrgUnit, Position
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


def user_update_profile(*, user: User, full_name: str, email: str) -> User:
    user.full_name = full_name
    user.email = email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "email"])
    return user


def user_role_labels(*, user: User) -> list[str]:
    names = [g.name for g in user.groups.all()]
    return [str(roles.ROLE_LABELS.get(n, n)) for n in names]


class PeopleError(UserError):
    """A change to the organisation the rules refuse; the message is shown to the person."""


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
) -> tuple[Official, bool]:
    """Create or update an official by employee code, with their account. Returns (official, created).

    A new account gets the employee code as username and no usable password: the person sets one through
    the password-reset email. The `official_changed` signal lets assignments follow the person.
    """
    official = (
        Official.objects.select_related("user")
        .select_for_update()
        .filter(employee_code=employee_code)
        .first()
    )
    created = official is None
    if created:
        user = User(username=employee_code, full_name=full_name, email=email, is_active=is_active)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        learner = Group.objects.filter(name=roles.LEARNER).first()
        if learner is not None:
            user.groups.add(learner)
        official = Official(user=user, employee_code=employee_code)
        changed = True
    else:
        user = official.user
        changed = (
            official.unit_id != unit.pk
            or official.position_id != (position.pk if position else None)
            or user.is_active != is_active
        )
        user.full_name, user.email, user.is_active = full_name, email, is_active
        user.full_clean(exclude=["password"])
        user.save(update_fields=["full_name", "email", "is_active"])
    official.unit, official.position = unit, position
    official.phone, official.is_unit_head = phone, is_unit_head
    official.full_clean(exclude=["user"])
    official.save()
    if changed:
        official_changed.send(sender=Official, official=official, created=created)
    return official, created


@transaction.atomic
def official_deactivate(*, official: Official) -> None:
    """A leaver: the account can no longer sign in; records and history stay."""
    if not official.user.is_active:
        return
    User.objects.filter(pk=official.user_id).update(is_active=False)
    official.user.is_active = False
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
