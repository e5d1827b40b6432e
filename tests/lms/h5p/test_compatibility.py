"""Every real package made by others (../shared/fixtures/h5p/thirdparty/) is uploaded through the real
service, stored, and found in the compatibility table with the behaviour recorded for it; a content type
the table does not know gets the default and is flagged."""

import io
import json
import zipfile
from decimal import Decimal

import pytest

from lms.h5p import compatibility
from lms.h5p.compatibility import RULE_COMPLETED, RULE_PASSED, RULE_SCALED, RULE_VIEWED
from lms.h5p.models import ContentVersion
from lms.h5p.storage import h5p_storage
from tests.h5p_builders import h5p_fixture_missing, store_package, thirdparty_dir, thirdparty_path

from .conftest import rebuild

pytestmark = pytest.mark.django_db

ALL = (RULE_COMPLETED, RULE_PASSED, RULE_SCALED, RULE_VIEWED)
COMPLETED_SCORE_NO_SUCCESS = {"reports": {"completed", "score"}, "rules": ALL}
ANSWERED_SCORE_NO_SUCCESS = {"reports": {"answered", "score"}, "rules": ALL}
ANSWERED_FULL = {"reports": {"answered", "score", "success"}, "rules": ALL}
COMPLETED_FULL = {"reports": {"completed", "score", "success"}, "rules": ALL}
NOTHING = {"reports": set(), "rules": (RULE_VIEWED,)}

# What each package does in h5p-standalone 3.8 (its README.md), as the table must record it.
PACKAGES = {
    "H5P.Accordion.h5p": ("H5P.Accordion", "1.0", NOTHING),
    "H5P.Blanks.h5p": ("H5P.Blanks", "1.12", ANSWERED_SCORE_NO_SUCCESS),
    "H5P.CoursePresentation.h5p": ("H5P.CoursePresentation", "1.22", COMPLETED_SCORE_NO_SUCCESS),
    "H5P.Dialogcards.h5p": ("H5P.Dialogcards", "1.8", NOTHING),
    "H5P.DragQuestion.h5p": ("H5P.DragQuestion", "1.13", ANSWERED_FULL),
    "H5P.DragText.h5p": ("H5P.DragText", "1.8", ANSWERED_SCORE_NO_SUCCESS),
    "H5P.Essay.h5p": ("H5P.Essay", "1.2", ANSWERED_FULL),
    "H5P.ImageHotspots.h5p": ("H5P.ImageHotspots", "1.9", NOTHING),
    "H5P.InteractiveVideo.h5p": ("H5P.InteractiveVideo", "1.22", COMPLETED_SCORE_NO_SUCCESS),
    "H5P.MarkTheWords.h5p": ("H5P.MarkTheWords", "1.9", ANSWERED_FULL),
    "H5P.MultiChoice.h5p": ("H5P.MultiChoice", "1.14", ANSWERED_FULL),
    "H5P.QuestionSet.h5p": (
        "H5P.QuestionSet",
        "1.17",
        {"reports": {"completed", "score", "success"}, "rules": ALL},
    ),
    "H5P.SingleChoiceSet.h5p": ("H5P.SingleChoiceSet", "1.11", ANSWERED_FULL),
    "questionset-with-mathdisplay.h5p": ("H5P.QuestionSet", "1.20", COMPLETED_FULL),
}
# The package's own pass mark, where its content type keeps one (content.json), else the default.
PASS_MARKS = {
    "H5P.Essay.h5p": Decimal("0.5"),
    "H5P.MultiChoice.h5p": Decimal("1"),
    "H5P.QuestionSet.h5p": Decimal("0.5"),
    "H5P.SingleChoiceSet.h5p": Decimal("1"),
    "questionset-with-mathdisplay.h5p": Decimal("0.5"),
}


def package(name: str) -> bytes:
    return thirdparty_path(name).read_bytes()


def test_every_package_of_the_folder_is_in_this_test():
    folder = thirdparty_dir()
    if not folder.is_dir():
        h5p_fixture_missing(
            f"The third-party H5P packages are missing at {folder} (SMARTWARD_H5P_THIRDPARTY)"
        )
    assert {p.name for p in folder.glob("*.h5p")} == set(PACKAGES)


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_a_real_package_is_stored_and_its_behaviour_is_in_the_table(name):
    machine_name, version_label, expected = PACKAGES[name]

    version = store_package(package(name), title=name)

    stored = ContentVersion.objects.select_related("main_library").get(pk=version.pk)
    main = stored.main_library
    assert (main.machine_name, f"{main.major_version}.{main.minor_version}") == (machine_name, version_label)
    assert h5p_storage().exists(f"{stored.storage_prefix}content/content.json")
    behaviour = compatibility.behaviour_of_version(stored)
    assert behaviour.known, f"{machine_name} {version_label} has no row in the compatibility table"
    assert version_label in behaviour.checked
    assert set(behaviour.reports) == expected["reports"]
    assert behaviour.rules == expected["rules"]
    with h5p_storage().open(f"{stored.storage_prefix}content/content.json") as handle:
        content = json.load(handle)
    assert compatibility.pass_mark(behaviour, content) == PASS_MARKS.get(name, Decimal("1"))


def test_types_that_send_a_score_without_success_have_pass_decided_from_the_score():
    for name in ("H5P.Blanks", "H5P.DragText", "H5P.CoursePresentation", "H5P.InteractiveVideo"):
        behaviour = compatibility.behaviour_of(name, 1)
        assert behaviour.infers_success and RULE_PASSED in behaviour.rules


def test_types_that_report_nothing_default_to_viewed():
    for name in ("H5P.Accordion", "H5P.Dialogcards", "H5P.ImageHotspots"):
        behaviour = compatibility.behaviour_of(name, 1)
        assert behaviour.rules == (RULE_VIEWED,) and behaviour.default_rule == RULE_VIEWED


def claiming_major_two(original: bytes) -> bytes:
    """The Accordion package relabelled as H5P.Accordion 2.0, a version the table has no row for."""
    renamed = {}
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        h5p_json = json.loads(source.read("h5p.json"))
        library_json = json.loads(source.read("H5P.Accordion-1.0/library.json"))
        names = [n for n in source.namelist() if n.startswith("H5P.Accordion-1.0/")]
        for n in names:
            renamed[n.replace("H5P.Accordion-1.0/", "H5P.Accordion-2.0/", 1)] = source.read(n)
    for dependency in h5p_json["preloadedDependencies"]:
        if dependency["machineName"] == "H5P.Accordion":
            dependency["majorVersion"] = 2
            dependency["minorVersion"] = 0
    library_json["majorVersion"] = 2
    library_json["minorVersion"] = 0
    renamed["H5P.Accordion-2.0/library.json"] = json.dumps(library_json).encode()
    return rebuild(
        original,
        keep=lambda name: not name.startswith("H5P.Accordion-1.0/"),
        replace={"h5p.json": json.dumps(h5p_json).encode()},
        add=list(renamed.items()),
    )


def test_a_content_type_version_without_a_row_gets_the_default_and_is_flagged():
    version = store_package(claiming_major_two(package("H5P.Accordion.h5p")), title="Accordion 2")

    behaviour = compatibility.behaviour_of_version(version)

    assert version.main_library.major_version == 2
    assert not behaviour.known
    assert behaviour.rules == (RULE_VIEWED, RULE_COMPLETED)
    assert behaviour.default_rule == RULE_VIEWED
    assert compatibility.pass_mark(behaviour, {"behaviour": {"passPercentage": 60}}) == Decimal("0.6")
    assert compatibility.pass_mark(behaviour, {}) == Decimal("1")
