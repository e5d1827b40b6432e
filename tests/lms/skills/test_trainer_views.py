"""A trainer rates the learners of the courses they train, in the competences linked to the course."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lms.audit.models import AuditEntry
from lms.learning.services import enrolment_create
from lms.people import roles
from lms.skills.models import Evidence, PersonLevel, Rating
from tests.builders import client_for, lessons_of, make_catalogue, make_course
from tests.org_builders import make_hr, make_official

pytestmark = pytest.mark.django_db

NOTE = "Hướng dẫn đồng nghiệp mã hóa hồ sơ"


@pytest.fixture
def trainer(org):
    official = make_official(org.ward_a, name="Đỗ Văn Giảng Viên")
    official.user.groups.add(Group.objects.get(name=roles.TRAINER))
    return official.user


@pytest.fixture
def course(trainer, security):
    course = make_course(make_catalogue(), title="Bảo vệ dữ liệu cá nhân")
    course.trainer = trainer
    course.save()
    Evidence.objects.create(competency=security, level=2, kind=Evidence.Kind.COURSE, page=course, label="x")
    return course


@pytest.fixture
def learner_a(org, course):
    official = make_official(org.ward_a, name="Nguyễn Thị Học Viên")
    enrolment_create(user=official.user, course=course)
    return official


def rate_url(course, user):
    return reverse("skills_learners:rate", args=[course.pk, user.pk])


def test_the_list_shows_the_learners_of_my_courses_with_the_action(org, trainer, course, learner_a):
    other_course = make_course(make_catalogue(), title="Khóa của người khác")
    stranger = make_official(org.ward_a, name="Phan Văn Người Lạ")
    enrolment_create(user=stranger.user, course=other_course)
    enrolment_create(user=trainer, course=course)

    page = client_for(trainer).get(reverse("skills_learners:index"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Thị Học Viên" in text and rate_url(course, learner_a.user) in text
    assert "Đánh giá kỹ năng" in text
    assert "Phan Văn Người Lạ" not in text
    assert rate_url(course, trainer) not in text  # nobody rates themselves


def test_a_trainer_rates_a_learner_of_their_course(org, trainer, course, learner_a, security):
    client = client_for(trainer)
    url = rate_url(course, learner_a.user)
    form = client.get(url)
    assert form.status_code == 200
    assert "Bảo vệ dữ liệu cá nhân" in form.content.decode()

    response = client.post(url, {"competency": security.pk, "level": 3, "note": NOTE})

    assert response.status_code == 302 and response["Location"] == reverse("skills_learners:index")
    rating = Rating.objects.get()
    assert (rating.rated_by, rating.rated_as, rating.course_id) == (trainer, "trainer", course.pk)
    assert PersonLevel.objects.get(user=learner_a.user, competency=security).level == 3
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SKILL_RATE)
    assert (entry.actor, entry.unit_path) == (trainer, org.ward_a.path)
    assert entry.changes["rated_as"] == "Giảng viên"
    assert (entry.changes["course"], entry.changes["note"]) == (course.title, NOTE)


def test_the_learner_sees_who_rated_as_what_with_the_note(trainer, course, learner_a, security, org):
    client_for(trainer).post(
        rate_url(course, learner_a.user), {"competency": security.pk, "level": 3, "note": NOTE}
    )
    hr = make_hr(org.ward_a)
    client_for(hr).post(
        reverse("skills_map:rate", args=[learner_a.user_id, security.pk]), {"level": 2, "note": "Đạt yêu cầu"}
    )

    text = client_for(learner_a.user).get(reverse("skills:mine")).content.decode()

    assert f"giảng viên khóa học “{course.title}”" in text and NOTE in text
    assert "Đỗ Văn Giảng Viên" in text
    assert "(cán bộ nhân sự)" in text and "Đạt yêu cầu" in text


def test_a_learner_of_another_course_is_not_found(org, trainer, course):
    other_course = make_course(make_catalogue(), title="Khóa của người khác")
    stranger = make_official(org.ward_a)
    enrolment_create(user=stranger.user, course=other_course)
    client = client_for(trainer)
    for url in (rate_url(course, stranger.user), rate_url(other_course, stranger.user)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"level": 2, "note": "x"}).status_code == 404
    assert not Rating.objects.exists()


def test_only_the_competences_linked_to_the_course_can_be_rated(trainer, course, learner_a, data_skill):
    client = client_for(trainer)
    url = rate_url(course, learner_a.user)
    assert data_skill.short_name not in client.get(url).content.decode()

    response = client.post(url, {"competency": data_skill.pk, "level": 2, "note": "x"})

    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_a_competence_linked_through_a_lesson_counts(trainer, course, learner_a, data_skill):
    lesson = lessons_of(course)[0]
    Evidence.objects.create(competency=data_skill, level=1, kind=Evidence.Kind.LESSON, page=lesson, label="y")
    response = client_for(trainer).post(
        rate_url(course, learner_a.user), {"competency": data_skill.pk, "level": 2, "note": "x"}
    )
    assert response.status_code == 302
    assert Rating.objects.get().competency == data_skill


def test_a_trainer_cannot_rate_themselves(trainer, course, security):
    enrolment_create(user=trainer, course=course)
    client = client_for(trainer)
    url = rate_url(course, trainer)
    page = client.get(url)
    assert page.status_code == 403 and "Bạn không thể tự đánh giá" in page.content.decode()
    assert client.post(url, {"competency": security.pk, "level": 4, "note": "x"}).status_code == 403
    assert not Rating.objects.exists()


def test_a_learner_or_an_hr_manager_cannot_use_the_trainers_form(org, course, learner_a, security):
    peer = make_official(org.ward_a)
    enrolment_create(user=peer.user, course=course)
    for user in (peer.user, make_hr(org.ward_a)):
        client = client_for(user)
        url = rate_url(course, learner_a.user)
        for response in (
            client.get(url),
            client.post(url, {"competency": security.pk, "level": 4, "note": "x"}),
            client.get(reverse("skills_learners:index")),
        ):
            assert response.status_code in (302, 403)
    assert not Rating.objects.exists()


def test_a_level_outside_the_competences_scale_is_a_form_error(trainer, course, learner_a, security):
    response = client_for(trainer).post(
        rate_url(course, learner_a.user), {"competency": security.pk, "level": 9, "note": "x"}
    )
    assert response.status_code == 200
    assert not Rating.objects.exists()


def test_a_course_without_linked_competences_says_so(trainer, course, learner_a):
    Evidence.objects.all().delete()
    page = client_for(trainer).get(rate_url(course, learner_a.user))
    assert page.status_code == 404 and "Chưa có năng lực nào" in page.content.decode()


def test_the_skills_menu_offers_the_list_to_a_trainer_of_a_course(trainer, course):
    assert (
        reverse("skills_learners:index")
        in client_for(trainer).get(reverse("wagtailadmin_home")).content.decode()
    )
