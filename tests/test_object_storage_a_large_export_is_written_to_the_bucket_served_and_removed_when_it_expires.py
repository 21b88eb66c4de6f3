"""On S3: a large Book of Business export written by its task is an object in the bucket, private, downloaded
whole through the export's view by the person who asked for it, and gone from the bucket once it has expired."""

import datetime
import hashlib
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bookofbusiness import services
from bookofbusiness.models import BookOfBusinessExport
from portal.models import AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_large_export_lands_in_the_bucket_downloads_through_its_view_and_expires_from_it(
    client, book, s3_storage, monkeypatch, django_capture_on_commit_callbacks, file_format
):
    monkeypatch.setattr(services, "STREAM_LIMIT", 1)  # three cases are "large": the task writes them
    sign_in(client, book["manager"].user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/book/export/{file_format}/")
    job = BookOfBusinessExport.objects.get()
    assert (job.status, job.rows_written) == ("ready", 3)
    assert s3_storage.stored() == {job.file.name} and job.file.name.startswith(f"exports/{book['manager'].user.pk}/")
    stored = s3_storage.read(job.file.name)
    assert hashlib.sha256(stored).hexdigest() == job.sha256
    assert s3_storage.public_grants(job.file.name) == [] and s3_storage.anonymous_get(job.file.name) == 403

    download = client.get(f"/book/exports/{job.pk}/download/")
    assert download.status_code == 200 and download.streaming and "Location" not in download
    assert download["Cache-Control"] == "private, no-store"
    day = timezone.localdate(job.finished_at)
    assert download["Content-Disposition"] == f'attachment; filename="book-of-business-{day:%Y-%m-%d}.{file_format}"'
    content = b"".join(download.streaming_content)
    assert content == stored, "the whole file, byte for byte"
    if file_format == "xlsx":
        assert load_workbook(io.BytesIO(content)).active.max_row == 4
    else:
        assert len(content.decode("utf-8-sig").splitlines()) == 4
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(job.pk)).count() == 1
    sign_in(client, book["rosa"].user)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404, "only for the person who asked"

    BookOfBusinessExport.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.expire_exports() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    assert s3_storage.stored() == set(), "the consumer data is gone from the bucket, not only from the list"
    sign_in(client, book["manager"].user)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 410
