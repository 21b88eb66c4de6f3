"""A replica whose machine is lost while a process keeps a connection to it (its link down: nothing answered, nothing
even refused) costs the next page seconds, not the quarter of an hour TCP would wait, nor the web worker killed by
gunicorn's timeout: the page is answered, counted on the primary, and the replica is left alone after that."""

import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout

import pytest
from django.db import connections
from django.urls import reverse

from .factories import sign_in
from .replica_world import a_book, reads_on_each
from .vanishing_host import a_host_in_front_of

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]

# Well beyond what config/settings.py allows a lost replica (about 8 s: 5 s idle, then 3 keepalives a second apart,
# and 2 s to connect again), well short of TCP's own patience (about 15 minutes).
PATIENCE = 45


@pytest.fixture
def a_replica_on_a_host_that_can_vanish(the_replica):
    replica_connection = connections["replica"]
    kept = dict(replica_connection.settings_dict)
    with a_host_in_front_of(the_replica.port) as host:
        replica_connection.close()
        replica_connection.settings_dict.update(HOST=host.address, PORT=str(host.port), CONN_MAX_AGE=600)
        try:
            yield host
        finally:
            host.come_back()
            replica_connection.close()
            replica_connection.settings_dict.clear()
            replica_connection.settings_dict.update(kept)


@pytest.fixture
def one_web_worker():
    """ask(client, path): the page, the statements each server was sent, and how long it took, answered on one
    thread that keeps its database connections between requests (Django's are per thread), as a sync gunicorn
    worker does; waited for PATIENCE seconds at most."""
    worker = ThreadPoolExecutor(max_workers=1)

    def answer(client, path):
        with reads_on_each() as seen:
            response = client.get(path)
        return response, seen

    def ask(client, path):
        started = time.monotonic()
        try:
            response, seen = worker.submit(answer, client, path).result(timeout=PATIENCE)
        except FuturesTimeout:
            pytest.fail(f"the page was still waiting on the lost replica after {PATIENCE} s")
        return response, seen, time.monotonic() - started

    yield ask
    with contextlib.suppress(FuturesTimeout):  # a thread stuck on the lost replica is freed when it comes back
        worker.submit(connections.close_all).result(timeout=PATIENCE)
    worker.shutdown(wait=False)


def test_the_book_is_answered_from_the_primary_when_the_replica_host_vanishes(
    client, the_replica, a_replica_on_a_host_that_can_vanish, one_web_worker, caplog
):
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.caught_up()
    page, seen, _ = one_web_worker(client, reverse("bookofbusiness:book"))
    assert page.context["page"].paginator.count == 2
    assert any("COUNT(" in sql for sql in seen["replica"]), "counted on the replica, its connection kept"

    a_replica_on_a_host_that_can_vanish.vanish()
    with caplog.at_level(logging.WARNING, logger="portal.replica"):
        page, _, took = one_web_worker(client, reverse("bookofbusiness:book"))
    print(f"the page after the replica host vanished: {took:.1f} s")
    assert page.status_code == 200 and page.context["page"].paginator.count == 2
    assert "replica" not in page.content.decode().lower()
    assert "reading from the primary" in caplog.text

    again, seen, _ = one_web_worker(client, reverse("bookofbusiness:book"))
    assert again.status_code == 200 and again.context["page"].paginator.count == 2
    assert seen["replica"] == [], "a replica that failed is left alone for a while"
