"""A large Book of Business export reads its rows from the replica once it has everything committed before the
export began (the request that asked for it, and any change just before), and from the primary otherwise; its
own progress and its finished state are written to the primary."""

import csv
import io

import pytest

from bookofbusiness import services
from bookofbusiness.models import BookOfBusinessExport

from .replica_world import a_book, a_case_the_replica_has_not, book_rows_read, reads_on_each

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def exported_names(job):
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return sorted(row["First name"] for row in csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))


def the_managers_export(world):
    return BookOfBusinessExport.objects.create(requested_by=world["manager"].user, agency=world["agency"],
                                               file_format="csv")  # fmt: skip


def test_the_export_is_read_from_a_caught_up_replica(the_replica):
    world = a_book()
    job = the_managers_export(world)
    the_replica.caught_up()

    with reads_on_each() as seen:
        services.write_export(job)

    assert exported_names(job) == ["Ana", "Ben"]
    assert book_rows_read(seen["replica"]) and not book_rows_read(seen["primary"])
    assert job.status == BookOfBusinessExport.Status.READY and job.rows_written == 2


def test_a_case_delegated_just_before_the_export_is_in_it_though_the_replica_lags(the_replica, settings):
    settings.DATABASE_REPLICA_WAIT_SECONDS = 0.3
    world = a_book()
    a_case_the_replica_has_not(world, the_replica)
    job = the_managers_export(world)

    with reads_on_each() as seen:
        services.write_export(job)

    assert exported_names(job) == ["Ana", "Ben", "Dee"]
    assert book_rows_read(seen["primary"]) and not book_rows_read(seen["replica"])
