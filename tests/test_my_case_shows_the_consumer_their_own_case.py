"""My case: what a consumer may see of their own case, in their language: household, current enrollment,
conditional-eligibility items with their due dates and what each needs, documents, history, consent, and their
helper's name, agency, phone and languages. Audited as a view of the case."""

import datetime

import pytest
from django.core.files.base import ContentFile

from agents.models import Language
from consumers.models import CaseDocument, CaseNote, HouseholdMember
from portal.models import AuditEvent

from .factories import consumer, consumer_signed_in, delegate, verified_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(household):
    case, helper = household["case"], household["helper"]
    HouseholdMember.objects.create(case=case, first_name="Tomasita", last_name="Vandermolen", relationship="child",
                                   date_of_birth=datetime.date(2016, 3, 1))  # fmt: skip
    helper.languages.set(Language.objects.filter(code__in=["en", "es"]))
    held = delegate(case, agent=helper, agency=household["agency"])
    CaseDocument.objects.create(case=case, kind="income", file=ContentFile(b"%PDF-1.7 x", "d.pdf"),
                                original_name="w2-2026.pdf", content_type="application/pdf", size=10, sha256="e" * 64,
                                uploaded_by=helper.user)  # fmt: skip
    CaseNote.objects.create(case=case, agency=household["agency"], helper=helper, author=helper.user,
                            body="Private: call after 5")  # fmt: skip
    person = consumer(case)
    return {**household, "person": person, "client": consumer_signed_in(person), "held": held}


def test_my_case_shows_the_household_coverage_items_documents_and_helper(mine):
    page = mine["client"].get("/my-case/").content.decode()
    for shown in ("Quintessa Vandermolen", "Tomasita", "Blue Shield Silver 70 Trio HMO", "$612.00", "$400.00",
                  "$212.00", "Income", "A recent pay stub", "w2-2026.pdf", "Rosa Delgado of Golden Bear Insurance",
                  "559-555-0101", "English", "Delegation to Rosa Delgado", "Consent"):  # fmt: skip
        assert shown in page, shown
    assert "Private: call after 5" not in page, "the helper's notes are theirs"
    assert AuditEvent.objects.filter(
        action="case.viewed", object_id=str(mine["case"].pk), actor=mine["person"]
    ).exists()


def test_my_case_is_in_spanish_for_a_consumer_who_reads_spanish(mine):
    mine["client"].cookies["django_language"] = "es"
    page = mine["client"].get("/my-case/").content.decode()
    assert "Mi caso" in page and "Su asistente" in page and "Ingresos" in page


def test_the_second_factor_is_recommended_until_enrolled(mine):
    assert "Protect your account" in mine["client"].get("/my-case/").content.decode()
    verified_device(mine["person"])
    # Once enrolled, it is asked at each sign-in, like everyone's.
    response = mine["client"].get("/my-case/")
    assert response.status_code == 302 and response["Location"].startswith("/security/two-factor/verify/")


def test_a_consumer_with_no_case_linked_is_sent_to_link_it(household):
    response = consumer_signed_in(consumer()).get("/my-case/")
    assert response["Location"] == "/my-case/link/"


def test_a_consumer_sees_no_helper_page_of_their_own_case(mine):
    assert mine["client"].get(f"/cases/{mine['case'].pk}/").status_code == 404, "the helpers' case page is theirs"
    assert mine["client"].get("/book/").status_code == 403


def test_the_security_profile_offers_the_second_factor_to_a_consumer_without_one(mine):
    page = mine["client"].get("/security/").content.decode()
    assert "Your sign-in asks for your password only." in page and "/security/two-factor/setup/" in page
    assert "Call Customer Service" in page and "Agent Service Center at" not in page
    assert mine["client"].post("/security/two-factor/recovery-codes/")["Location"] == "/security/two-factor/setup/"


def test_a_consumer_is_pointed_to_customer_service_not_the_agents_line(mine):
    page = mine["client"].get("/my-case/").content.decode()
    assert "Customer Service: 1-800-300-1506" in page and "Agent Service Center: " not in page


def test_a_consumer_never_reads_a_staff_members_sign_in_address(mine):
    from consumers.services import record_renewal

    from .factories import UserFactory

    clerk = UserFactory(is_staff=True, first_name="", last_name="", email="clerk.private@example.org")
    record_renewal(case=mine["case"], by=clerk, status="in_progress")
    page = mine["client"].get("/my-case/").content.decode()
    assert "clerk.private@example.org" not in page
    assert "Renewal status recorded by the marketplace&#x27;s service center" in page
