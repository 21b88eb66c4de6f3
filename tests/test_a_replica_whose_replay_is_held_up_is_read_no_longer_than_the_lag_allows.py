"""A replica whose replay is held up (paused here; in production, waiting on one of its own long queries that
conflicts with what it must replay) is read only while what it holds is at most DATABASE_REPLICA_MAX_LAG_SECONDS
old, however little the primary writes meanwhile: then another person's change shows in everyone's counts; a job
waits for it no longer than DATABASE_REPLICA_WAIT_SECONDS, asking every tenth of a second. A replica that is idle
because the primary is, with nothing left to replay, is still read."""

import time

import pytest
from django.urls import reverse

from portal import replica

from .factories import sign_in
from .replica_world import a_book, a_case_the_replica_has_not, reads_on_each

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]

LIMIT = 1  # DATABASE_REPLICA_MAX_LAG_SECONDS in these tests


@pytest.fixture
def lag_limit(settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = LIMIT
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0  # every read asks where the replica is


def older_than_the_limit():
    time.sleep(LIMIT + 0.5)


def test_a_replica_with_nothing_left_to_replay_is_read_however_long_since_its_last_transaction(
    client, the_replica, lag_limit
):
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.caught_up()
    older_than_the_limit()
    with reads_on_each() as seen:
        assert client.get(reverse("bookofbusiness:book")).context["page"].paginator.count == 2
    assert any("COUNT(" in sql for sql in seen["replica"])


def test_another_persons_change_shows_in_the_counts_once_the_held_up_replica_is_too_old(
    client, the_replica, lag_limit
):
    world = a_book()
    sign_in(client, world["agent"].user)  # signing in wrote, but their cookie is not what this test is about
    client.cookies.pop(replica.COOKIE, None)
    a_case_the_replica_has_not(world, the_replica)
    older_than_the_limit()

    with reads_on_each() as seen:
        page = client.get(reverse("bookofbusiness:book")).context["page"]
    assert page.paginator.count == 3 and len(page.object_list) == 3, "the count agrees with the rows"
    assert not any("COUNT(" in sql for sql in seen["replica"])


def test_a_job_waits_for_a_held_up_replica_no_longer_than_it_may_then_reads_the_primary(the_replica, settings):
    settings.DATABASE_REPLICA_WAIT_SECONDS = 0.5
    world = a_book()
    a_case_the_replica_has_not(world, the_replica)

    with reads_on_each() as seen, replica.reads(job=True) as alias:
        pass
    assert alias == "default"
    asked = sum("pg_is_in_recovery" in sql for sql in seen["replica"])
    assert 1 <= asked <= 0.5 / 0.1 + 2, f"asked {asked} times in half a second: every tenth of a second at most"
