"""Report a change and upload a document with something wrong: the case page comes back with the message beside
the field that is wrong and what was typed still there, not as a banner over an emptied form; a change dated in
the future, or a ZIP code outside the county given, is refused (issue 18)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consumers.models import ChangeReport

from .factories import delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return delegate(agent=world["agent"], agency=world["agency"]).case


def change(world, case, **data):
    client = sign_in(Client(), world["agent"].user)
    return client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "12 Olive Way", "city": "Davis",
                                                       "zip_code": "95616", "county": "Yolo",
                                                       "effective_on": "2026-11-01", **data})  # fmt: skip


def field_error(page: str, field_id: str) -> str:
    """The error written beside the field (the text after its input, before the next field)."""
    after = page.split(f'id="{field_id}"', 1)[1]
    return after.split('class="field"', 1)[0]


def test_a_zip_code_outside_the_county_is_said_beside_the_county_and_the_address_kept(world, case):
    response = change(world, case, zip_code="90012", county="Alpine")
    assert response.status_code == 400
    page = response.content.decode()
    assert "ZIP code 90012 is in Los Angeles County, not Alpine." in field_error(page, "change_county")
    assert 'value="12 Olive Way"' in page and 'value="90012"' in page
    assert not ChangeReport.objects.exists()


def test_a_change_dated_in_the_future_is_refused_beside_its_date(world, case):
    response = change(world, case, effective_on="2030-01-01")
    assert response.status_code == 400
    assert "in the future" in field_error(response.content.decode(), "change_effective_on")
    assert not ChangeReport.objects.exists()


def test_a_good_change_still_goes_through(world, case):
    assert change(world, case).status_code == 302
    assert ChangeReport.objects.count() == 1


def test_a_refused_upload_is_said_beside_the_file_field(world, case):
    client = sign_in(Client(), world["agent"].user)
    response = client.post(f"/cases/{case.pk}/documents/",
                           {"kind": "income", "file": SimpleUploadedFile("x.pdf", b"GIF89a")})  # fmt: skip
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG files can be uploaded" in field_error(response.content.decode(), "document_file")
    assert not case.documents.exists()
