"""Every delegation is opened with a consent record: who consented, to whom, when, how, and the words shown, in the
language shown. A consumer's request records the statement printed above its button; Write new business records
the agent's attestation, which the form requires; staff opening one in admin record the consumer's call."""

import datetime

import pytest
from django.utils import timezone

from consumers.models import ConsumerCase
from consumers.services import generate_access_code
from delegations.models import Consent, Delegation
from portal.models import AuditEvent

from .cases_support import new_business_data
from .factories import ConsumerCaseFactory, UserFactory, delegate, sign_in

pytestmark = pytest.mark.django_db


def _ask(client, agent, case, code):
    return client.post(f"/find-local-help/{agent.pk}/request/", {"case_number": case.case_number, "access_code": code})


def test_a_consumers_request_records_the_words_printed_above_its_button(client, world):
    case = ConsumerCaseFactory(first_name="Marisol", last_name="Ybarra")
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={"name": True})
    form = client.get(f"/find-local-help/{world['agent'].pk}/request/").content.decode()
    _ask(client, world["agent"], case, code)
    consent = Consent.objects.get(case=case)
    assert consent.delegation == Delegation.objects.get(case=case)
    assert consent.channel == Consent.Channel.FIND_LOCAL_HELP and consent.consented_by == "Marisol Ybarra"
    assert (consent.agent, consent.agency, consent.language) == (world["agent"], world["agency"], "en")
    assert consent.recorded_by is None, "the consumer sent it themselves"
    assert consent.consented_at == consent.recorded_at == consent.delegation.requested_at
    assert consent.covers.startswith("By sending this request you allow ")
    assert world["agency"].public_name in consent.covers and world["agent"].full_name in consent.covers
    assert consent.covers.replace("'", "&#x27;") in form, "recorded as shown on the page"


def test_a_request_made_in_spanish_records_the_spanish_words(client, world):
    case = ConsumerCaseFactory()
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={})
    client.cookies["django_language"] = "es"
    form = client.get(f"/find-local-help/{world['agent'].pk}/request/").content.decode()
    _ask(client, world["agent"], case, code)
    consent = Consent.objects.get(case=case)
    assert consent.language == "es"
    assert consent.covers.startswith("Al enviar esta solicitud")
    assert consent.covers in form


def test_a_refused_request_records_no_consent(client, world):
    case = ConsumerCaseFactory()
    generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={})
    _ask(client, world["agent"], case, "ZZZZ-ZZZZ")
    assert not Consent.objects.exists() and not Delegation.objects.exists()


def test_write_new_business_records_the_agents_attestation(client, world):
    sign_in(client, world["agent"].user)
    client.post("/cases/new/", new_business_data())
    case = ConsumerCase.objects.get(last_name="Ortega")
    consent = Consent.objects.get(case=case)
    assert consent.channel == Consent.Channel.NEW_BUSINESS and consent.attested
    assert consent.recorded_by == world["agent"].user and consent.consented_by == "Luis Ortega"
    assert consent.covers.startswith("I attest that the consumer agreed")


def test_write_new_business_without_the_attestation_says_so_beside_it_and_keeps_everything_typed(client, world):
    sign_in(client, world["agent"].user)
    data = new_business_data()
    del data["consent-attested"]
    response = client.post("/cases/new/", data)
    page = response.content.decode()
    assert "Confirm that the consumer agreed before you create the case." in page
    assert 'value="Ortega"' in page and 'value="Silver 70 EPO"' in page, "what was typed is kept"
    assert not ConsumerCase.objects.exists() and not Consent.objects.exists(), "nothing saved half-way"


def test_a_delegation_staff_open_in_admin_records_the_consumers_call(client, world):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    case = ConsumerCaseFactory()
    # Yesterday at noon: a time that exists once on any day (admin rightly refuses 01:30 on the night the
    # clocks go back, which happens twice, or 02:30 on the night they go forward, which does not happen).
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post("/admin/delegations/delegation/add/", {
        "case": case.pk, "agent": world["agent"].pk, "agency": world["agency"].pk, "status": "active",
        "origin": "staff", "requested_at_0": f"{day:%Y-%m-%d}", "requested_at_1": "12:00:00",
        "started_at_0": f"{day:%Y-%m-%d}", "started_at_1": "12:00:00",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = Consent.objects.get(case=case)
    assert consent.channel == Consent.Channel.STAFF and consent.recorded_by == staff
    assert "asked the service center" in consent.covers
    assert AuditEvent.objects.filter(action="delegation.consent_recorded", actor=staff).exists()


def test_reading_a_consent_record_in_admin_is_recorded_as_reading_the_case(client, world):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    held = delegate(agent=world["agent"], agency=world["agency"])
    page = client.get(f"/admin/delegations/consent/{held.consent.pk}/change/")
    assert page.status_code == 200 and held.case.applicant_name in page.content.decode()
    event = AuditEvent.objects.get(action="case.viewed", actor=staff)
    assert event.object_id == str(held.case_id) and event.details == {"in": "admin", "consent": held.consent.pk}
    assert client.post(f"/admin/delegations/consent/{held.consent.pk}/delete/").status_code == 403
