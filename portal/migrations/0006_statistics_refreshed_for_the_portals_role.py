"""The planner's statistics, refreshed for the portal's role. ANALYZE is for a table's owner (PostgreSQL 17's
MAINTAIN privilege is not ours yet), and the portal's role owns nothing: after loading many rows (`seed_demo`)
it calls this function, which runs ANALYZE as its owner, the tables' owner, and does nothing else. Only that role
may call it (portal/database_grants.py), not PUBLIC."""

from django.db import migrations

CREATE = """
CREATE FUNCTION portal_refresh_statistics() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ BEGIN ANALYZE; END; $$;
REVOKE ALL ON FUNCTION portal_refresh_statistics() FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS portal_refresh_statistics();"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_audit_log_refuses_truncate")]

    operations = [migrations.RunPython(create, drop)]
