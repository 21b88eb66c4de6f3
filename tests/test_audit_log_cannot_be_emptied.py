"""No one empties the audit log. The portal's database role holds no TRUNCATE, DELETE or UPDATE on it and,
owning nothing, cannot disable, drop or rewrite its triggers; TRUNCATE is refused by a trigger even to the
tables' owner. Real connections to the test PostgreSQL, as each role (tests/database_roles.py)."""

import psycopg
import pytest
from psycopg import errors

from portal import audit
from portal.models import AuditEvent

from .database_roles import OWNER, PORTAL, url
from .factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the events are committed, for the other connections to see

EMPTYING = [
    "TRUNCATE portal_auditevent",
    "TRUNCATE portal_user CASCADE",  # reaches the audit log through its foreign keys
    "DELETE FROM portal_auditevent",
    "UPDATE portal_auditevent SET action = 'auth.signed_in', actor_label = ''",
]

SILENCING = [
    "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_refuses_truncate",
    "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only",
    "ALTER TABLE portal_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER portal_auditevent_refuses_truncate ON portal_auditevent",
    "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_numbered",
    "CREATE OR REPLACE FUNCTION portal_auditevent_append_only() RETURNS trigger AS $$ BEGIN RETURN NULL; END; $$"
    " LANGUAGE plpgsql",
    "ALTER TABLE portal_auditevent OWNER TO CURRENT_USER",
    "SET session_replication_role = replica",  # the session-wide way to stop triggers firing
]


def the_log():
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "actor_label"))


def triggers(connection) -> dict[str, str]:
    rows = connection.execute(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'portal_auditevent'::regclass AND NOT tgisinternal"
    )
    return dict(rows.fetchall())


def test_the_portals_role_can_neither_truncate_nor_delete_nor_update_the_audit_log():
    audit.record("auth.signed_in", actor=UserFactory())
    audit.record("auth.signed_out", actor=UserFactory())
    before = the_log()
    with psycopg.connect(url(PORTAL), autocommit=True) as portal:
        for statement in EMPTYING:
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied for table"):
                portal.execute(statement)
    assert len(before) == 2 and the_log() == before


def test_the_portals_role_cannot_disable_drop_or_rewrite_the_audit_logs_triggers():
    with psycopg.connect(url(PORTAL)) as portal:
        for statement in SILENCING:
            # Each in a transaction rolled back, should one be let through.
            with pytest.raises(errors.InsufficientPrivilege), portal.transaction(force_rollback=True):
                portal.execute(statement)
        assert triggers(portal) == {"portal_auditevent_append_only": "O", "portal_auditevent_refuses_truncate": "O",
                                    "portal_auditevent_numbered": "O"}  # fmt: skip


def test_truncate_is_refused_even_to_the_tables_owner():
    audit.record("auth.signed_out", actor=UserFactory())
    before = the_log()
    with psycopg.connect(url(OWNER), autocommit=True) as owner:
        for statement in ["TRUNCATE portal_auditevent", "TRUNCATE portal_user CASCADE"]:
            with pytest.raises(errors.InsufficientPrivilege, match="the audit log is append-only: TRUNCATE refused"):
                owner.execute(statement)
    assert len(before) == 1 and the_log() == before


def test_rows_planted_at_the_next_ids_cannot_jam_the_log():
    """A role that may only append names the ids the portal will use next: the log numbers its own rows, so the
    planted rows get other ids and every audited action goes on being recorded."""
    audit.record("auth.signed_in", actor=UserFactory())
    with psycopg.connect(url(PORTAL), autocommit=True) as portal:
        last = portal.execute("SELECT max(id) FROM portal_auditevent").fetchone()[0]
        portal.execute(
            "INSERT INTO portal_auditevent (id, created_at, action, actor_label, object_id, object_label, user_agent,"
            " details) SELECT g, now(), 'auth.signed_in', 'planted', '', '', '', '{}'"
            " FROM generate_series(%s::bigint, %s::bigint) g",
            [last + 1, last + 50],
        )
    event = audit.record("auth.signed_out", actor=UserFactory())  # no duplicate key
    planted = AuditEvent.objects.filter(actor_label="planted").values_list("pk", flat=True)
    assert len(planted) == 50 and event.pk not in planted and event.pk > last
