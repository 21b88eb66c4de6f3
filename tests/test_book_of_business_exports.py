"""Exports of the Book of Business: exactly what the view shows, in CSV and XLSX, formulas neutralised, large ones as a task."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from bookofbusiness import services
from bookofbusiness.exports import BOOK_COLUMNS, headers
from bookofbusiness.models import BookOfBusinessExport
from portal.models import AuditEvent, MailboxMessage

from .book_support import case_for
from .factories import sign_in

pytestmark = pytest.mark.django_db


def test_csv_export_round_trips_exactly_what_the_view_shows(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/export/csv/", {"agent": book["rosa"].pk, "sort": "name"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == headers() and len(rows[0]) == len(BOOK_COLUMNS) >= 29
    assert [row[1] for row in rows[1:]] == ["Ana", "Ben"]
    ana = dict(zip(rows[0], rows[1], strict=True))
    case = book["cases"]["ana"]
    assert (ana["Case number"], ana["Date of birth"], ana["Issuer"], ana["Monthly premium"], ana["Net premium"]) == (
        case.case_number, "1985-06-01", "Kaiser Permanente", "612.00", "212.00",
    )  # fmt: skip
    assert ana["Agent license number"] == book["rosa"].license_number and ana["Household size"] == "1"
    event = AuditEvent.objects.get(action="export.created")
    assert event.details["format"] == "csv" and event.details["rows"] == 2


def test_xlsx_export_has_real_dates_and_numbers_a_frozen_filterable_header(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/export/xlsx/", {"sort": "name"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == headers()
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:AE4"
    values = {header: cell.value for header, cell in zip(headers(), sheet[2], strict=True)}
    assert values["First name"] == "Ana"
    assert values["Date of birth"] == datetime.datetime(1985, 6, 1)
    assert values["Monthly premium"] == 612 and isinstance(values["Monthly premium"], int | float | Decimal)
    assert values["Open conditional-eligibility items"] == 0


def test_formulas_in_consumer_data_are_neutralised_in_both_formats(client, book):
    case_for(book["rosa"], book["agency"], first_name='=HYPERLINK("http://evil.example","Click")', last_name="+Evil")
    sign_in(client, book["manager"].user)
    text = b"".join(client.get("/book/export/csv/", {"q": "Evil"}).streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1].startswith("'=HYPERLINK") and row[2] == "'+Evil"
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get("/book/export/xlsx/", {"q": "Evil"}).streaming_content))
    ).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


def test_a_large_export_runs_as_a_task_lands_in_the_mailbox_and_expires(client, book, monkeypatch,
                                                                          django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(services, "STREAM_LIMIT", 1)
    sign_in(client, book["manager"].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/book/export/xlsx/")
    job = BookOfBusinessExport.objects.get()
    assert response["Location"] == f"/book/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.rows_total) == ("ready", 3, 3)
    assert MailboxMessage.objects.filter(recipient=book["manager"].user, subject__contains="export is ready").exists()
    download = client.get(f"/book/exports/{job.pk}/download/")
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.max_row == 4
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(job.pk)).exists()
    BookOfBusinessExport.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 410
    name = job.file.name
    assert services.expire_exports() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file and not default_storage.exists(name), "the file is gone"
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 410
    assert "This export has expired" in client.get(f"/book/exports/{job.pk}/").content.decode()
    assert services.expire_exports() == 0
    sign_in(client, book["rosa"].user)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404
