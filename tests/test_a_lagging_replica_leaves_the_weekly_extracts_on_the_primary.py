"""A replica that has not replayed what the primary committed before a batch began is not read: the batch reads
the primary, and its files hold the latest changes."""

import datetime

import pytest

from bookofbusiness import extracts
from bookofbusiness.models import Extract
from portal import replica

from .replica_world import a_book, a_case_the_replica_has_not, book_rows_read, reads_on_each
from .test_weekly_extracts_read_their_rows_from_a_replica_that_is_caught_up import names_in

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]

WEEK = datetime.date(2026, 11, 30)


def test_a_case_delegated_while_the_replica_is_behind_is_in_the_extract(the_replica, settings):
    settings.DATABASE_REPLICA_WAIT_SECONDS = 0.3
    world = a_book()
    a_case_the_replica_has_not(world, the_replica)

    with reads_on_each() as seen:
        extracts.write_owner_extracts(scope=Extract.Scope.AGENT, owner_ids=[world["agent"].pk], week=WEEK)

    book = Extract.objects.get(agent=world["agent"], kind=Extract.Kind.BOOK_OF_BUSINESS, file_format="csv")
    assert names_in(book) == ["Ana", "Ben", "Dee"]
    assert book_rows_read(seen["primary"]) and not book_rows_read(seen["replica"])


def test_a_replica_that_catches_up_within_the_wait_is_read(the_replica, settings, monkeypatch):
    settings.DATABASE_REPLICA_WAIT_SECONDS = 10
    world = a_book()
    a_case_the_replica_has_not(world, the_replica)

    # The replica replays again right after the batch first finds it behind (no timer: a clock moved by
    # faketime makes a timer thread's wait unreliable).
    sample, samples = replica._sample, []

    def sample_then_resume():
        samples.append(sample())
        if len(samples) == 1:
            the_replica.resume_replay()
        return samples[-1]

    monkeypatch.setattr(replica, "_sample", sample_then_resume)
    with reads_on_each() as seen:
        extracts.write_owner_extracts(scope=Extract.Scope.AGENT, owner_ids=[world["agent"].pk], week=WEEK)

    book = Extract.objects.get(agent=world["agent"], kind=Extract.Kind.BOOK_OF_BUSINESS, file_format="csv")
    assert names_in(book) == ["Ana", "Ben", "Dee"]
    assert book_rows_read(seen["replica"]) and not book_rows_read(seen["primary"])
    assert len(samples) >= 2 and samples[0][1] < samples[-1][1], "found behind first, then caught up"
