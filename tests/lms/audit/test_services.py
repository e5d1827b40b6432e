import pytest
from django.db import DatabaseError, transaction

from lms.audit import context
from lms.audit.models import AuditEntry
from lms.audit.selectors import entries_visible
from lms.audit.services import audit_record
from lms.people.services import managed_unit_add, roles_sync, unit_create
from tests.builders import UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_keeps_who_what_and_where():
    roles_sync()
    actor = UserFactory(full_name="Trần Thị Nhân Sự")
    ward = unit_create(name="Phường Bến Thành", code="BT", kind="ward")

    entry = audit_record(
        action=AuditEntry.Action.EXEMPTION_GRANT, actor=actor, obj=ward, unit=ward, changes={"reason": "ốm"}
    )

    entry.refresh_from_db()
    assert entry.actor_name == "Trần Thị Nhân Sự"
    assert entry.object_type == "people.orgunit"
    assert entry.object_id == str(ward.pk)
    assert entry.unit_path == ward.path
    assert entry.changes == {"reason": "ốm"}


def test_the_actor_defaults_to_the_person_of_the_request():
    actor = UserFactory()
    token = context._current.set((actor, "10.0.0.7"))
    try:
        entry = audit_record(action=AuditEntry.Action.EXPORT)
    finally:
        context._current.reset(token)
    assert entry.actor == actor
    assert entry.ip_address == "10.0.0.7"


def test_entries_cannot_be_changed_or_deleted():
    entry = audit_record(action=AuditEntry.Action.EXPORT, actor=UserFactory())
    entry.object_repr = "forged"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="forged")


def test_hr_managers_see_the_entries_of_their_units_only():
    roles_sync()
    city = unit_create(name="Thành phố", code="HCM", kind="city")
    ward = unit_create(name="Phường A", code="PA", kind="ward", parent=city)
    other = unit_create(name="Phường B", code="PB", kind="ward", parent=city)
    manager = UserFactory()
    managed_unit_add(user=manager, unit=ward)
    mine = audit_record(action=AuditEntry.Action.EXPORT, actor=manager, unit=ward)
    audit_record(action=AuditEntry.Action.EXPORT, actor=manager, unit=other)
    audit_record(action=AuditEntry.Action.EXPORT, actor=manager)

    assert list(entries_visible(manager).filter(action=AuditEntry.Action.EXPORT)) == [mine]
    assert entries_visible(UserFactory()).count() == 0
