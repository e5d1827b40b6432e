"""Builders for the organisation: a city with wards, positions, officials and HR managers."""

import itertools
from dataclasses import dataclass

from django.contrib.auth.models import Group

from lms.people import roles
from lms.people.models import OrgUnit, Position
from lms.people.services import managed_unit_add, official_save, roles_sync, unit_create

_counter = itertools.count(1)


@dataclass
class Org:
    city: OrgUnit
    ward_a: OrgUnit
    ward_b: OrgUnit
    office_a: OrgUnit  # an office inside ward A: a third level
    chair: Position
    justice: Position


def make_org() -> Org:
    """Thành phố → Phường A (→ Văn phòng A), Phường B; two positions. Role groups exist afterwards."""
    roles_sync()
    n = next(_counter)
    city = unit_create(name="Thành phố Hồ Chí Minh", code=f"HCM{n}", kind=OrgUnit.Kind.CITY)
    ward_a = unit_create(name="Phường Bến Thành", code=f"BT{n}", kind=OrgUnit.Kind.WARD, parent=city)
    ward_b = unit_create(name="Phường Sài Gòn", code=f"SG{n}", kind=OrgUnit.Kind.WARD, parent=city)
    office_a = unit_create(
        name="Văn phòng HĐND-UBND Bến Thành", code=f"VPBT{n}", kind=OrgUnit.Kind.OFFICE, parent=ward_a
    )
    chair, _ = Position.objects.get_or_create(code="CT-UBND", defaults={"name": "Chủ tịch UBND"})
    justice, _ = Position.objects.get_or_create(code="TP-HT", defaults={"name": "Tư pháp – Hộ tịch"})
    return Org(
        city=OrgUnit.objects.get(pk=city.pk),
        ward_a=OrgUnit.objects.get(pk=ward_a.pk),
        ward_b=OrgUnit.objects.get(pk=ward_b.pk),
        office_a=OrgUnit.objects.get(pk=office_a.pk),
        chair=chair,
        justice=justice,
    )


def make_official(unit: OrgUnit, *, name: str | None = None, position: Position | None = None, **extra):
    """An active official with an account (username = employee code)."""
    n = next(_counter)
    official, _ = official_save(
        employee_code=extra.pop("employee_code", f"CB{n:05d}"),
        full_name=name or f"Trần Thị Cán Bộ {n}",
        unit=OrgUnit.objects.get(pk=unit.pk),
        position=position,
        email=extra.pop("email", f"cb{n:05d}@phuong.example"),
        **extra,
    )
    return official


def make_hr(*units: OrgUnit, username: str | None = None):
    """An HR manager for these units (with an official record in the first one)."""
    official = make_official(units[0], name="Lê Thị Nhân Sự", employee_code=username or f"HR{next(_counter)}")
    user = official.user
    user.set_password("MatKhau@123")
    user.save(update_fields=["password"])
    for unit in units:
        managed_unit_add(user=user, unit=unit)
    return user


def make_admin_user(username: str = "quantri"):
    from tests.builders import UserFactory

    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return user


def make_staff_admin(username: str = "quantri"):
    """An administrator who may also open the Django admin (staff), with the role groups in place."""
    from lms.people.services import roles_sync

    roles_sync()
    user = make_admin_user(username=username)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user
