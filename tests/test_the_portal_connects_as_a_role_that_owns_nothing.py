"""The portal connects to PostgreSQL as a role that is no superuser and owns nothing (no table, function or
database: what it does not own it cannot ALTER), and `migrate`, run as the owner, grants it reading and writing
on every table and, on the audit log, only reading and appending, and the owner's ANALYZE
(portal/database_grants.py)."""

import pytest
from django.conf import settings
from django.db import connection

from portal.models import AuditEvent

from .database_roles import OWNER, credentials

pytestmark = pytest.mark.django_db

EVERY_PRIVILEGE = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
READ_AND_WRITE = {"SELECT", "INSERT", "UPDATE", "DELETE"}


def query(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_portal_connects_as_a_role_that_is_no_superuser_and_owns_nothing():
    ((role, superuser, creates_roles, creates_databases, bypasses_row_security),) = query(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    owner, _password = credentials(OWNER)
    assert role == settings.DATABASE_APP_ROLE and role != owner
    assert (superuser, creates_roles, creates_databases, bypasses_row_security) == (False, False, False, False)
    owned = query(
        "SELECT 'relation', relname FROM pg_class WHERE pg_has_role(relowner, 'USAGE')"
        " UNION ALL SELECT 'function', proname FROM pg_proc WHERE pg_has_role(proowner, 'USAGE')"
        " UNION ALL SELECT 'schema', nspname FROM pg_namespace WHERE pg_has_role(nspowner, 'USAGE')"
        " UNION ALL SELECT 'database', datname FROM pg_database WHERE pg_has_role(datdba, 'USAGE')"
    )
    assert owned == []
    tables = {
        row[0]: row[1] for row in query("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")
    }
    assert AuditEvent._meta.db_table in tables and set(tables.values()) == {owner}, "the owner owns every table"


def privileges(table: str) -> set[str]:
    return {name for name in EVERY_PRIVILEGE if query("SELECT has_table_privilege(%s, %s)", [table, name])[0][0]}


def test_migrate_grants_every_table_but_on_the_audit_log_only_reading_and_appending():
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    granted = {table: privileges(table) for table in tables}
    audit_log = AuditEvent._meta.db_table
    assert granted.pop(audit_log) == {"SELECT", "INSERT"}
    assert granted.pop("delegations_consent") == {"SELECT", "INSERT"}, "consent records are kept as written too"
    assert granted.pop("securemailbox_threadmessage") == {"SELECT", "INSERT"}, "messages with the service center too"
    assert granted.pop("servicecenter_chatmessage") == {"SELECT", "INSERT"}, "and Online Chat's messages"
    assert len(granted) > 20, "every table of every app"
    assert {table: held for table, held in granted.items() if held != READ_AND_WRITE} == {}
    ((can_rewind_the_audit_log, can_read_its_sequence),) = query(
        "SELECT has_sequence_privilege(pg_get_serial_sequence(%s, 'id'), 'UPDATE'),"
        " has_sequence_privilege(pg_get_serial_sequence(%s, 'id'), 'SELECT')",
        [audit_log, audit_log],
    )
    assert (can_rewind_the_audit_log, can_read_its_sequence) == (False, True)


def test_the_portals_role_may_refresh_the_planners_statistics_through_the_owner_and_nobody_else_may():
    # ANALYZE is the owner's; seed_demo calls this after loading, as the portal's role (migration 0006).
    query("SELECT portal_refresh_statistics()")
    ((public_may,),) = query("SELECT has_function_privilege('public', 'portal_refresh_statistics()', 'EXECUTE')")
    assert public_may is False
