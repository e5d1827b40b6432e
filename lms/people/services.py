from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from . import roles

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
