import pytest

from tests.builders import UserFactory, make_catalogue, make_course


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def catalogue(db):
    return make_catalogue()


@pytest.fixture
def course(catalogue):
    return make_course(catalogue)


@pytest.fixture
def learner(db):
    return UserFactory(username="hocvien_test")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="hocvien_khac")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
