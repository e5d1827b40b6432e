"""Builders for the organisation tests: a small unit tree, positions, accounts with roles, spreadsheets."""

import csv
import io
from dataclasses import dataclass

import openpyxl
from django.contrib.auth.models import Group

from lms.people import roles
from lms.people.importing import COLUMNS, HEADERS_VI
from lms.people.models import Official, OrgUnit, Position
from lms.people.services import managed_unit_add, official_save, roles_sync, unit_create
from tests.builders import UserFactory


@dataclass
class Org:
    city: OrgUnit
    ben_thanh: OrgUnit
    ben_thanh_office: OrgUnit
    sai_gon: OrgUnit
    chairman: Position
    civil_status: Position


def make_org() -> Org:
    roles_sync()
    city = unit_create(name="Thành phố Hồ Chí Minh", code="HCM", kind=OrgUnit.Kind.CITY)
    ben_thanh = unit_create(name="Phường Bến Thành", code="P-BENTHANH", kind=OrgUnit.Kind.WARD, parent=city)
    office = unit_create(
        name="Văn phòng HĐND và UBND phường Bến Thành",
        code="BT-VP",
        kind=OrgUnit.Kind.OFFICE,
        parent=ben_thanh,
    )
    sai_gon = unit_create(name="Phường Sài Gòn", code="P-SAIGON", kind=OrgUnit.Kind.WARD, parent=city)
    return Org(
        city=OrgUnit.objects.get(pk=city.pk),
        ben_thanh=OrgUnit.objects.get(pk=ben_thanh.pk),
        ben_thanh_office=OrgUnit.objects.get(pk=office.pk),
        sai_gon=OrgUnit.objects.get(pk=sai_gon.pk),
        chairman=Position.objects.create(name="Chủ tịch UBND", code="CHU-TICH"),
        civil_status=Position.objects.create(name="Tư pháp – Hộ tịch", code="TP-HT"),
    )


def make_hr_manager(unit: OrgUnit, username: str = "nhansu_benthanh"):
    user = UserFactory(username=username)
    managed_unit_add(user=user, unit=unit)
    return user


def make_administrator(username: str = "quantri_test"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return user


def make_learner(username: str = "hocvien_thuong"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=roles.LEARNER))
    return user


def make_official(code: str, name: str, unit: OrgUnit, *, email: str = "", position=None, active=True):
    official, _created = official_save(
        employee_code=code,
        full_name=name,
        unit=unit,
        position=position,
        email=email or f"{code.lower()}@phuong.example",
        is_active=active,
    )
    return official


def attach_official(user, code: str, unit: OrgUnit) -> Official:
    """An official record for an account that already exists (an HR manager, an administrator)."""
    return Official.objects.create(user=user, employee_code=code, unit=unit)


def row(**values) -> dict:
    """A good row by default: Bến Thành ward, no position."""
    base = {
        "employee_code": "CB001",
        "full_name": "Nguyễn Văn An",
        "unit_code": "P-BENTHANH",
        "position_code": "",
        "email": "an.nguyen@phuong.example",
        "phone": "0901234567",
        "is_unit_head": "không",
        "active": "có",
    }
    base.update(values)
    return base


def csv_bytes(
    rows: list[dict],
    *,
    columns=COLUMNS,
    header: list[str] | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header if header is not None else [HEADERS_VI[c] for c in columns])
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, header: list | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else [HEADERS_VI[c] for c in COLUMNS])
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_from_dicts(rows: list[dict], *, columns=COLUMNS) -> bytes:
    return xlsx_bytes(
        [[values.get(c, "") for c in columns] for values in rows], header=[HEADERS_VI[c] for c in columns]
    )
