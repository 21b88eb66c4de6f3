"""People's names sort as a reader of Spanish or English expects ("Ávila" with the A's, not after "Willis"):
the ICU collation portal.collation.NAMES_COLLATION, created here on PostgreSQL (SQLite registers a collation of
the same name on each connection), and the user's names declared with it. Changing a column's collation
rebuilds the indexes on it with the new one, so they keep serving ORDER BY on the name."""

from django.db import migrations

import portal.fields
from portal.collation import NAMES_COLLATION, NAMES_COLLATION_LOCALE


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE COLLATION IF NOT EXISTS "{NAMES_COLLATION}" '
            f"(provider = icu, locale = '{NAMES_COLLATION_LOCALE}', deterministic = true)"
        )


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{NAMES_COLLATION}"')


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_audit_log_numbers_its_own_rows")]

    operations = [
        migrations.RunPython(create_collation, drop_collation, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="first_name",
            field=portal.fields.PersonNameField(blank=True, max_length=150, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="user",
            name="last_name",
            field=portal.fields.PersonNameField(blank=True, max_length=150, verbose_name="last name"),
        ),
    ]
