"""Shared H5P libraries (issue 11, defect 9): a library version uploaded again is used only when it matches
the stored copy byte for byte; other bytes are kept apart for their own package; a new copy serves other
activities only once an administrator approved it; concurrent uploads never delete each other's files."""

import threading

import pytest
from django.db import connection
from django.test import Client

from lms.audit.models import AuditEntry
from lms.h5p.libraries import LibraryAlreadyApproved, library_approve
from lms.h5p.models import Activity, ContentVersion, Library
from lms.h5p.packages import PackageInvalid, package_store, package_validate
from lms.h5p.player import player_url
from lms.h5p.storage import h5p_storage
from tests.builders import UserFactory
from tests.h5p_builders import (
    DOCTORED_QUESTION_JS,
    approve_all,
    content_only,
    doctored_question,
    store_package,
)

from .conftest import LIBRARY_FOLDERS, media_files, upload

pytestmark = pytest.mark.django_db

QUESTION_JS = "/libraries/H5P.Question-1.4/scripts/question.js"


@pytest.fixture
def trainer():
    return UserFactory(username="giangvien_thu_vien")


@pytest.fixture
def other_trainer():
    return UserFactory(username="giangvien_khac")


@pytest.fixture
def admin():
    return UserFactory(username="quantri_thu_vien", is_superuser=True, is_staff=True)


def question_row(version) -> Library:
    return version.libraries.get(machine_name="H5P.Question")


def played(version, suffix: str) -> bytes:
    """What the sandboxed player serves for a file of this version."""
    learner = UserFactory(username=f"hocvien_{version.pk}_{abs(hash(suffix)) % 10_000}")
    base = player_url(user=learner, version=version, lesson_id=1).rstrip("/")
    response = Client().get(base + suffix)
    assert response.status_code == 200, suffix
    return b"".join(response.streaming_content)


# --- Byte for byte, or kept apart ---------------------------------------------------------------------------


def test_the_same_bytes_uploaded_again_use_the_stored_copy(h5p_bytes, trainer, other_trainer, private_root):
    first = store_package(h5p_bytes, user=trainer)
    files = media_files(private_root)

    second = store_package(h5p_bytes, user=other_trainer)

    assert set(second.libraries.all()) == set(first.libraries.all())
    assert Library.objects.count() == len(LIBRARY_FOLDERS)
    new_files = media_files(private_root) - files
    assert all(name.startswith(second.storage_prefix) for name in new_files)  # content only


def test_a_doctored_copy_of_an_approved_library_plays_only_in_its_own_activity(
    h5p_bytes, trainer, other_trainer, admin
):
    genuine = store_package(h5p_bytes, user=trainer, title="Bài thật")
    approve_all(user=admin)

    doctored = store_package(doctored_question(h5p_bytes), user=other_trainer, title="Bài sửa")
    later = store_package(content_only(h5p_bytes), user=trainer, title="Bài sau")

    assert question_row(doctored) != question_row(genuine)
    assert question_row(doctored).approved_at is None
    assert question_row(later) == question_row(genuine)
    assert DOCTORED_QUESTION_JS in played(doctored, QUESTION_JS)
    assert DOCTORED_QUESTION_JS not in played(genuine, QUESTION_JS)
    assert DOCTORED_QUESTION_JS not in played(later, QUESTION_JS)


def test_a_doctored_library_uploaded_first_does_not_reach_the_next_upload_of_the_real_package(
    h5p_bytes, trainer, other_trainer
):
    doctored = store_package(doctored_question(h5p_bytes), user=other_trainer, title="Bài sửa")

    genuine = store_package(h5p_bytes, user=trainer, title="Bài thật")

    assert question_row(genuine) != question_row(doctored)
    assert DOCTORED_QUESTION_JS not in played(genuine, QUESTION_JS)
    assert DOCTORED_QUESTION_JS in played(doctored, QUESTION_JS)


def test_a_new_library_serves_other_packages_only_once_approved(h5p_bytes, trainer, other_trainer, admin):
    store_package(doctored_question(h5p_bytes), user=trainer)

    with pytest.raises(PackageInvalid) as refused:
        package_validate(file=upload(content_only(h5p_bytes))).close()

    assert "library_unapproved" in refused.value.codes
    assert "missing_dependency" not in refused.value.codes
    approve_all(user=admin)
    relying = store_package(content_only(h5p_bytes), user=other_trainer)
    assert DOCTORED_QUESTION_JS in played(relying, QUESTION_JS)  # what the administrator approved


