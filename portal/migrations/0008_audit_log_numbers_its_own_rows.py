"""The audit log numbers its own rows: whatever id an INSERT names is replaced by the next of the table's own
sequence, so a role that may only append cannot plant rows at the ids the portal will use next (which would make
every audited action fail on a duplicate key until the sequence passed them)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION portal_auditevent_numbered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.id := nextval(pg_get_serial_sequence('portal_auditevent', 'id'));
    RETURN NEW;
END;
$$;
CREATE TRIGGER portal_auditevent_numbered
    BEFORE INSERT ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_auditevent_numbered();
"""

DROP = """
DROP TRIGGER IF EXISTS portal_auditevent_numbered ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_auditevent_numbered();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_sign_in_gates_and_pending_attempts")]

    operations = [migrations.RunPython(create, drop)]
