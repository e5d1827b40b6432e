"""Each library row names its own storage folder. Libraries stored before keep the fixed folder they were
written to (h5p/libraries/<Machine>-<major>.<minor>/); new ones get a folder unique to their upload."""

from django.db import migrations, models


def existing_folders(apps, schema_editor):
    Library = apps.get_model("h5p", "Library")
    for library in Library.objects.all():
        library.storage_prefix = (
            f"h5p/libraries/{library.machine_name}-{library.major_version}.{library.minor_version}/"
        )
        library.save(update_fields=["storage_prefix"])


class Migration(migrations.Migration):
    dependencies = [
        ("h5p", "0002_statement_outlives_lesson"),
    ]

    operations = [
        migrations.AddField(
            model_name="library",
            name="storage_prefix",
            field=models.CharField(default="", max_length=255, verbose_name="storage folder"),
            preserve_default=False,
        ),
        migrations.RunPython(existing_folders, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="library",
            name="storage_prefix",
            field=models.CharField(max_length=255, unique=True, verbose_name="storage folder"),
        ),
    ]