def test_the_stored_copy_is_never_changed_by_a_later_upload(h5p_bytes, trainer, other_trainer, admin):
    genuine = store_package(h5p_bytes, user=trainer)
    approve_all(user=admin)
    row = question_row(genuine)
    with h5p_storage().open(f"{row.storage_prefix}scripts/question.js") as handle:
        before = handle.read()

    store_package(doctored_question(h5p_bytes), user=other_trainer)

    with h5p_storage().open(f"{row.storage_prefix}scripts/question.js") as handle:
        assert handle.read() == before
    row.refresh_from_db()
    assert row.approved_at is not None


# --- Approval -----------------------------------------------------------------------------------------------


def test_approving_records_who_and_an_audit_entry(h5p_bytes, trainer, admin):
    row = question_row(store_package(h5p_bytes, user=trainer))

    library_approve(library=row, user=admin)

    row.refresh_from_db()
    assert row.approved_by == admin and row.approved_at is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LIBRARY_APPROVE)
    assert entry.actor == admin
    assert entry.object_id == str(row.pk)
    assert entry.changes["content_hash"] == row.content_hash
    assert entry.changes["replaces"] is None


def test_approving_another_copy_replaces_the_approved_one_for_new_uploads_only(
    h5p_bytes, trainer, other_trainer, admin
):
    genuine = store_package(h5p_bytes, user=trainer)
    approve_all(user=admin)
    doctored = store_package(doctored_question(h5p_bytes), user=other_trainer)

    library_approve(library=question_row(doctored), user=admin)

    assert list(
        Library.objects.filter(machine_name="H5P.Question", approved_at__isnull=False).values_list(
            "pk", flat=True
        )
    ) == [question_row(doctored).pk]
    assert DOCTORED_QUESTION_JS not in played(genuine, QUESTION_JS)  # stored activities keep their copy
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.LIBRARY_APPROVE).order_by("-pk").first()
    assert entry.changes["replaces"]["id"] == question_row(genuine).pk


def test_approving_twice_is_refused(h5p_bytes, trainer, admin):
    row = question_row(store_package(h5p_bytes, user=trainer))
    library_approve(library=row, user=admin)

    with pytest.raises(LibraryAlreadyApproved):
        library_approve(library=row, user=admin)

    assert AuditEntry.objects.filter(action=AuditEntry.Action.LIBRARY_APPROVE).count() == 1


# --- Concurrent uploads -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_the_same_new_library_racing_keep_every_file(h5p_bytes, private_root, monkeypatch):
    """Two trainers upload the same new package at the same moment, on two database connections; the first
    fails after its libraries are written. Whichever of them inserted the library rows first, the other
    waited on them, and the files of the committed upload are all there, and nothing else is."""
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions need PostgreSQL (SQLite serialises writers).")
    users = [UserFactory(username=f"giangvien_dua_{i}") for i in range(2)]
    validated = [package_validate(file=upload(h5p_bytes)) for _ in users]
    both_inside = threading.Barrier(2, timeout=30)
    results: dict[int, object] = {}
    original_activity_save, original_full_clean = Activity.save, ContentVersion.full_clean

    def activity_save(self, *args, **kwargs):
        first = self.pk is None
        original_activity_save(self, *args, **kwargs)
        if first:
            both_inside.wait()  # both uploads are inside their transactions, before any library row

    def full_clean(self, *args, **kwargs):
        if threading.current_thread().name == "upload-0":
            raise RuntimeError("the first upload fails after writing its libraries")
        return original_full_clean(self, *args, **kwargs)

    monkeypatch.setattr(Activity, "save", activity_save)
    monkeypatch.setattr(ContentVersion, "full_clean", full_clean)

    def run(index: int) -> None:
        try:
            with validated[index]:
                results[index] = package_store(validated=validated[index], user=users[index])
        except BaseException as error:  # noqa: BLE001 — reported by the assertions below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"upload-{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert isinstance(results[0], RuntimeError)
    second = results[1]
    assert isinstance(second, ContentVersion), second
    assert Library.objects.count() == len(LIBRARY_FOLDERS)
    for library in second.libraries.all():
        names = ["library.json"] + [entry["path"] for entry in library.metadata.get("preloadedJs", [])]
        assert all(h5p_storage().exists(library.storage_prefix + name) for name in names), library
    prefixes = (*Library.objects.values_list("storage_prefix", flat=True), second.storage_prefix)
    assert all(name.startswith(prefixes) for name in media_files(private_root))
