"""Book of Business counts may be read from the replica, but never older than the reader's own last change: after
a request that could write, the primary's WAL position is kept in a cookie, and that person's counts wait for a
replica that has replayed it, or read the primary."""

import pytest
from django.test import Client
from django.urls import reverse

from portal import replica

from .factories import sign_in
from .replica_world import a_book, reads_on_each

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def book_count(client):
    response = client.get(reverse("bookofbusiness:book"))
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_an_agent_who_accepts_a_case_counts_it_in_their_book_at_once(client, the_replica):
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.caught_up()
    with reads_on_each() as before:
        assert book_count(client) == 2
    assert any("COUNT(" in sql for sql in before["replica"])  # a caught-up replica counts the book

    the_replica.pause_replay()
    response = client.post(reverse("delegations:accept", args=[world["waiting"].pk]))
    assert response.status_code == 302
    assert client.cookies[replica.COOKIE]["httponly"]

    with reads_on_each() as after:
        assert book_count(client) == 3
    assert not any("COUNT(" in sql for sql in after["replica"])  # the replica has not their change: not read


def test_someone_who_changed_nothing_may_read_a_replica_a_moment_behind(client, the_replica):
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.caught_up()
    the_replica.pause_replay()

    with reads_on_each() as seen:
        assert book_count(client) == 2
    assert any("COUNT(" in sql for sql in seen["replica"])
    assert replica.COOKIE not in client.cookies


def test_a_made_up_position_cookie_is_ignored(client, the_replica):
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.caught_up()
    client.post(reverse("delegations:decline", args=[world["waiting"].pk]))
    position, signature = client.cookies[replica.COOKIE].value.split(":", 1)  # the position, signed
    assert 0 < int(position, 16) <= replica.primary_position()
    the_replica.caught_up()
    for made_up in ("ffffffffffffffff", "zz", "1" * 40, "-1", "", "0/1", f"ffffffffffffffff:{signature}"):
        client.cookies[replica.COOKIE] = made_up
        with reads_on_each() as seen:
            assert book_count(client) == 2
        assert any("COUNT(" in sql for sql in seen["replica"]), made_up  # read as if they had changed nothing


def test_a_refused_post_sets_no_position(the_replica):
    world = a_book()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world["agent"].user)
    client.cookies.pop(replica.COOKIE, None)
    with reads_on_each() as seen:
        refused = client.post(reverse("delegations:accept", args=[world["waiting"].pk]))  # no CSRF token
    assert refused.status_code == 403
    assert replica.COOKIE not in refused.cookies
    assert not any("pg_current_wal_insert_lsn" in sql for sql in seen["primary"])
