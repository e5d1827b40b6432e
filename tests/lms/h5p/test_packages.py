import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from wagtail.models import Page

from lms.h5p import storage as storage_module
from lms.h5p import validation
from lms.h5p.models import Activity, ContentVersion, Library, Result, Statement
from lms.h5p.packages import MESSAGES, PackageInvalid, package_store, package_validate
from lms.h5p.storage import h5p_storage
from tests.builders import UserFactory
from tests.h5p_builders import approve_all

from .conftest import LIBRARY_FOLDERS, media_files, rebuild, symlink_entry, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return UserFactory(username="giangvien_h5p")


def store(data: bytes, *, user, activity=None, title="", name="bai-tap.h5p"):
    with package_validate(file=upload(data, name)) as validated:
        return package_store(validated=validated, user=user, activity=activity, title=title)


def rejected(data: bytes) -> PackageInvalid:
    with pytest.raises(PackageInvalid) as caught:
        package_validate(file=upload(data))
    return caught.value


def library_files(private_root) -> set[str]:
    return {name for name in media_files(private_root) if name.startswith("h5p/libraries/")}


def library_prefix(machine_name: str) -> str:
    return Library.objects.get(machine_name=machine_name).storage_prefix


# --- The real package ---------------------------------------------------------------------------------------


def test_real_package_is_valid(h5p_bytes):
    with package_validate(file=upload(h5p_bytes)) as validated:
        assert validated.title == "Hello World"
        assert validated.main_library == ("H5P.TrueFalse", 1, 6)
        assert {lib.folder for lib in validated.libraries.values()} >= set(LIBRARY_FOLDERS)
        assert {f.path for f in validated.content_files} == {"h5p.json", "content/content.json"}
        assert validated.ignored == ["H5P_CONTENT_HERE.txt"]


def test_validation_writes_nothing(h5p_bytes, private_root):
    package_validate(file=upload(h5p_bytes)).close()

    assert media_files(private_root) == set()


def test_store_extracts_content_and_libraries(h5p_bytes, private_root, trainer):
    version = store(h5p_bytes, user=trainer, name="dung-sai.h5p")

    prefix = version.storage_prefix
    assert prefix.startswith("h5p/content/") and prefix.endswith("/")
    files = media_files(private_root)
    assert {f"{prefix}h5p.json", f"{prefix}content/content.json"} <= files
    true_false = library_prefix("H5P.TrueFalse")
    assert re.fullmatch(r"h5p/libraries/H5P\.TrueFalse-1\.6/[0-9a-f]{32}/", true_false)
    assert f"{true_false}library.json" in files
    assert f"{true_false}scripts/h5p-true-false.js" in files
    assert f"{library_prefix('Tether')}scripts/tether.min.js" in files
    assert not any(name.startswith("h5p/libraries/H5PEditor.") for name in files)  # editor-only
    assert not any(name.endswith("H5P_CONTENT_HERE.txt") for name in files)
    with zipfile.ZipFile(io.BytesIO(h5p_bytes)) as archive:
        original = archive.read("content/content.json")
    with h5p_storage().open(f"{prefix}content/content.json") as stored:
        assert stored.read() == original


def test_store_records_activity_version_and_libraries(h5p_bytes, trainer):
    version = store(h5p_bytes, user=trainer, name="dung-sai.h5p")

    activity = Activity.objects.get()
    assert activity.title == "Hello World"
    assert activity.created_by == trainer
    assert activity.current_version == version
    assert version.number == 1
    assert version.uploaded_by == trainer
    assert version.original_filename == "dung-sai.h5p"
    assert version.file_count == 2
    assert version.total_bytes > 0
    assert version.h5p_json["mainLibrary"] == "H5P.TrueFalse"
    assert str(version.main_library) == "H5P.TrueFalse 1.6.1"
    assert {lib.folder_name for lib in version.libraries.all()} == set(LIBRARY_FOLDERS)
    assert Library.objects.count() == len(LIBRARY_FOLDERS)
    tether = Library.objects.get(machine_name="Tether")
    assert tether.metadata["preloadedJs"] == [{"path": "scripts/tether.min.js"}]
    assert not tether.runnable and version.main_library.runnable


def test_title_from_the_form_wins(h5p_bytes, trainer):
    version = store(h5p_bytes, user=trainer, title="  Đúng hay sai: an toàn thông tin  ")

    assert version.activity.title == "Đúng hay sai: an toàn thông tin"


