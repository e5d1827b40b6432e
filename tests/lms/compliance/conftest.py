"""The organisation most compliance tests start from: the demo-like tree and an HR manager of ward A."""

import pytest

from tests.org_builders import make_hr, make_org


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def hr(org):
    return make_hr(org.ward_a)
