from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission

from lms.people import roles
from lms.people.services import roles_sync
from tests.builders import UserFactory


def test_roles_sync_is_idempotent(db):
    roles_sync()
    counts = (Group.objects.count(), GroupPagePermission.objects.count())

    roles_sync()

    assert (Group.objects.count(), GroupPagePermission.objects.count()) == counts
    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.LEARNER,
        roles.TRAINER,
        roles.HR_MANAGER,
        roles.ADMINISTRATOR,
    }


def test_trainer_edits_pages_but_publishes_only_through_review(db, catalogue):
    groups = roles_sync()
    trainer = UserFactory(username="giangvien_test")
    trainer.groups.add(groups[roles.TRAINER])

    permissions = catalogue.permissions_for_user(trainer)

    assert trainer.has_perm("wagtailadmin.access_admin")
    assert permissions.can_add_subpage()
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_learner_has_no_admin_access(db):
    groups = roles_sync()
    learner = UserFactory(username="hocvien_quyen")
    learner.groups.add(groups[roles.LEARNER])

    assert not learner.has_perm("wagtailadmin.access_admin")


def test_learner_is_refused_by_the_admin(client, db):
    groups = roles_sync()
    learner = UserFactory(username="hocvien_admin")
    learner.groups.add(groups[roles.LEARNER])
    client.force_login(learner)

    response = client.get("/admin/")

    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")


def test_administrator_can_publish(db, catalogue):
    groups = roles_sync()
    admin = UserFactory(username="quantri_quyen")
    admin.groups.add(groups[roles.ADMINISTRATOR])

    assert catalogue.permissions_for_user(admin).can_publish()
