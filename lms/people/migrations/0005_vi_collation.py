"""The ICU collation "vi-x-icu" for names in Vietnamese dictionary order (lms/collation.py).

PostgreSQL built with ICU (the usual packages) knows it already after initdb; a database created without
ICU collations imported gets it here. SQLite has a collation of that name registered per connection."""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu') THEN
        CREATE COLLATION "vi-x-icu" (provider = icu, locale = 'vi');
    END IF;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_hr_permissions")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=True)]
