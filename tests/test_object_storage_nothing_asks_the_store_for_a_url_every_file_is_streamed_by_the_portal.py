"""On S3: no page and no download asks the storage for a URL (a signed link would let whoever holds it past the
audited views): every private file, a case document, an agency document, a large export and a weekly extract, is
streamed to the person by the portal itself, never a redirect to the store, and every page that lists them, the
service center's admin included, renders without one."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import FileResponse
from storages.backends.s3 import S3Storage

from agencies.models import AgencyDocument
from bookofbusiness import services
from bookofbusiness.models import BookOfBusinessExport, Extract
from consumers.models import CaseDocument

from .cases_support import PDF
from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY, active_account, extranet_client, staff_client
from .factories import ConsumerCaseFactory, delegate, sign_in

pytestmark = IN_THE_WEEK_OF_MONDAY


@pytest.fixture
def urls_asked(monkeypatch):
    asked = []

    def url(storage, name, *args, **kwargs):
        asked.append(name)
        raise AssertionError(f"something asked the storage for a URL to {name}")

    monkeypatch.setattr(S3Storage, "url", url)
    return asked


def assert_streamed_by_the_portal(response, bucket, name):
    assert response.status_code == 200 and "Location" not in response
    assert isinstance(response, FileResponse) and response.streaming
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == bucket.read(name)


def test_every_private_file_is_streamed_by_the_portal_and_no_page_asks_for_a_url(
    client, world, s3_storage, urls_asked, monkeypatch, django_capture_on_commit_callbacks
):
    case = delegate(ConsumerCaseFactory(), agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["manager"].user)
    client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("stub.pdf", PDF)})
    client.post("/agency/account/documents/", {"kind": "license", "file": SimpleUploadedFile("license.pdf", PDF)})
    monkeypatch.setattr(services, "STREAM_LIMIT", 0)  # the export is written by its task
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/book/export/csv/")
    call_command("run_weekly_extracts", week=MONDAY.date(), stdout=io.StringIO())
    document, agency_document = CaseDocument.objects.get(), AgencyDocument.objects.get()
    export, extract = BookOfBusinessExport.objects.get(status="ready"), Extract.objects.filter(scope="agency").first()
    stored = {document.file.name, agency_document.file.name, export.file.name, extract.file.name}
    assert stored <= s3_storage.stored(), "every kind of private file is in the bucket"

    assert_streamed_by_the_portal(client.get(f"/cases/{case.pk}/documents/{document.pk}/"), s3_storage,
                                  document.file.name)  # fmt: skip
    assert_streamed_by_the_portal(client.get(f"/agency/account/documents/{agency_document.pk}/"), s3_storage,
                                  agency_document.file.name)  # fmt: skip
    assert_streamed_by_the_portal(client.get(f"/book/exports/{export.pk}/download/"), s3_storage, export.file.name)
    extranet = extranet_client(active_account(world["manager"]))
    assert_streamed_by_the_portal(extranet.get(f"/extranet/files/{extract.pk}/download/"), s3_storage,
                                  extract.file.name)  # fmt: skip

    pages = {client: [f"/cases/{case.pk}/", "/agency/account/", f"/book/exports/{export.pk}/", "/today/"],
             extranet: ["/extranet/"]}  # fmt: skip
    admin = staff_client()
    admin_objects = {"consumers/casedocument": document, "agencies/agencydocument": agency_document,
                     "bookofbusiness/bookofbusinessexport": export, "bookofbusiness/extract": extract}  # fmt: skip
    pages[admin] = [url for model, obj in admin_objects.items()
                    for url in (f"/admin/{model}/", f"/admin/{model}/{obj.pk}/change/")]  # fmt: skip
    for who, paths in pages.items():
        for path in paths:
            page = who.get(path)
            assert page.status_code == 200, path
            assert "X-Amz-" not in page.content.decode(), path
    assert urls_asked == []
