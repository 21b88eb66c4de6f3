"""On S3: a case document uploaded through the case page is kept in the bucket as a private object (no public
grant; a stranger's GET of its address is refused), downloaded byte for byte only through the audited view (and not
at all by another agency's people), and no page ever shows the store's address or a signed link to it."""

import hashlib
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consumers.models import CaseDocument
from portal.models import AuditEvent

from .cases_support import PDF
from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db

# A document larger than one streamed chunk (FileResponse reads 8 KiB at a time) and than one network read.
SCAN = PDF + bytes(range(256)) * 2048


def test_an_uploaded_case_document_is_a_private_object_served_only_by_the_audited_view(client, world, s3_storage):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    response = client.post(f"/cases/{case.pk}/documents/",
                           {"kind": "income", "file": SimpleUploadedFile("paystub.pdf", SCAN)})  # fmt: skip
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert s3_storage.stored() == {document.file.name}, "the upload is in the bucket, under the name its row keeps"
    assert document.file.name.startswith(f"cases/{case.pk}/") and "paystub" not in document.file.name
    assert s3_storage.read(document.file.name) == SCAN
    assert s3_storage.public_grants(document.file.name) == [], "nobody but the portal's account may read it"
    assert s3_storage.anonymous_get(document.file.name) == 403
    s3_storage.client.put_object(Bucket=s3_storage.name, Key="public-control.txt", Body=b"x", ACL="public-read")
    assert s3_storage.anonymous_get("public-control.txt") == 200, "the refusal above is the object's ACL at work"

    download = client.get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and download.streaming and "Location" not in download
    assert download["Cache-Control"] == "private, no-store" and download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content == SCAN and hashlib.sha256(content).hexdigest() == document.sha256
    event = AuditEvent.objects.get(action="case.document_downloaded")
    assert event.actor == world["agent"].user and event.details == {"document": document.pk}

    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/documents/{document.pk}/" in page and "paystub.pdf" in page
    for seen in (page, download.serialize_headers().decode()):
        assert "X-Amz-" not in seen and "Signature=" not in seen, "no signed link to the store"
        assert urlsplit(s3_storage.endpoint_url).netloc not in seen and s3_storage.name not in seen


@pytest.mark.parametrize("who", ["another agency's manager", "another agency's agent"])
def test_another_agencys_people_cannot_download_it(client, world, s3_storage, who):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("id.pdf", SCAN)})
    document = CaseDocument.objects.get(case=case)
    other_agency, other_manager = agency_with_manager()
    outsider = other_manager if who == "another agency's manager" else agent_in(other_agency)
    sign_in(client, outsider.user)
    assert client.get(f"/cases/{case.pk}/documents/{document.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="case.document_downloaded").exists()
    assert s3_storage.stored() == {document.file.name}, "the object is still there, and still only the portal's"
