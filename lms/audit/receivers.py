"""Role and HR-scope changes are recorded wherever they are made: the Wagtail user editor, the Django admin,
a service, a management command or the shell. The actor is the person of the request, if any.

- Roles: the groups of an account (`User.groups`, from either side of the relation) and its superuser and
  staff flags. A change that touches only the Learner role is not recorded: that role grants nothing, and
  every new official receives it (the official's creation is recorded by the people app).
- HR scopes: `ManagedUnit` rows added, moved or removed; the entry concerns the managed unit, so the HR
  managers of that unit see who was given (or lost) rights over it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import translation

from lms.people import roles
from lms.people.models import ManagedUnit, OrgUnit

from .models import AuditEntry
from .selectors import person_unit
from .services import audit_record

User = get_user_model()
FLAGS = ("is_superuser", "is_staff")
FLAG_KEYS = {"is_superuser": "superuser", "is_staff": "staff"}


def _role_labels(names) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        return sorted(str(roles.ROLE_LABELS.get(name, name)) for name in names)


def _group_names(user_ids) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {pk: set() for pk in user_ids}
    memberships = User.groups.through.objects.filter(user_id__in=list(user_ids))
    rows = memberships.values_list("user_id", "group__name")
    for user_id, name in rows:
        names[user_id].add(name)
    return names


def _account_label(user) -> str:
    return f"{user.get_full_name()} ({user.get_username()})"


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_roles_changed")
def roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("pre_add", "pre_remove", "pre_clear"):
        if not reverse:
            user_ids = [instance.pk]
        elif action == "pre_clear":
            user_ids = list(instance.user_set.values_list("pk", flat=True))
        else:
            user_ids = list(pk_set or ())
        instance._audit_groups_before = _group_names(user_ids)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    before = getattr(instance, "_audit_groups_before", None)
    if before is None:
        return
    del instance._audit_groups_before
    after = _group_names(before)
    users = {instance.pk: instance} if not reverse else User.objects.in_bulk(list(before))
    for user_id, old in before.items():
        new = after[user_id]
        if not (old ^ new) - {roles.LEARNER} or user_id not in users:
            continue
        user = users[user_id]
        audit_record(
            action=AuditEntry.Action.ROLES_CHANGE,
            obj=user,
            object_repr=_account_label(user),
            unit=person_unit(user),
            changes={"roles": [_role_labels(old), _role_labels(new)]},
        )


@receiver(pre_save, sender=User, dispatch_uid="audit_flags_before")
def flags_before(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    if update_fields is not None and not set(update_fields) & set(FLAGS):
        return
    old = User.objects.filter(pk=instance.pk).values(*FLAGS).first()
    if old is not None:
        instance._audit_flags_before = old


@receiver(post_save, sender=User, dispatch_uid="audit_flags_changed")
def flags_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        old = dict.fromkeys(FLAGS, False)
    else:
        old = getattr(instance, "_audit_flags_before", None)
        if old is None:
            return
        del instance._audit_flags_before
    changes = {
        FLAG_KEYS[flag]: [old[flag], getattr(instance, flag)]
        for flag in FLAGS
        if old[flag] != getattr(instance, flag)
    }
    if changes:
        audit_record(
            action=AuditEntry.Action.ROLES_CHANGE,
            obj=instance,
            object_repr=_account_label(instance),
            unit=person_unit(instance),
            changes=changes,
        )


def _unit_label(unit: OrgUnit | None) -> str:
    return f"{unit.name} ({unit.code})" if unit is not None else ""


def _managed_unit_parts(row: ManagedUnit):
    user = User.objects.filter(pk=row.user_id).first()
    unit = OrgUnit.objects.filter(pk=row.unit_id).first()
    return user, unit


@receiver(pre_save, sender=ManagedUnit, dispatch_uid="audit_scope_before")
def scope_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._audit_unit_before = (
            ManagedUnit.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
        )


@receiver(post_save, sender=ManagedUnit, dispatch_uid="audit_scope_saved")
def scope_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    user, unit = _managed_unit_parts(instance)
    if created:
        changes = {"added": _unit_label(unit)}
    else:
        old_id = getattr(instance, "_audit_unit_before", None)
        if old_id is None or old_id == instance.unit_id:
            return
        changes = {"unit": [_unit_label(OrgUnit.objects.filter(pk=old_id).first()), _unit_label(unit)]}
    audit_record(
        action=AuditEntry.Action.MANAGED_UNITS_CHANGE,
        obj=user,
        object_repr=_account_label(user) if user else "",
        unit=unit,
        changes=changes,
    )


@receiver(post_delete, sender=ManagedUnit, dispatch_uid="audit_scope_removed")
def scope_removed(sender, instance, **kwargs):
    user, unit = _managed_unit_parts(instance)
    audit_record(
        action=AuditEntry.Action.MANAGED_UNITS_CHANGE,
        obj=user,
        object_repr=_account_label(user) if user else "",
        unit=unit,
        changes={"removed": _unit_label(unit)},
    )
