import pytest

from lms.skills.models import Competency, Framework, ScaleLevel
from tests.org_builders import make_org


@pytest.fixture
def framework(db):
    framework = Framework.objects.create(id_number="NLS", short_name="Năng lực số")
    for number, name in enumerate(["Cơ bản", "Trung bình", "Khá", "Thành thạo"], start=1):
        ScaleLevel.objects.create(framework=framework, number=number, name=name, is_proficient=number >= 3)
    return framework


@pytest.fixture
def area(framework):
    return Competency.objects.create(framework=framework, id_number="4", short_name="An toàn", sort_order=4)


@pytest.fixture
def security(framework, area):
    return Competency.objects.create(
        framework=framework, parent=area, id_number="4.2", short_name="Bảo vệ dữ liệu cá nhân", sort_order=2
    )


@pytest.fixture
def data_skill(framework):
    return Competency.objects.create(framework=framework, id_number="1.3", short_name="Quản lý dữ liệu")


@pytest.fixture
def org(db):
    return make_org()
