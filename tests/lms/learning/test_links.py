"""The "My learning" page shows the links other apps register, and `learning` names none of those apps."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from lms.learning import links

ROOT = Path(__file__).resolve().parents[3]
# Apps that depend on learning: learning must not name them, not even in a template's {% url %}.
DEPENDENTS = re.compile(r"compliance|certificate|reminders", re.IGNORECASE)


@pytest.mark.django_db
def test_my_learning_shows_the_mandatory_training_link_under_the_title(learner_client):
    html = learner_client.get(reverse("learning:my_learning")).content.decode()

    top, _rest = html.split("Đang học</h2>")
    assert '<a href="/bat-buoc/" id="my-mandatory-training-link">Đào tạo bắt buộc của tôi</a>' in top


@pytest.mark.django_db
def test_my_learning_shows_the_certificates_link_with_the_completed_courses(learner_client):
    html = learner_client.get(reverse("learning:my_learning")).content.decode()

    in_progress, completed = html.split("Đã hoàn thành</h2>")
    link = f'<a href="{reverse("certificates:mine")}" id="my-certificates-link">Giấy chứng nhận của tôi</a>'
    assert link in completed
    assert "my-certificates-link" not in in_progress


def test_learning_code_and_templates_name_no_app_that_depends_on_it():
    files = [*(ROOT / "lms" / "learning").rglob("*.py"), *(ROOT / "templates" / "learning").rglob("*.html")]
    named = {
        f"{path.relative_to(ROOT)}:{number}": line.strip()
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DEPENDENTS.search(line)
    }

    assert len(files) > 10
    assert named == {}


def test_a_link_registered_again_replaces_the_first(monkeypatch):
    monkeypatch.setattr(links, "_links", {})
    links.my_learning_link_register(place=links.TOP, url_name="home", label="A", html_id="one")
    links.my_learning_link_register(place=links.COMPLETED, url_name="home", label="B", html_id="one")
    links.my_learning_link_register(place=links.COMPLETED, url_name="home", label="C", html_id="two")

    placed = links.my_learning_links()
    assert placed[links.TOP] == []
    assert [link.label for link in placed[links.COMPLETED]] == ["B", "C"]


def test_a_link_for_an_unknown_place_is_refused(monkeypatch):
    monkeypatch.setattr(links, "_links", {})
    with pytest.raises(ValueError):
        links.my_learning_link_register(place="sidebar", url_name="home", label="A", html_id="one")
    assert links._links == {}


@pytest.mark.django_db
def test_a_completed_course_card_links_to_its_certificate(learner_client, learner, catalogue):
    from lms.certificates.models import Certificate
    from lms.learning import services
    from tests.builders import after_commit, lessons_of, make_course

    course = make_course(catalogue, title="Khóa đã xong", modules=1, lessons_per_module=1)
    services.enrolment_create(user=learner, course=course)
    with after_commit():  # the certificate is issued after the completion's commit
        services.progress_record(user=learner, lesson=lessons_of(course)[0], source="manual")
    certificate = Certificate.objects.get(user=learner, course_id=course.pk)

    html = learner_client.get(reverse("learning:my_learning")).content.decode()

    _in_progress, completed = html.split("Đã hoàn thành</h2>")
    url = reverse("certificates:download", args=[certificate.code])
    assert f'<a class="button certificate-link" href="{url}">Giấy chứng nhận (PDF)</a>' in completed

    # Revoked, it is no longer offered.
    revoked = {"revoked_at": certificate.completed_at, "revoke_reason": "Cấp nhầm."}
    Certificate.objects.filter(pk=certificate.pk).update(**revoked)
    assert url not in learner_client.get(reverse("learning:my_learning")).content.decode()
