"""The audit log cannot be emptied either: TRUNCATE fires no row trigger, so 0003's guard against UPDATE and
DELETE let it through. A statement-level trigger refuses it, for every role, the tables' owner included (only
an owner who first disables the trigger could; the portal's own role owns nothing, see portal/database_grants.py).
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER portal_auditevent_refuses_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_auditevent_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS portal_auditevent_refuses_truncate ON portal_auditevent;"


def create(apps, schema_editor):
    # The function of 0003 raises "the audit log is append-only: TRUNCATE refused" (TG_OP). SQLite has no
    # TRUNCATE; development there relies on the model.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_outage_notices")]

    operations = [migrations.RunPython(create, drop)]
