"""What the portal's own database role may do: granted at the end of every `migrate`, by the tables' owner.

Web, worker and beat connect as a role that owns nothing (DATABASE_APP_ROLE; `portal_app` in docker-compose and
under `make test`). Not owning the audit log, it cannot ALTER it, so it cannot disable its triggers; it is given
no TRUNCATE, UPDATE or DELETE on it (which the triggers refuse to everyone, the owner too). `migrate` connects as
the owner (DATABASE_URL naming the owner) and ends here, granting that role:

- on every table, SELECT, INSERT, UPDATE and DELETE; on every sequence, USAGE, SELECT and UPDATE (`seed_demo`
  sets sequences after writing rows with their ids);
- on the audit log and every other table kept as written (consent records), SELECT and INSERT only; and on
  the audit log's sequence no UPDATE, so it cannot be wound back (the demo sets the consent records' own);
- EXECUTE on portal_refresh_statistics(), the owner's ANALYZE (migration 0006), for after a large load.

After every migrate rather than by ALTER DEFAULT PRIVILEGES once: default privileges hold for one database and
one creating role, set by hand outside the migrations (a test database or a restored one would lack them), and
would give a new audit table the UPDATE and DELETE it must not have. Here one list, in the code, is applied to
every database `migrate` touches, new tables included.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .models import AppendOnly


def append_only_models() -> list:
    """Every model kept as written (portal.models.AppendOnly): the audit log, consent records."""
    return sorted((model for model in apps.get_models() if issubclass(model, AppendOnly)),
                  key=lambda model: model._meta.db_table)  # fmt: skip


def append_only_tables() -> list[str]:
    return [model._meta.db_table for model in append_only_models()]


def grant_the_portals_role(sender=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Grant DATABASE_APP_ROLE the portal's privileges on the database just migrated (PostgreSQL only)."""
    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, current_schema(), EXISTS (SELECT FROM pg_roles WHERE rolname = %s),"
            " to_regprocedure('portal_refresh_statistics()') IS NOT NULL",
            [role],
        )
        current_user, schema, role_exists, refresh_exists = cursor.fetchone()
        if current_user == role:
            return  # the portal's own connection (flushing a test database emits post_migrate): it owns nothing
        if not role_exists:
            raise ImproperlyConfigured(
                f"DATABASE_APP_ROLE names {role!r}, which this database server does not have: create it first "
                "(README, Running at scale)."
            )
        statements = [
            f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote(schema)} TO {quote(role)}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(role)}",
        ]
        for model in append_only_models():
            table = model._meta.db_table
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if not cursor.fetchone()[0]:
                continue  # not when migrated back to before it
            statements += [
                f"REVOKE ALL ON {quote(table)} FROM {quote(role)}",
                f"GRANT SELECT, INSERT ON {quote(table)} TO {quote(role)}",
            ]
            if model.sealed_sequence:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                statements.append(f"REVOKE UPDATE ON SEQUENCE {cursor.fetchone()[0]} FROM {quote(role)}")
        if refresh_exists:
            statements.append(f"GRANT EXECUTE ON FUNCTION portal_refresh_statistics() TO {quote(role)}")
        for statement in statements:
            cursor.execute(statement)
