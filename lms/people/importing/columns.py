"""The officials sheet: its columns (template headers, other spellings), the limits and words of its cells.

The columns are documented in docs/officials-import.md; lms.spreadsheets reads them by name, in any order.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from lms.spreadsheets import Column, SheetLayout

from ..models import Official, OrgUnit, Position

User = get_user_model()

COLUMNS = (
    "employee_code",
    "full_name",
    "unit_code",
    "position_code",
    "email",
    "phone",
    "is_unit_head",
    "active",
)
REQUIRED_COLUMNS = ("employee_code", "full_name", "unit_code")

# The template's header row: Vietnamese column names (data, the same whatever the interface language).
HEADERS_VI = {
    "employee_code": "Mã cán bộ",
    "full_name": "Họ và tên",
    "unit_code": "Mã đơn vị",
    "position_code": "Mã chức vụ",
    "email": "Email",
    "phone": "Số điện thoại",
    "is_unit_head": "Trưởng đơn vị",
    "active": "Đang công tác",
}
# Other spellings people use for the same columns (compared folded: no case, accents or underscores).
_HEADER_ALIASES = {
    "employee_code": ("ma nhan vien", "ma cb", "ma so can bo"),
    "full_name": ("ho ten", "ho va ten can bo"),
    "unit_code": ("ma don vi cong tac",),
    "position_code": ("ma chuc danh",),
    "email": ("thu dien tu", "e mail"),
    "phone": ("dien thoai", "sdt"),
    "is_unit_head": ("truong don vi", "la truong don vi"),
    "active": ("con cong tac", "trang thai"),
}

LAYOUT = SheetLayout(
    columns=tuple(
        Column(
            key,
            header=HEADERS_VI[key],
            aliases=_HEADER_ALIASES.get(key, ()),
            required=key in REQUIRED_COLUMNS,
        )
        for key in COLUMNS
    ),
    no_rows=gettext_lazy("The file has no officials."),
    too_many_rows=gettext_lazy("The file has more than %(max)d officials. Split it into several files."),
    # A formula reads as its text, so the row checks refuse it rather than import what it computed.
    read_formulas=True,
)

COLUMN_LABELS = {
    "employee_code": gettext_lazy("Employee code"),
    "full_name": gettext_lazy("Full name"),
    "unit_code": gettext_lazy("Unit code"),
    "position_code": gettext_lazy("Position code"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "is_unit_head": gettext_lazy("Head of unit"),
    "active": gettext_lazy("Active"),
}

MAX_LENGTHS = {
    "employee_code": Official._meta.get_field("employee_code").max_length,
    "full_name": User._meta.get_field("full_name").max_length,
    "unit_code": OrgUnit._meta.get_field("code").max_length,
    "position_code": Position._meta.get_field("code").max_length,
    "email": User._meta.get_field("email").max_length,
    "phone": Official._meta.get_field("phone").max_length,
}

# Text that must never start like a formula: the cell is refused, not silently altered.
FORMULA_CHECKED = ("employee_code", "full_name", "unit_code", "position_code", "email")
FORMULA_START = ("=", "+", "-", "@")

# Folded (no case or accents): "có", "đúng", "đang công tác" / "không", "sai", "đã nghỉ", "nghỉ việc".
YES_WORDS = {"co", "x", "1", "yes", "y", "true", "dung", "dang cong tac"}
NO_WORDS = {"khong", "0", "no", "n", "false", "sai", "nghi", "da nghi", "nghi viec"}

# The template's example row: refused if it comes back, so a forgotten example never becomes a person.
EXAMPLE_CODE = "VD0001"
EXAMPLE_NAME = "Nguyễn Thị Ví Dụ"
