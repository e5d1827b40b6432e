"""Builders for H5P records: without files (for results and completion), or stored from a real package
through the real upload code."""

import io
import itertools
import json
import os
import uuid
import zipfile
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.h5p.libraries import library_approve
from lms.h5p.models import Activity, ContentVersion, Library
from lms.h5p.packages import package_store, package_validate
from tests.builders import UserFactory

_counter = itertools.count(1)


def make_activity(title: str = "Đúng hay sai?") -> Activity:
    library, _ = Library.objects.get_or_create(
        machine_name="H5P.TrueFalse",
        major_version=1,
        minor_version=6,
        content_hash="",
        defaults={"runnable": True},
    )
    activity = Activity.objects.create(title=title)
    version = ContentVersion.objects.create(
        activity=activity,
        number=1,
        main_library=library,
        h5p_json={"title": title, "mainLibrary": "H5P.TrueFalse"},
        storage_prefix=f"h5p/content/test-{next(_counter)}/",
    )
    version.libraries.add(library)
    activity.current_version = version
    activity.save(update_fields=["current_version"])
    return activity


def h5p_block(activity: Activity, *, rule: str = "completed", min_score: int | None = None) -> str:
    value = {"activity": activity.pk, "rule": rule, "min_score": min_score, "intro": ""}
    return json.dumps([{"type": "h5p", "value": value}])


def statement(
    *,
    verb: str = "answered",
    raw: float | None = 1,
    max_score: float | None = 1,
    success: bool | None = True,
    child: bool = False,
    statement_id: str | None = None,
) -> dict:
    """An xAPI statement shaped like the ones H5P.TrueFalse sends, with the id the lesson page adds."""
    data = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": {"name": "Học viên", "mbox": "mailto:hocvien@example.org", "objectType": "Agent"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {
            "id": "http://localhost/h5p/content/1" + ("?subContentId=abc" if child else ""),
            "objectType": "Activity",
            "definition": {"extensions": {"http://h5p.org/x-api/h5p-local-content-id": 1}},
        },
        "context": {
            "contextActivities": {"category": [{"id": "http://h5p.org/libraries/H5P.TrueFalse-1.6"}]}
        },
    }
    if child:
        data["context"]["contextActivities"]["parent"] = [{"id": "http://localhost/h5p/content/1"}]
    if raw is not None or success is not None:
        data["result"] = {"duration": "PT3.5S", "completion": True}
        if raw is not None:
            data["result"]["score"] = {"min": 0, "max": max_score, "raw": raw, "scaled": raw / max_score}
        if success is not None:
            data["result"]["success"] = success
    return data


def store_package(data: bytes, *, title: str = "Đúng hay sai?", user=None) -> ContentVersion:
    """A stored content version of a package, through the real upload code."""
    user = user or UserFactory(username="nguoi_tai_len", is_staff=True)
    with package_validate(
        file=SimpleUploadedFile("bai-tap.h5p", data, content_type="application/zip")
    ) as validated:
        return package_store(validated=validated, user=user, title=title)


# Appended to H5P.Question's main script: every answer reported as passed with full marks.
DOCTORED_QUESTION_JS = b"""
;(function () {
  var original = H5P.Question.prototype.triggerXAPIScored;
  H5P.Question.prototype.triggerXAPIScored = function (score, maxScore, verb) {
    return original.call(this, maxScore, maxScore, verb);
  };
})();
"""


def replace_entries(original: bytes, replace: dict[str, bytes]) -> bytes:
    """A copy of a package with some entries' bytes replaced (names and everything else unchanged)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = replace.get(info.filename)
            target.writestr(info, source.read(info) if data is None else data)
    return out.getvalue()


def doctored_question(original: bytes, *, path: str = "H5P.Question-1.4/scripts/question.js") -> bytes:
    """The real package whose shared library H5P.Question 1.4 reports every answer as passed."""
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        script = source.read(path)
    return replace_entries(original, {path: script + DOCTORED_QUESTION_JS})


def content_only(original: bytes) -> bytes:
    """The real package without its libraries: it relies on the platform's approved copies."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == "h5p.json" or info.filename.startswith("content/"):
                target.writestr(info, source.read(info))
    return out.getvalue()


def approve_all(*, user=None) -> None:
    """An administrator approves every library stored so far (the platform's reviewed set)."""
    user = user or UserFactory(username=f"quan_tri_{next(_counter)}", is_staff=True, is_superuser=True)
    for library in Library.objects.filter(approved_at__isnull=True):
        library_approve(library=library, user=user)


def assert_player_assets_installed() -> None:
    for name in ("main.bundle.js", "frame.bundle.js", "styles/h5p.css"):
        assert finders.find(f"vendor/h5p-standalone/{name}"), (
            f"h5p-standalone's dist/{name} is not in the static files: run scripts/bootstrap "
            "(it runs `npm ci --ignore-scripts`) so that node_modules/h5p-standalone exists."
        )


def h5p_fixture_missing(reason: str):
    """A real H5P package the test needs is not on this machine: the test skips on a person's own machine
    and fails where the fixtures must be (CI sets REQUIRE_H5P_FIXTURE=1)."""
    if os.environ.get("REQUIRE_H5P_FIXTURE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def thirdparty_dir() -> Path:
    """The real packages made by others (../shared/fixtures/h5p/thirdparty/, see its README.md)."""
    default = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "h5p" / "thirdparty"
    return Path(os.environ.get("SMARTWARD_H5P_THIRDPARTY") or default)


def thirdparty_path(name: str) -> Path:
    """One package of thirdparty_dir(); missing: h5p_fixture_missing."""
    path = thirdparty_dir() / name
    if not path.is_file():
        h5p_fixture_missing(f"The third-party H5P package is missing at {path} (SMARTWARD_H5P_THIRDPARTY).")
    return path


def make_typed_activity(machine_name: str, version: str, *, title: str = "Hoạt động") -> Activity:
    """An activity (no files) whose current version is `machine_name` `major.minor`, as h5p.json says."""
    activity = Activity.objects.create(title=title)
    version_add(activity, machine_name, version)
    return activity


def version_add(activity: Activity, machine_name: str, version: str) -> ContentVersion:
    """A new current version of an activity (an upload replacing the content), of any content type."""
    major, minor = (int(part) for part in version.split("."))
    library, _ = Library.objects.get_or_create(
        machine_name=machine_name,
        major_version=major,
        minor_version=minor,
        content_hash="",
        defaults={"runnable": True},
    )
    number = activity.versions.count() + 1
    content_version = ContentVersion.objects.create(
        activity=activity,
        number=number,
        main_library=library,
        h5p_json={
            "title": activity.title,
            "mainLibrary": machine_name,
            "preloadedDependencies": [
                {"machineName": machine_name, "majorVersion": str(major), "minorVersion": str(minor)}
            ],
        },
        storage_prefix=f"h5p/content/test-{next(_counter)}/",
    )
    content_version.libraries.add(library)
    activity.current_version = content_version
    activity.save(update_fields=["current_version"])
    return content_version
