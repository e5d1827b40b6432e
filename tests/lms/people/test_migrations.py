"""The migration that makes usernames and emails unique ignoring case stops on existing clashes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("people", "0002_organisation")]
AFTER = [("people", "0003_accounts_unique_ci_and_email_change")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_migration_lists_accounts_sharing_a_username_or_an_email_and_changes_nothing():
    executor = _migrate(BEFORE)
    try:
        User = executor.loader.project_state(BEFORE).apps.get_model("people", "User")
        User.objects.create(username="BT-004", email="chung@phuong.example", password="!")
        User.objects.create(username="bt-004", email="khac@phuong.example", password="!")
        User.objects.create(username="CB-9", email="Chung@Phuong.example", password="!")
        User.objects.create(username="CB-10", email="", password="!")
        User.objects.create(username="CB-11", email="", password="!")

        with pytest.raises(RuntimeError) as stopped:
            _migrate(AFTER)

        message = str(stopped.value)
        assert "username 'bt-004'" in message and "'BT-004'" in message
        assert "email 'chung@phuong.example'" in message and "'CB-9'" in message
        assert "CB-10" not in message  # empty emails do not clash
        assert "/django-admin/people/user/" in message
        User.objects.filter(username__in=["bt-004", "CB-9"]).delete()
    finally:
        User.objects.all().delete()
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
