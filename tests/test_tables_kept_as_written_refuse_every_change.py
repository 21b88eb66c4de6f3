"""Consent records, chat messages and messages with the service center are kept as written by the database itself
(portal/kept_as_written.py): a row trigger refuses UPDATE and DELETE, a statement trigger TRUNCATE, each with the
table's own sentence. (Each table's own test changes and deletes a real row: test_consent_records_are_kept_as_written,
test_messages_with_the_service_center_are_kept_as_written, test_chat_transcripts_are_read_by_supervisors_only.)"""

import psycopg
import pytest
from django.db import connection
from psycopg import errors

from .database_roles import OWNER, url

pytestmark = pytest.mark.django_db(transaction=True)  # the owner's own connection sees the migrated tables

KEPT = {
    "delegations_consent": "consent records are kept as written: TRUNCATE refused",
    "servicecenter_chatmessage": "chat messages are kept as written: TRUNCATE refused",
    "securemailbox_threadmessage": "messages with the service center are kept as written: TRUNCATE refused",
}


@pytest.mark.parametrize("table", sorted(KEPT))
def test_emptying_the_table_is_refused_with_its_sentence_even_to_its_owner(table):
    # The portal's own role may not even try (no TRUNCATE granted); the owner may, and the trigger refuses.
    with psycopg.connect(url(OWNER), autocommit=True) as owner, pytest.raises(errors.InsufficientPrivilege) as refused:
        owner.execute(f"TRUNCATE {table}")
    assert KEPT[table] in str(refused.value)


@pytest.mark.parametrize("table", sorted(KEPT))
def test_a_row_trigger_and_a_statement_trigger_keep_it(table):
    with connection.cursor() as cursor:
        # tgtype's bits: 1 a row trigger, 2 before, 8 delete, 16 update, 32 truncate.
        cursor.execute("SELECT tgname, tgtype FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                       [table])  # fmt: skip
        triggers = dict(cursor.fetchall())
    assert set(triggers) == {f"{table}_kept", f"{table}_refuses_truncate"}
    assert triggers[f"{table}_kept"] & (1 | 2 | 8 | 16) == 1 | 2 | 8 | 16
    assert triggers[f"{table}_refuses_truncate"] & (2 | 32) == 2 | 32 and not triggers[f"{table}_refuses_truncate"] & 1
