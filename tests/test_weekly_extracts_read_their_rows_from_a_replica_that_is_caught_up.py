"""The weekly extracts read their rows from the replica when it has replayed everything the primary had committed
when the batch began; the Extract rows they create and publish are written and read back on the primary."""

import csv
import datetime
import io

import pytest
from django.core.files.storage import default_storage

from bookofbusiness import extracts
from bookofbusiness.models import Extract

from .replica_world import a_book, book_rows_read, reads_on_each

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]

WEEK = datetime.date(2026, 11, 30)


def names_in(extract):
    with default_storage.open(extract.file.name, "rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    return sorted(row["First name"] for row in rows)


def test_an_agents_book_of_business_extract_is_read_from_the_replica_and_published_on_the_primary(the_replica):
    world = a_book()
    the_replica.caught_up()

    with reads_on_each() as seen:
        written = extracts.write_owner_extracts(scope=Extract.Scope.AGENT, owner_ids=[world["agent"].pk], week=WEEK)

    assert written == 4
    assert book_rows_read(seen["replica"]) and not book_rows_read(seen["primary"])
    assert not any(sql.startswith(("INSERT", "UPDATE")) for sql in seen["replica"])
    assert any(sql.startswith("UPDATE") and "bookofbusiness_extract" in sql for sql in seen["primary"])
    book = Extract.objects.get(agent=world["agent"], kind=Extract.Kind.BOOK_OF_BUSINESS, file_format="csv")
    assert book.status == Extract.Status.PUBLISHED and book.rows == 2
    assert names_in(book) == ["Ana", "Ben"]
