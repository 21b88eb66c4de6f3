"""Tables whose rows are kept as written (consent records, chat messages, messages with the service center): a
migration makes PostgreSQL refuse to change, delete or empty them, for every role, the tables' owner included (only
an owner who first disables the triggers could; the portal's role owns nothing and is granted only SELECT and INSERT
on them, portal/database_grants.py). SQLite, in development, relies on the model (portal.models.AppendOnly).

The audit log's own triggers came first (portal/migrations/0003 and 0005) and keep their names."""

from django.db import migrations


def keep_sql(table: str, what: str) -> str:
    """The function and the two triggers that keep `table`'s rows; `what` names them in the refusal."""
    return f"""
CREATE OR REPLACE FUNCTION {table}_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{what} are kept as written: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_kept
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_kept();
CREATE TRIGGER {table}_refuses_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_kept();
"""


def unkeep_sql(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_refuses_truncate ON {table};
DROP TRIGGER IF EXISTS {table}_kept ON {table};
DROP FUNCTION IF EXISTS {table}_kept();
"""


def keep(schema_editor, table: str, what: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(keep_sql(table, what), params=None)


def unkeep(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(unkeep_sql(table), params=None)


def kept_as_written(table: str, what: str) -> migrations.RunPython:
    """The migration operation that keeps `table`'s rows as written (and, reversed, stops)."""
    return migrations.RunPython(
        lambda apps, schema_editor: keep(schema_editor, table, what),
        lambda apps, schema_editor: unkeep(schema_editor, table),
    )