def test_two_uploads_share_the_libraries(h5p_bytes, private_root, trainer):
    first = store(h5p_bytes, user=trainer)
    libraries_before = library_files(private_root)

    second = store(h5p_bytes, user=trainer)

    assert library_files(private_root) == libraries_before  # no second copy, no renamed duplicates
    assert Library.objects.count() == len(LIBRARY_FOLDERS)
    assert set(second.libraries.all()) == set(first.libraries.all())
    assert second.activity != first.activity
    assert second.storage_prefix != first.storage_prefix


def test_approved_dependencies_in_the_store_are_accepted(h5p_bytes, private_root, trainer):
    store(h5p_bytes, user=trainer)
    approve_all()
    libraries_before = library_files(private_root)
    content_only = rebuild(h5p_bytes, keep=lambda name: name == "h5p.json" or name.startswith("content/"))

    version = store(content_only, user=trainer)

    assert {lib.folder_name for lib in version.libraries.all()} == set(LIBRARY_FOLDERS)
    assert library_files(private_root) == libraries_before


def test_a_newer_patch_is_kept_apart_for_its_own_package(h5p_bytes, private_root, trainer):
    first = store(h5p_bytes, user=trainer)
    approve_all()
    newer = json.dumps({**_library_json(h5p_bytes, "Tether-1.0"), "patchVersion": 9}).encode()

    second = store(rebuild(h5p_bytes, replace={"Tether-1.0/library.json": newer}), user=trainer)

    stored = first.libraries.get(machine_name="Tether")
    own = second.libraries.get(machine_name="Tether")
    assert (stored.patch_version, own.patch_version) == (2, 9)
    assert stored.approved_at is not None and own.approved_at is None
    with h5p_storage().open(f"{stored.storage_prefix}library.json") as handle:
        assert json.load(handle)["patchVersion"] == 2
    with h5p_storage().open(f"{own.storage_prefix}library.json") as handle:
        assert json.load(handle)["patchVersion"] == 9
    others = second.libraries.exclude(machine_name="Tether")
    assert set(others) == set(first.libraries.exclude(machine_name="Tether"))  # byte for byte the same


