"""A read inside `fall_back` that fails on the primary (a lock it cannot take, a statement timeout) is the
primary's failure: it is raised as it is, once, and the replica, which did nothing wrong, is read again next time;
a replica that cannot even be connected to is the replica's, and the read runs on the primary."""

import time

import psycopg
import pytest
from django.db import OperationalError, connection, connections

from delegations.models import Delegation
from portal import replica

from . import database_roles
from .replica_world import a_book

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def test_a_lock_the_primary_cannot_take_is_raised_once_and_leaves_the_replica_in_use(the_replica):
    world = a_book()
    the_replica.caught_up()
    runs = []

    def read():
        runs.append(replica._reading.get())
        with connection.cursor() as cursor:  # the primary's connection: a row someone else holds, NOWAIT
            cursor.execute(
                "SELECT 1 FROM delegations_delegation WHERE id = %s FOR UPDATE NOWAIT", [world["waiting"].pk]
            )

    # Another process holds the row (no timer involved: a clock moved by faketime makes timeouts unreliable).
    with psycopg.connect(database_roles.url(database_roles.PORTAL)) as someone_else:
        someone_else.execute("SELECT 1 FROM delegations_delegation WHERE id = %s FOR UPDATE", [world["waiting"].pk])
        assert replica._has(0)
        connections["replica"].close()  # as Celery closes it between two tasks, the sample still recent
        with pytest.raises(OperationalError, match="could not obtain lock"):
            replica.fall_back(read)
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
