"""A library row is a version *and its content*: several rows of one version may exist (a package that
brings other bytes for it keeps its own), at most one of them approved for every activity. Libraries
stored before were already serving every activity: they are recorded as approved (on the day they were
stored), and their content hash is computed from their files by `manage.py move_private_files`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def approve_existing(apps, schema_editor):
    Library = apps.get_model("h5p", "Library")
    Library.objects.filter(approved_at__isnull=True).update(approved_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0003_library_storage_prefix"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="library",
            options={
                "ordering": ["machine_name", "major_version", "minor_version", "-approved_at", "created_at"],
                "permissions": [("approve_library", "Can approve H5P libraries for every activity")],
                "verbose_name": "H5P library",
                "verbose_name_plural": "H5P libraries",
            },
        ),
        migrations.RemoveConstraint(
            model_name="library",
            name="h5p_library_one_per_version",
        ),
        migrations.AddField(
            model_name="library",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="approved at"),
        ),
        migrations.AddField(
            model_name="library",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="approved by",
            ),
        ),
        migrations.AddField(
            model_name="library",
            name="content_hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="content hash"),
        ),
        migrations.AddField(
            model_name="library",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
        migrations.RunPython(approve_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="library",
            constraint=models.UniqueConstraint(
                fields=("machine_name", "major_version", "minor_version", "content_hash"),
                name="h5p_library_one_per_content",
            ),
        ),
        migrations.AddConstraint(
            model_name="library",
            constraint=models.UniqueConstraint(
                condition=models.Q(("approved_at__isnull", False)),
                fields=("machine_name", "major_version", "minor_version"),
                name="h5p_library_one_approved_per_version",
            ),
        ),
    ]
