"""A read inside `fall_back` that fails on the primary (a statement timeout, a lock it waited too long for) is the
primary's failure: it is raised as it is, once, and the replica, which did nothing wrong, is read again next time;
a replica that cannot even be connected to is the replica's, and the read runs on the primary."""

import time

import pytest
from django.db import OperationalError, connection, connections

from delegations.models import Delegation
from portal import replica

from .replica_world import a_book

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def test_a_statement_timeout_on_the_primary_is_raised_once_and_leaves_the_replica_in_use(the_replica):
    a_book()
    the_replica.caught_up()
    runs = []

    def read():
        runs.append(replica._reading.get())
        with connection.cursor() as cursor:  # the primary's connection
            cursor.execute("SET statement_timeout = 50")
            try:
                cursor.execute("SELECT pg_sleep(1)")
            finally:
                cursor.execute("SET statement_timeout = 0")

    assert replica._has(0)
    connections["replica"].close()  # as Celery closes it between two of a worker's tasks, the sample still recent
    with pytest.raises(OperationalError, match="statement timeout"):
        replica.fall_back(read, job=True)
    assert runs == ["replica"], "run once, not again on the primary"
    assert replica._health.down_until < time.monotonic(), "the replica is not left alone for it"


def test_a_replica_that_cannot_be_connected_to_leaves_the_read_on_the_primary(the_replica):
    a_book()
    the_replica.caught_up()
    runs = []

    def read():
        runs.append(replica._reading.get())
        return Delegation.objects.count()

    assert replica._has(0)  # the replica is sampled and usable; then it stops before the read connects
    connections["replica"].close()
    the_replica.stop()
    try:
        assert replica.fall_back(read, job=False) == 3
    finally:
        the_replica.start()
    assert runs == [None], "the replica could not be reached: read once, on the primary"
    assert replica._health.down_until > time.monotonic()
