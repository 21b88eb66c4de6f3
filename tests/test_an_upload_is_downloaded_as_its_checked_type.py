"""An uploaded document leaves the portal as the type its content was checked to be: a PDF uploaded as `x.html` is
downloaded as `x.pdf`, `application/pdf`, an attachment the browser may not sniff; of the uploaded name only a safe
base is kept (no folders, control characters or quotes), its extensions replaced. Case and agency documents alike."""

from email.message import Message

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AgencyDocument
from consumers.models import CaseDocument
from portal import uploads

from .cases_support import PDF
from .factories import agency_with_manager, delegate, sign_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def filename_of(response) -> str:
    """The file name a browser saves the download under (RFC 6266, filename* included)."""
    header = Message()
    header["Content-Disposition"] = response["Content-Disposition"]
    return header.get_filename()


def assert_served_as(response, *, name: str, content_type: str, content: bytes):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename_of(response) == name
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


UPLOADS = [
    ("x.html", PDF, "x.pdf", "application/pdf"),
    ("report.pdf.html", PDF, "report.pdf", "application/pdf"),
    ('my "scan" <b>.svg', PDF, "my scan b.pdf", "application/pdf"),
    ("photo.jpg.exe", PNG, "photo.png", "image/png"),
    ("scan", JPEG, "scan.jpg", "image/jpeg"),
    (".html", PDF, "document.pdf", "application/pdf"),
]


@pytest.mark.parametrize(("uploaded_as", "content", "served_as", "content_type"), UPLOADS)
def test_a_case_document_is_downloaded_under_its_checked_type(client, world, uploaded_as, content, served_as,
                                                              content_type):  # fmt: skip
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile(uploaded_as, content)})
    document = CaseDocument.objects.get(case=case)
    response = client.get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert_served_as(response, name=served_as, content_type=content_type, content=content)
    assert served_as in client.get(f"/cases/{case.pk}/").content.decode(), "the page names it as it downloads"


@pytest.mark.parametrize(("uploaded_as", "content", "served_as", "content_type"), UPLOADS)
def test_an_agency_document_is_downloaded_under_its_checked_type(client, uploaded_as, content, served_as,
                                                                 content_type):  # fmt: skip
    _agency, manager = agency_with_manager()
    sign_in(client, manager.user)
    client.post("/agency/account/documents/", {"kind": "license", "file": SimpleUploadedFile(uploaded_as, content)})
    document = AgencyDocument.objects.get()
    response = client.get(f"/agency/account/documents/{document.pk}/")
    assert_served_as(response, name=served_as, content_type=content_type, content=content)


def test_a_stored_name_with_folders_line_breaks_and_quotes_is_cleaned(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("a.pdf", PDF)})
    document = CaseDocument.objects.get(case=case)
    # A name from before this rule, or from anywhere but a browser's upload: folders, a header break, quotes,
    # a right-to-left override that would show "fdp.exe" as "exe.pdf".
    document.original_name = '..\\..\\etc/pass"wd\r\nX-Evil: 1;\u202efdp.exe.html'
    document.save()
    response = client.get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert "X-Evil" not in response.headers
    name = filename_of(response)
    assert name == "passwd X-Evil 1 fdp.pdf"
    assert_served_as(response, name=name, content_type="application/pdf", content=PDF)


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [
        ("Estado de cuenta — Peña.pdf", "application/pdf", "Estado de cuenta — Peña.pdf"),
        ("paystub 2026.11.jpeg", "image/jpeg", "paystub 2026.jpg"),
        ("C:\\Users\\rosa\\Desktop\\w2.PDF", "application/pdf", "w2.pdf"),
        ("'quoted'.png", "image/png", "quoted.png"),
        ("   ", "image/png", "document.png"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 100 + ".pdf"),
    ],
)
def test_the_download_name_keeps_a_safe_base_and_the_checked_extension(original, content_type, expected):
    assert uploads.download_name(original, content_type) == expected
