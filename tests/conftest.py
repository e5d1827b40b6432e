import os
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.builders import UserFactory, make_catalogue, make_course


def pytest_collection_modifyitems(items):
    """scripts/test runs the suite in two processes (pytest-xdist, `--dist loadgroup`). The tests that start
    processes of their own and need the machine's cores — real Celery workers (marker `worker`, the SIGKILL
    test among them) and the browser tests (Chromium and a live server) — are one xdist group: they run one
    after the other in one process, beside the rest."""
    for item in items:
        if item.get_closest_marker("worker") or item.nodeid.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.xdist_group("one-at-a-time"))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Private files of a test (staged imports, H5P packages) go to its own temporary folder too."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Counters kept in the cache (password-reset limits) start from zero in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def h5p_fixture_path() -> Path:
    """The real H5P package of shared/fixtures (TrueFalse "Is this false?"), beside the checkout.

    Missing on a person's own machine: the tests that need it skip, unless REQUIRE_H5P_FIXTURE=1 (CI)."""
    default = (
        Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "h5p" / "true-false-hello-world.h5p"
    )
    path = Path(os.environ.get("SMARTWARD_H5P_FIXTURE") or default)
    if not path.is_file():
        from tests.h5p_builders import h5p_fixture_missing

        h5p_fixture_missing(
            f"The real H5P package is missing at {path} (set SMARTWARD_H5P_FIXTURE to its path)."
        )
    return path


@pytest.fixture(scope="session")
def h5p_bytes(h5p_fixture_path) -> bytes:
    return h5p_fixture_path.read_bytes()


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
