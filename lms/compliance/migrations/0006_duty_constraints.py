"""The constraints of one duty per (person, course, cycle), once 0005 merged the duplicates (a migration of
its own: PostgreSQL alters no table with the merge's deferred checks still pending in the transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0005_duty_per_person_course"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.UniqueConstraint(fields=('user', 'course', 'cycle'), name='obligation_duty_per_cycle'),
        ),
        migrations.AddConstraint(
            model_name='obligation',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('user', 'course'), name='obligation_duty_current'),
        ),
    ]
