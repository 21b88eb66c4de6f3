"""Agency Account (information, locations and hours, documents) and Admin Staff."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AgencyDocument, Membership
from portal.models import AuditEvent

from .factories import UserFactory, admin_staff_in, agency_with_manager, sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def manager_client(client):
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    sign_in(client, manager.user)
    client.agency = agency
    return client


def upload(client, name, content, kind="license"):
    return client.post(
        "/agency/account/documents/", {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_manager_edits_the_agency_information_but_not_fein_or_license(manager_client):
    agency = manager_client.agency
    data = {"legal_name": "Golden Bear Insurance, Inc.", "public_name": "Golden Bear", "phone": "916 555 0100",
            "email": "hello@goldenbear.example", "fein": "999999999"}  # fmt: skip
    assert manager_client.post("/agency/account/edit/", data).status_code == 302
    fein = agency.fein
    agency.refresh_from_db()
    assert (agency.public_name, agency.phone, agency.fein) == ("Golden Bear", "916-555-0100", fein)
    assert AuditEvent.objects.filter(action="agency.account_changed").exists()


def test_manager_adds_a_location_with_hours_shown_on_the_account(manager_client):
    data = {
        "name": "Fresno office", "street": "2550 Mariposa Mall", "city": "Fresno", "zip_code": "93721",
        "county": "Fresno", "phone": "559-555-0100", "is_listed": "on",
        "hours-TOTAL_FORMS": "2", "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0", "hours-0-opens_at": "09:00", "hours-0-closes_at": "17:00",
        "hours-1-weekday": "5", "hours-1-opens_at": "10:00", "hours-1-closes_at": "14:00",
    }  # fmt: skip
    assert manager_client.post("/agency/account/locations/add/", data).status_code == 302
    location = manager_client.agency.locations.get()
    assert location.hours.count() == 2 and location.latitude is not None
    page = manager_client.get("/agency/account/").content.decode()
    assert "Fresno office" in page and "Saturday: 10 a.m.–2 p.m." in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("zip_code", "10001", "10001 is not a California ZIP code."),
        ("zip_code", "9372", "Enter a five-digit ZIP code"),
        ("hours-0-closes_at", "08:00", "Closing time must be after opening time."),
    ],
)
def test_a_bad_location_is_refused_and_nothing_is_saved(manager_client, field, value, message):
    data = {
        "name": "Office", "street": "1 Main St", "city": "Fresno", "zip_code": "93721", "county": "Fresno",
        "phone": "559-555-0100", "hours-TOTAL_FORMS": "1", "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0", "hours-0-opens_at": "09:00", "hours-0-closes_at": "17:00", field: value,
    }  # fmt: skip
    page = manager_client.post("/agency/account/locations/add/", data).content.decode()
    assert message in page
    assert not manager_client.agency.locations.exists()


def test_documents_are_checked_by_content_stored_privately_and_downloads_audited(manager_client):
    page = upload(manager_client, "license.pdf", PDF).content.decode()
    assert "The document was uploaded." in page
    document = AgencyDocument.objects.get()
    assert (document.content_type, document.size, document.original_name) == (
        "application/pdf",
        len(PDF),
        "license.pdf",
    )
    assert "license" not in document.file.name, "stored names never carry the uploaded name"
    download = manager_client.get(f"/agency/account/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(document.pk)).exists()
    assert upload(manager_client, "photo.png", PNG, kind="other").status_code == 200
    assert AgencyDocument.objects.count() == 2


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("license.pdf", b"MZ\x90\x00 this is a program", "Only PDF, JPEG and PNG files can be uploaded"),
        ("empty.pdf", b"", "The submitted file is empty."),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "the limit is 10.0\xa0MB"),
    ],
)
def test_wrong_empty_and_oversized_files_are_refused_and_nothing_is_kept(manager_client, name, content, message):
    page = upload(manager_client, name, content).content.decode()
    assert message in page
    assert not AgencyDocument.objects.exists()


def test_another_agency_cannot_download_our_document_but_service_center_staff_can(client, manager_client):
    upload(manager_client, "license.pdf", PDF)
    document = AgencyDocument.objects.get()
    _, other_manager = agency_with_manager()
    sign_in(client, other_manager.user)
    assert client.get(f"/agency/account/documents/{document.pk}/").status_code == 404
    staff = UserFactory(is_staff=True)
    sign_in(client, staff)
    assert client.get(f"/agency/account/documents/{document.pk}/").status_code == 200


def test_manager_adds_admin_staff_with_grants_changes_them_and_removes_them(manager_client):
    data = {"first_name": "Sam", "last_name": "Ortiz", "email": "sam@goldenbear.example", "can_view_roster": "on"}
    assert manager_client.post("/agency/staff/", data).status_code == 302
    membership = Membership.objects.get(user__email="sam@goldenbear.example")
    assert (membership.role, membership.can_view_roster, membership.can_view_book) == ("admin_staff", True, False)
    manager_client.post(f"/agency/staff/{membership.pk}/", {"can_view_roster": "on", "can_view_book": "on"})
    membership.refresh_from_db()
    assert membership.can_view_book
    manager_client.post(f"/agency/staff/{membership.pk}/", {"remove": "1"})
    membership.refresh_from_db()
    assert membership.status == "inactive" and membership.ended_on is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"agency.staff_added", "agency.staff_changed", "agency.staff_removed"} <= actions


def test_an_agent_cannot_be_added_as_admin_staff(manager_client):
    from .factories import AgentFactory

    agent = AgentFactory()
    page = manager_client.post(
        "/agency/staff/", {"first_name": "A", "last_name": "B", "email": agent.user.email}
    ).content.decode()
    assert "already belongs to an agency or is an agent" in page


def test_admin_staff_with_the_account_grant_edit_it_and_without_it_only_read(client):
    agency, _ = agency_with_manager()
    sign_in(client, admin_staff_in(agency, can_edit_account=True))
    assert client.get("/agency/account/edit/").status_code == 200
    assert "Upload" in client.get("/agency/account/").content.decode()
    sign_in(client, admin_staff_in(agency))
    assert client.get("/agency/account/edit/").status_code == 403
    page = client.get("/agency/account/").content.decode()
    assert "Upload" not in page and agency.fein_display in page
    assert client.get("/agency/staff/").status_code == 403
