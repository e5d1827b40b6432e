"""One duty per (person, course, cycle): every obligation's assignment becomes a source, and the rows a
person held for one course under several assignments are merged into one duty per cycle. Each merge is
printed (and listed beforehand by `manage.py compliance_duties_report`)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from lms.compliance import merging


def merge(apps, schema_editor):
    Obligation = apps.get_model("compliance", "Obligation")
    ObligationSource = apps.get_model("compliance", "ObligationSource")
    Reminder = apps.get_model("reminders", "Reminder")
    merging.sources_fill(Obligation, ObligationSource)
    merged = merging.merge_duplicates(Obligation=Obligation, ObligationSource=ObligationSource, Reminder=Reminder)
    if merged:
        print(f"compliance: merged {merged} duplicate obligations into one duty per person, course and cycle")


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0002_hr_permissions'),
        ('compliance', '0004_hr_permissions'),
        ('people', '0004_hr_permissions'),
        ('reminders', '0004_hr_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ObligationSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reached the person at')),
                ('due_at', models.DateTimeField(verbose_name='due at')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                ('closed_reason', models.CharField(blank=True, choices=[('withdrawn', 'Assignment withdrawn'), ('left', 'No longer in the assigned group'), ('deactivated', 'Account deactivated')], max_length=20, verbose_name='closed because')),
            ],
            options={
                'verbose_name': 'source of an obligation',
                'verbose_name_plural': 'sources of obligations',
            },
        ),
        migrations.RemoveConstraint(
            model_name='obligation',
            name='obligation_once_per_cycle',
        ),
        migrations.RemoveConstraint(
            model_name='obligation',
            name='obligation_one_current',
        ),
        migrations.AlterField(
            model_name='obligation',
            name='assignment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='obligations', to='compliance.assignment', verbose_name='governing assignment'),
        ),
        migrations.AddField(
            model_name='obligationsource',
            name='assignment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sources', to='compliance.assignment', verbose_name='assignment'),
        ),
        migrations.AddField(
            model_name='obligationsource',
            name='obligation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sources', to='compliance.obligation', verbose_name='obligation'),
        ),
        migrations.AddIndex(
            model_name='obligationsource',
            index=models.Index(fields=['assignment', 'obligation'], name='obligation_source_assignment'),
        ),
        migrations.AddConstraint(
            model_name='obligationsource',
            constraint=models.UniqueConstraint(fields=('obligation', 'assignment'), name='obligation_source_once'),
        ),
        migrations.AddConstraint(
            model_name='obligationsource',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('closed_reason', '')), models.Q(('closed_at__isnull', False), models.Q(('closed_reason', ''), _negated=True)), _connector='OR'), name='obligation_source_closed_with_reason'),
        ),
        migrations.RunPython(merge, migrations.RunPython.noop),
    ]
