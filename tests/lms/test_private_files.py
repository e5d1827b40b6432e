"""Private files (issue 11, defect 6): staged imports and H5P packages live in the private storage, outside
MEDIA_ROOT, so the demo's URL configuration (DEBUG serves MEDIA_ROOT) and a web server serving /media/
cannot hand them out; H5P files reach a browser only through the sandboxed player, with its headers."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import translation

import lms.urls
from lms.h5p.models import Library
from lms.h5p.player import player_url
from lms.storage import check_private_root, private_storage
from tests.builders import UserFactory
from tests.h5p_builders import store_package
from tests.lms.people.org_builders import csv_bytes, make_hr_manager, make_org, row

pytestmark = pytest.mark.django_db

DEMO_URLCONF = "tests_demo_urls_with_debug"
STAGED = "officials-import/0123456789abcdef0123456789abcdef.csv"


@pytest.fixture
def demo_urls(settings):
    """lms.urls as the demo loads it: with DEBUG on, which adds Django's view serving MEDIA_ROOT."""
    settings.DEBUG = True
    spec = importlib.util.spec_from_file_location(DEMO_URLCONF, Path(lms.urls.__file__))
    module = importlib.util.module_from_spec(spec)
    sys.modules[DEMO_URLCONF] = module
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = DEMO_URLCONF
    yield
    del sys.modules[DEMO_URLCONF]


def test_the_demo_serves_media_files(demo_urls):
    """The demo does serve MEDIA_ROOT, so the 404s below are about where the files are."""
    name = default_storage.save("images/anh.txt", ContentFile(b"public"))

    response = Client().get(f"/media/{name}")

    assert response.status_code == 200


def test_a_staged_officials_import_is_not_under_the_public_media_url(demo_urls):
    org = make_org()
    client = Client()
    client.force_login(make_hr_manager(org.ben_thanh))
    upload = ContentFile(csv_bytes([row(email="an.nguyen@phuong.example")]), name="can-bo.csv")

    preview = client.post("/admin/organisation/import/", {"file": upload})

    assert preview.status_code == 200
    staged = private_storage().listdir("officials-import")[1]
    assert len(staged) == 1
    response = Client().get(f"/media/officials-import/{staged[0]}")
    assert response.status_code == 404
    assert not default_storage.exists(f"officials-import/{staged[0]}")


def test_h5p_files_are_not_under_the_public_media_url(demo_urls, h5p_bytes):
    version = store_package(h5p_bytes)
    question = version.libraries.get(machine_name="H5P.Question").storage_prefix

    for name in (
        f"{question}images/plus-one.svg",
        f"{question}library.json",
        f"{version.storage_prefix}h5p.json",
    ):
        assert private_storage().exists(name), name
        assert Client().get(f"/media/{name}").status_code == 404, name
    assert not default_storage.exists("h5p")


@pytest.mark.parametrize(
    "suffix",
    [
        "/h5p.json",
        "/content/content.json",
        "/libraries/H5P.Question-1.4/images/plus-one.svg",
        "/libraries/H5P.Question-1.4/scripts/question.js",
    ],
)
def test_the_player_still_serves_the_files_sandboxed(demo_urls, h5p_bytes, suffix):
    version = store_package(h5p_bytes)
    base = player_url(user=UserFactory(username="hocvien_rieng"), version=version, lesson_id=1).rstrip("/")

    response = Client().get(base + suffix)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_private_files_have_no_url():
    with pytest.raises(ValueError):
        private_storage().url("officials-import/x.csv")


def test_a_private_root_inside_the_public_one_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"

    assert [error.id for error in check_private_root()] == ["lms.E102"]


def test_the_default_roots_are_apart():
    assert check_private_root() == []


# --- Existing installations --------------------------------------------------------------------------------


def _old_layout(h5p_bytes):
    """An H5P package and a staged import where the previous version put them: under MEDIA_ROOT."""
    version = store_package(h5p_bytes)
    root = Path(private_storage().location)
    names = [path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()]
    for name in names:
        with private_storage().open(name, "rb") as handle:
            default_storage.save(name, handle)
        private_storage().delete(name)
    default_storage.save(STAGED, ContentFile(b"Ho ten,Email\n"))
    Library.objects.update(content_hash="")  # stored before content hashes existed
    return version, names


def test_moving_old_files_makes_them_private_and_playable_and_is_idempotent(h5p_bytes, media_root, capsys):
    version, names = _old_layout(h5p_bytes)
    hashes = dict(Library.objects.values_list("pk", "content_hash"))

    with translation.override("en"):
        call_command("move_private_files")

    first = capsys.readouterr().out
    assert f"h5p/: {len(names)} " in first and "officials-import/: 1 " in first
    assert not any(path.is_file() for path in Path(media_root).rglob("*"))
    assert not any(Path(media_root).glob("h5p"))  # no empty folders left behind either
    assert all(private_storage().exists(name) for name in names)
    assert private_storage().exists(STAGED)
    assert all(value for value in Library.objects.values_list("content_hash", flat=True))
    assert hashes and all(not value for value in hashes.values())
    base = player_url(user=UserFactory(username="hocvien_chuyen"), version=version, lesson_id=1).rstrip("/")
    assert Client().get(base + "/libraries/H5P.Question-1.4/library.json").status_code == 200

    with translation.override("en"):
        call_command("move_private_files")

    second = capsys.readouterr().out
    assert "h5p/: 0 " in second and "officials-import/: 0 " in second
    assert "for 0 H5P libraries" in second
