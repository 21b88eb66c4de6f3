"""The router sends every write and every migration to the primary, and a read inside a transaction open on the
primary reads the primary (what it wrote is visible nowhere else)."""

import pytest
from django.db import router, transaction

from bookofbusiness.models import Extract
from portal import replica

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def test_writes_and_migrations_go_to_the_primary_even_inside_replica_reads(the_replica):
    the_replica.caught_up()
    with replica.reads(job=True) as alias:
        assert alias == replica.REPLICA
        assert router.db_for_read(Extract) == replica.REPLICA
        assert router.db_for_write(Extract) == "default"
        with replica.on_primary():
            assert router.db_for_read(Extract) == "default"
    assert router.db_for_read(Extract) == "default"
    assert router.allow_migrate("default", "bookofbusiness") is True
    assert router.allow_migrate("replica", "bookofbusiness") is False


def test_reads_inside_an_open_transaction_stay_on_the_primary(the_replica):
    the_replica.caught_up()
    with transaction.atomic(), replica.reads(job=True) as alias:
        assert alias == "default"


def test_without_a_replica_everything_reads_the_primary(settings):
    settings.DATABASE_REPLICA_READS = False
    with replica.reads(job=True) as alias:
        assert alias == "default"
    assert replica.fall_back(lambda: router.db_for_read(Extract)) == "default"


def test_a_wal_position_reads_as_bytes():
    assert replica.lsn("0/3000000") == 0x3000000
    assert replica.lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert replica.lsn(None) == 0
