"""On S3, a large export's task can run more than once: after a worker was lost between saving the file and marking
the export Ready (the task is given again), or twice at once (the broker gave it again while the first still ran).
Either way the export ends Ready with one file in the bucket, the one its row names and the person downloads, and
once it expires the bucket holds nothing of it: a whole book of business never outlives its seven days."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone

from bookofbusiness import services
from bookofbusiness.models import BookOfBusinessExport

from .concurrency_support import at_once
from .factories import sign_in

pytestmark = pytest.mark.django_db(transaction=True)  # the attempts at once each have their own connection


@pytest.fixture
def queued(book):
    return BookOfBusinessExport.objects.create(requested_by=book["manager"].user, agency=book["agency"],
                                               file_format="csv")  # fmt: skip


def the_export_is_whole_and_alone(job, s3_storage, client, book):
    job.refresh_from_db()
    assert (job.status, job.rows_written) == ("ready", 3)
    assert s3_storage.stored("exports/") == {job.file.name}
    assert hashlib.sha256(s3_storage.read(job.file.name)).hexdigest() == job.sha256
    sign_in(client, book["manager"].user)
    download = client.get(f"/book/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == s3_storage.read(job.file.name)


def test_a_file_left_by_an_attempt_whose_worker_was_lost_is_removed_when_the_export_is_written(
    client, book, queued, s3_storage
):
    # What a worker killed after saving the file and before marking the export Ready leaves: a file no row names.
    default_storage.save(f"exports/{queued.requested_by_id}/book-of-business-{queued.pk}-0badf00d.csv",
                            ContentFile(b"Case number,...\n"))  # fmt: skip
    # Another of the person's exports is none of this one's business (its pk begins with this one's).
    other = f"exports/{queued.requested_by_id}/book-of-business-{queued.pk}0-1234abcd.csv"
    default_storage.save(other, ContentFile(b"another export\n"))

    services.write_export(BookOfBusinessExport.objects.get(pk=queued.pk))

    job = BookOfBusinessExport.objects.get(pk=queued.pk)
    assert s3_storage.stored("exports/") == {job.file.name, other}
    default_storage.delete(other)
    the_export_is_whole_and_alone(job, s3_storage, client, book)


def test_two_attempts_at_once_leave_one_ready_export_with_one_file(client, book, queued, s3_storage):
    outcomes = at_once([lambda: services.write_export(BookOfBusinessExport.objects.get(pk=queued.pk))] * 2)
    assert all(isinstance(outcome, BookOfBusinessExport) for outcome in outcomes), outcomes
    the_export_is_whole_and_alone(queued, s3_storage, client, book)


def test_an_attempt_that_fails_to_mark_the_export_ready_takes_its_file_with_it(book, queued, s3_storage, monkeypatch):
    update = QuerySet.update

    def fails_to_mark_it_ready(queryset, **values):
        if queryset.model is BookOfBusinessExport and values.get("status") == BookOfBusinessExport.Status.READY:
            raise ConnectionError("the database went away")
        return update(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", fails_to_mark_it_ready)
    with pytest.raises(ConnectionError):
        services.write_export(BookOfBusinessExport.objects.get(pk=queued.pk))
    assert s3_storage.stored("exports/") == set()
    assert BookOfBusinessExport.objects.get(pk=queued.pk).status == "running"  # the task marks it Failed, retries


def test_an_expired_export_leaves_nothing_in_the_bucket(client, book, queued, s3_storage):
    default_storage.save(f"exports/{queued.requested_by_id}/book-of-business-{queued.pk}-0badf00d.csv",
                            ContentFile(b"Case number,...\n"))  # fmt: skip
    services.write_export(BookOfBusinessExport.objects.get(pk=queued.pk))
    assert services.expire_exports(now=timezone.now() + datetime.timedelta(days=services.EXPORT_DAYS, hours=1)) == 1
    assert s3_storage.stored("exports/") == set()
