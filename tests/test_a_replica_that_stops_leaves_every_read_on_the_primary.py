"""A replica that stops, restarts or cuts its connections costs nobody anything: pages show the right counts from
the primary, a batch of extracts lost part-way runs again there, and the replica is tried again later."""

import datetime
import logging

import pytest
from django.urls import reverse

from bookofbusiness import extracts
from bookofbusiness.models import Extract
from portal import replica

from .factories import sign_in
from .replica_world import a_book, book_rows_read, reads_on_each
from .test_weekly_extracts_read_their_rows_from_a_replica_that_is_caught_up import names_in

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]

WEEK = datetime.date(2026, 11, 30)


def test_the_book_and_the_dashboard_are_counted_on_the_primary_while_the_replica_is_stopped(
    client, the_replica, caplog
):
    world = a_book()
    sign_in(client, world["manager"].user)
    the_replica.stop()

    with caplog.at_level(logging.WARNING, logger="portal.replica"):
        book = client.get(reverse("bookofbusiness:book"))
        home = client.get(reverse("agencies:home"))

    assert book.status_code == 200 and book.context["page"].paginator.count == 2
    assert home.status_code == 200
    assert "replica" not in book.content.decode().lower()
    assert "The replica is not answering" in caplog.text


def test_a_stopped_replica_is_not_asked_again_on_every_page(client, the_replica, caplog):
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.stop()
    with caplog.at_level(logging.WARNING, logger="portal.replica"):
        for _ in range(5):
            assert client.get(reverse("bookofbusiness:book")).status_code == 200
    assert caplog.text.count("The replica is not answering") == 1


def test_a_replica_back_after_its_pause_is_read_again(client, the_replica, settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    world = a_book()
    sign_in(client, world["agent"].user)
    the_replica.stop()
    assert client.get(reverse("bookofbusiness:book")).status_code == 200
    the_replica.start()
    the_replica.caught_up()
    with reads_on_each() as seen:
        assert client.get(reverse("bookofbusiness:book")).context["page"].paginator.count == 2
    assert any("COUNT(" in sql for sql in seen["replica"])


def test_a_batch_of_extracts_whose_replica_goes_part_way_completes_on_the_primary(the_replica, monkeypatch):
    world = a_book()
    the_replica.caught_up()
    languages = extracts._languages

    def replica_restarts_after_reading_the_languages(scope, owner_ids):
        found = languages(scope, owner_ids)
        if replica._reading.get() == replica.REPLICA:
            the_replica.cut_connections()
        return found

    monkeypatch.setattr(extracts, "_languages", replica_restarts_after_reading_the_languages)
    with reads_on_each() as seen:
        written = extracts.write_owner_extracts(scope=Extract.Scope.AGENT, owner_ids=[world["agent"].pk], week=WEEK)

    assert written == 4
    assert book_rows_read(seen["primary"])
    extracts_of_the_week = Extract.objects.filter(agent=world["agent"], week=WEEK)
    assert {extract.status for extract in extracts_of_the_week} == {Extract.Status.PUBLISHED}
    book = extracts_of_the_week.get(kind=Extract.Kind.BOOK_OF_BUSINESS, file_format="csv")
    assert names_in(book) == ["Ana", "Ben"]


def test_a_query_that_fails_on_the_primary_is_not_retried_as_if_the_replica_had(the_replica):
    from django.db import ProgrammingError, connection

    def broken():
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM bookofbusiness_extract")

    with pytest.raises(ProgrammingError):
        replica.fall_back(broken, job=True)
