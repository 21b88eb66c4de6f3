"""Working on a case: the page and its audit, changes, documents, the renewal, and who may act."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consumers.models import ChangeReport
from portal.models import AuditEvent

from .cases_support import PDF, actions
from .factories import (
    EnrollmentFactory,
    VerificationFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db


def test_case_page_shows_the_household_and_items_with_days_left_and_is_audited(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    EnrollmentFactory(case=case, plan_name="Silver 70 Trio HMO")
    VerificationFactory(case=case, due_date=timezone.localdate() + datetime.timedelta(days=12))
    VerificationFactory(case=case, due_date=timezone.localdate() - datetime.timedelta(days=2))
    sign_in(client, world["agent"].user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Silver 70 Trio HMO" in page and ">12</td>" in page and "Report a change" in page
    assert "2 days overdue" in page
    event = AuditEvent.objects.get(action="case.viewed")
    assert event.object_id == str(case.pk) and event.actor == world["agent"].user


def test_helper_reports_a_change_uploads_a_document_and_records_renewal(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    item = VerificationFactory(case=case)
    sign_in(client, world["agent"].user)
    client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "9 Oak Ave", "city": "Davis",
                                                "zip_code": "95616", "county": "Yolo", "effective_on": "2026-11-01"})  # fmt: skip
    client.post(
        f"/cases/{case.pk}/changes/", {"kind": "income", "annual_income": "41000", "effective_on": "2026-11-01"}
    )
    case.refresh_from_db()
    assert (case.street, case.zip_code) == ("9 Oak Ave", "95616")
    assert ChangeReport.objects.filter(case=case).count() == 2
    client.post(f"/cases/{case.pk}/documents/",
                {"kind": "income", "verification": item.pk, "file": SimpleUploadedFile("paystub.pdf", PDF)})  # fmt: skip
    item.refresh_from_db()
    assert item.status == "submitted" and case.documents.count() == 1
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    case.refresh_from_db()
    assert case.renewal_status == "renewed"
    assert {"case.change_reported", "case.document_uploaded", "case.renewal_recorded"} <= set(actions())
    assert "41000" not in str(AuditEvent.objects.values_list("details", flat=True)), (
        "the log names changes, not incomes"
    )


def test_a_bad_change_or_upload_is_refused_with_a_message_and_nothing_saved(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    page = client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "1 A St", "city": "X",
                                                       "zip_code": "10001", "county": "Yolo", "effective_on": "2026-11-01"},
                       follow=True).content.decode()  # fmt: skip
    assert "10001 is not a California ZIP code." in page
    page = client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("x.pdf", b"GIF89a")},
                       follow=True).content.decode()  # fmt: skip
    assert "Only PDF, JPEG and PNG files can be uploaded" in page
    assert not ChangeReport.objects.exists() and not case.documents.exists()


@pytest.mark.parametrize("who", ["other agency's agent", "admin staff", "inactive agent", "decertified agent"])
def test_only_the_delegated_certified_active_helper_or_manager_may_act(client, world, who):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    if who == "other agency's agent":
        other_agency, _ = agency_with_manager()
        user = agent_in(other_agency).user
    elif who == "admin staff":
        user = admin_staff_in(world["agency"], can_view_book=True)
    elif who == "inactive agent":
        world["agent"].user.memberships.update(status="inactive")
        user = world["agent"].user
    else:
        world["agent"].certification_status = "decertified"
        world["agent"].save()
        user = world["agent"].user
    sign_in(client, user)
    response = client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    assert response.status_code in (403, 404)
    case.refresh_from_db()
    assert case.renewal_status == "not_started"


def test_the_agencys_manager_may_act_on_the_agencys_case(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["manager"].user)
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "in_progress"})
    case.refresh_from_db()
    assert case.renewal_status == "in_progress"