def test_new_version_keeps_the_old_version_its_files_and_results(h5p_bytes, private_root, trainer):
    first = store(h5p_bytes, user=trainer)
    activity = first.activity
    learner = UserFactory(username="hocvien_h5p")
    statement = Statement.objects.create(
        statement_id="6f1c3d0e-8d6b-4b8e-9a51-6c5a0f0f2a11",
        user=learner,
        activity=activity,
        version=first,
        lesson=Page.get_first_root_node(),
        verb="http://adlnet.gov/expapi/verbs/answered",
        is_top_level=True,
        payload={"verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}},
    )
    Result.objects.create(
        user=learner, activity=activity, version=first, statement=statement, score_scaled=Decimal("1")
    )
    first_files = {name for name in media_files(private_root) if name.startswith(first.storage_prefix)}

    second = store(h5p_bytes, user=trainer, activity=activity, name="dung-sai-v2.h5p")

    activity.refresh_from_db()
    assert second.number == 2
    assert activity.current_version == second
    assert list(activity.versions.values_list("number", flat=True)) == [2, 1]
    assert first_files and first_files <= media_files(private_root)
    result = Result.objects.get()
    assert result.version == first and result.score_scaled == Decimal("1")
    assert Statement.objects.get().version == first


def test_a_failed_store_removes_every_file_it_wrote(h5p_bytes, private_root, trainer, monkeypatch):
    def broken_full_clean(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ContentVersion, "full_clean", broken_full_clean)

    with pytest.raises(RuntimeError):
        store(h5p_bytes, user=trainer)

    assert media_files(private_root) == set()
    assert list(Path(private_root).rglob("*")) == []  # no empty folders either
    assert not Activity.objects.exists()
    assert not Library.objects.exists()


def _library_files_present(library: Library) -> bool:
    names = ["library.json"] + [entry["path"] for entry in library.metadata.get("preloadedJs", [])]
    return all(h5p_storage().exists(library.storage_prefix + name) for name in names)


class _StorageWithAnotherUpload:
    """The real storage, but the first `delete` (the failed upload cleaning up after its rollback) first
    lets another upload of the same libraries run to its commit: what a concurrent upload waiting on the
    Library rows does the moment the failed upload rolls back."""

    def __init__(self, real, other_upload):
        self._real, self._other_upload, self.other = real, other_upload, None

    def __getattr__(self, name):
        return getattr(self._real, name)

    def delete(self, name):
        if self.other is None:
            self.other = "running"
            self.other = self._other_upload()
        return self._real.delete(name)


def test_a_failed_upload_never_deletes_library_files_that_a_committed_upload_uses(
    h5p_bytes, private_root, trainer, monkeypatch
):
    original_full_clean = ContentVersion.full_clean
    failures = ["the first upload fails after writing its libraries"]

    def full_clean(self, *args, **kwargs):
        if failures:
            raise RuntimeError(failures.pop())
        return original_full_clean(self, *args, **kwargs)

    monkeypatch.setattr(ContentVersion, "full_clean", full_clean)
    storage = _StorageWithAnotherUpload(
        h5p_storage(), lambda: store(h5p_bytes, user=trainer, title="Bản tải lên thứ hai")
    )
    monkeypatch.setattr(storage_module, "h5p_storage", lambda: storage)

    with pytest.raises(RuntimeError):
        store(h5p_bytes, user=trainer, title="Bản tải lên thứ nhất")

    second = storage.other
    assert isinstance(second, ContentVersion)
    assert list(Activity.objects.values_list("title", flat=True)) == ["Bản tải lên thứ hai"]
    assert Library.objects.count() == len(LIBRARY_FOLDERS)
    assert all(_library_files_present(library) for library in second.libraries.all())
    # Nothing left of the failed upload: every library file belongs to a committed row.
    prefixes = tuple(Library.objects.values_list("storage_prefix", flat=True))
    assert all(name.startswith(prefixes) for name in library_files(private_root))


def test_an_upload_validated_before_another_stored_the_same_libraries_writes_none(
    h5p_bytes, private_root, trainer
):
    with package_validate(file=upload(h5p_bytes)) as validated:
        first = store(h5p_bytes, user=trainer)  # the other writer claims every library meanwhile
        files = library_files(private_root)

        second = package_store(validated=validated, user=trainer)

    assert library_files(private_root) == files
    assert set(second.libraries.all()) == set(first.libraries.all())
    assert all(_library_files_present(library) for library in second.libraries.all())


def test_a_library_folder_is_unique_to_the_upload_that_created_it(h5p_bytes, trainer):
    version = store(h5p_bytes, user=trainer)

    prefixes = [library.storage_prefix for library in version.libraries.all()]
    assert len(set(prefixes)) == len(prefixes)
    for library in version.libraries.all():
        assert re.fullmatch(
            rf"h5p/libraries/{re.escape(library.folder_name)}/[0-9a-f]{{32}}/", library.storage_prefix
        )


def test_skipped_entries_are_neither_checked_nor_stored(h5p_bytes, private_root, trainer):
    data = rebuild(
        h5p_bytes,
        add=[
            ("__MACOSX/content/._content.json", b"\x00\x05\x16\x07"),
            ("content/.DS_Store", b"\x00\x00\x00\x01Bud1"),
            ("content/_notes/plan.exe", b"MZ"),
        ],
    )

    version = store(data, user=trainer)

    stored = media_files(private_root)
    assert not any("__MACOSX" in n or ".DS_Store" in n or "_notes" in n for n in stored)
    assert version.file_count == 2


# --- Hostile variants ---------------------------------------------------------------------------------------


def _library_json(original: bytes, folder: str) -> dict:
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        return json.loads(archive.read(f"{folder}/library.json"))


def _h5p_json(original: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        return json.loads(archive.read("h5p.json"))


def _without_key(original: bytes, key: str) -> bytes:
    data = {k: v for k, v in _h5p_json(original).items() if k != key}
    return rebuild(original, replace={"h5p.json": json.dumps(data).encode()})


def _rename_folder(original: bytes, old: str, new: str) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith(f"{old}/"):
                info.filename = new + info.filename[len(old) :]
            target.writestr(info, data)
    return out.getvalue()


def _encrypted_entry(original: bytes) -> bytes:
    """zipfile cannot write encrypted entries: set the "encrypted" flag in the central directory by hand."""
    name = b"content/images/secret.png"
    data = bytearray(rebuild(original, add=[(name.decode(), b"\x89PNG")]))
    header = data.rfind(name) - 46  # the central directory record precedes its file name
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 8] |= 0x1
    return bytes(data)


ZEROS_900K = bytes(900 * 1024)

HOSTILE = {
    "zip_slip": (lambda b: rebuild(b, add=[("content/../../../etc/cron.d/evil.txt", b"x")]), {}),
    "absolute_path": (lambda b: rebuild(b, add=[("/var/www/evil.txt", b"x")]), {}),
    "backslash": (lambda b: rebuild(b, add=[("content\\..\\evil.png", b"x")]), {}),
    "symlink": (lambda b: rebuild(b, add=[symlink_entry("content/images/passwd.png", "/etc/passwd")]), {}),
    "total_too_large": (
        lambda b: rebuild(b, add=[(f"content/images/bomb-{i}.bmp", ZEROS_900K) for i in range(4)]),
        {"H5P_MAX_TOTAL_BYTES": 3 * 1024 * 1024},
    ),
    "ratio": (lambda b: rebuild(b, add=[("content/images/bomb.bmp", bytes(3 * 1024 * 1024))]), {}),
    "file_too_large": (lambda b: b, {"H5P_MAX_FILE_BYTES": 100_000}),
    "too_many_entries": (lambda b: b, {"H5P_MAX_ENTRIES": 50}),
    "extension": (lambda b: rebuild(b, add=[("content/tools/setup.exe", b"MZ")]), {}),
    "content_script": (lambda b: rebuild(b, add=[("content/steal-session.js", b"fetch('/')")]), {}),
    "library_extension": (lambda b: rebuild(b, add=[("H5P.TrueFalse-1.6/shell.php", b"<?php")]), {}),
    "no_h5p_json": (lambda b: rebuild(b, keep=lambda n: n != "h5p.json"), {}),
    "no_content_json": (lambda b: rebuild(b, keep=lambda n: n != "content/content.json"), {}),
    "bad_json": (
        lambda b: rebuild(b, replace={"content/content.json": b'{"question": "Is this false?",'}),
        {},
    ),
    "missing_keys": (lambda b: _without_key(b, "mainLibrary"), {}),
    "h5p_json": (
        lambda b: rebuild(
            b, replace={"h5p.json": json.dumps({**_h5p_json(b), "embedTypes": ["flash"]}).encode()}
        ),
        {},
    ),
    "library_folder": (lambda b: _rename_folder(b, "Tether-1.0", "Tether 1.0!"), {}),
    "library_mismatch": (lambda b: _rename_folder(b, "Tether-1.0", "Tether-1.1"), {}),
    "no_library_json": (lambda b: rebuild(b, keep=lambda n: n != "Drop-1.0/library.json"), {}),
    "library_json": (
        lambda b: rebuild(
            b,
            replace={
                "Drop-1.0/library.json": json.dumps(
                    {k: v for k, v in _library_json(b, "Drop-1.0").items() if k != "runnable"}
                ).encode()
            },
        ),
        {},
    ),
    "library_file_missing": (
        lambda b: rebuild(b, keep=lambda n: n != "Tether-1.0/scripts/tether.min.js"),
        {},
    ),
    "missing_dependency": (lambda b: rebuild(b, keep=lambda n: not n.startswith("Tether-1.0/")), {}),
    "duplicate_entry": (lambda b: rebuild(b, add=[("content/content.json", b"{}")]), {}),
    "encrypted": (_encrypted_entry, {}),
}


@pytest.mark.parametrize("code", list(HOSTILE))
def test_hostile_variant_is_rejected_with_its_own_message(code, h5p_bytes, settings, private_root, trainer):
    build, limits = HOSTILE[code]
    for name, value in limits.items():
        setattr(settings, name, value)
    data = build(h5p_bytes)
    before = media_files(private_root)

    error = rejected(data)

    assert code in error.codes
    message = next(e.message for e in error.errors if e.code == code)
    assert re.fullmatch(re.sub(r"%\\\(\w+\\\)s", ".+", re.escape(str(MESSAGES[code]))), message, re.S)
    assert media_files(private_root) == before == set()
    assert not Activity.objects.exists() and not Library.objects.exists()


def test_every_error_code_has_its_own_message():
    texts = [str(message) for message in MESSAGES.values()]

    assert len(set(texts)) == len(texts)


def test_absolute_windows_path_is_rejected(h5p_bytes):
    assert rejected(rebuild(h5p_bytes, add=[("C:/Windows/evil.txt", b"x")])).codes == ["absolute_path"]


def test_duplicate_names_differing_only_in_case_are_rejected(h5p_bytes):
    error = rejected(rebuild(h5p_bytes, add=[("Content/Content.json", b"{}")]))

    assert "duplicate_entry" in error.codes


def test_all_problems_are_reported_together(h5p_bytes):
    data = rebuild(
        h5p_bytes,
        keep=lambda n: not n.startswith("Tether-1.0/"),
        add=[("content/a.js", b"x"), ("content/../b.txt", b"x")],
    )

    assert set(rejected(data).codes) == {"content_script", "zip_slip", "missing_dependency"}


def test_missing_dependency_names_who_needs_what(h5p_bytes):
    error = rejected(rebuild(h5p_bytes, keep=lambda n: not n.startswith("Tether-1.0/")))

    messages = [e.message for e in error.errors if e.code == "missing_dependency"]
    assert any("Drop 1.0" in m and "Tether 1.0" in m for m in messages)


# --- Paths too long for the disk (issue 11, defect 8) -----------------------------------------------------


LONG_NAME = "content/images/" + "anh-" * 64 + "a.png"  # a 261-byte name: fits in a zip, not on the disk


def test_a_file_name_too_long_for_the_disk_is_refused_with_its_own_message(h5p_bytes, private_root):
    error = rejected(rebuild(h5p_bytes, add=[(LONG_NAME, b"\x89PNG")]))

    assert error.codes == ["path_too_long"]
    assert error.errors[0].message == str(MESSAGES["path_too_long"]) % {
        "name": f"{LONG_NAME[:40]}…{LONG_NAME[-30:]}",
        "name_limit": 255,
        "limit": 1024,
    }
    assert media_files(private_root) == set()


def test_a_path_too_long_as_a_whole_is_refused(h5p_bytes):
    deep = "content/" + "/".join(["thu-muc-" + "x" * 100] * 9) + "/a.png"  # every name fits, the path not

    assert rejected(rebuild(h5p_bytes, add=[(deep, b"\x89PNG")])).codes == ["path_too_long"]


def test_a_long_library_file_name_counts_the_library_folder(h5p_bytes):
    name = "H5P.Question-1.4/images/" + "b" * 252 + ".svg"  # 256 bytes as a name on its own

    assert "path_too_long" in rejected(rebuild(h5p_bytes, add=[(name, b"<svg/>")])).codes


def test_the_longest_name_that_fits_is_stored(h5p_bytes, trainer):
    name = "content/images/" + "c" * 251 + ".png"  # a 255-byte name: the limit

    version = store(rebuild(h5p_bytes, add=[(name, b"\x89PNG")]), user=trainer)

    assert h5p_storage().exists(f"{version.storage_prefix}{name}")


def test_a_storage_failure_leaves_no_empty_folders(h5p_bytes, private_root, trainer, monkeypatch):
    real_save = type(h5p_storage()).save
    calls = []

    def save(self, name, content, max_length=None):
        calls.append(name)
        if len(calls) == 5:
            raise OSError(36, "File name too long")
        return real_save(self, name, content, max_length=max_length)

    monkeypatch.setattr(type(h5p_storage()), "save", save)

    with pytest.raises(OSError):
        store(h5p_bytes, user=trainer)

    assert len(calls) == 5
    assert list(Path(private_root).rglob("*")) == []


# --- Bad input ----------------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_rejected():
    error = rejected(b"%PDF-1.7\n" + b"x" * 500)

    assert error.codes == ["not_zip"]


def test_an_empty_file_is_rejected():
    assert rejected(b"").codes == ["empty"]


def test_a_huge_file_is_rejected_before_the_zip_is_opened(h5p_bytes, settings, monkeypatch):
    settings.H5P_MAX_UPLOAD_BYTES = 10_000

    def must_not_open(*args, **kwargs):
        raise AssertionError("the zip was opened")

    monkeypatch.setattr(validation.zipfile, "ZipFile", must_not_open)

    error = rejected(h5p_bytes)

    assert error.codes == ["too_large"]


def test_a_zip_without_h5p_content_is_rejected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    assert set(rejected(out.getvalue()).codes) == {"no_h5p_json", "no_content_json"}


def test_an_open_binary_file_is_accepted(h5p_fixture_path):
    with h5p_fixture_path.open("rb") as handle, package_validate(file=handle) as validated:
        assert validated.original_filename == h5p_fixture_path.name
