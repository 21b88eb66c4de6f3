"""The case page's history says what changed: which fields, and from what to what for statuses, dates and agents,
in the reader's language; of the household's personal data (income, date of birth, e-mail, phone, address) only
that it changed, on the page and in the audit log alike."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from consumers.models import ConsumerCase
from delegations.services import transfer_delegations
from portal.changes import describe_changes, what_changed
from portal.models import AuditEvent

from .cases_support import PDF
from .factories import VerificationFactory, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def history(page: str) -> str:
    return page.split('id="history-heading"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def case(world):
    return delegate(agent=world["agent"], agency=world["agency"]).case


@pytest.fixture
def client(world):
    return sign_in(Client(), world["agent"].user)


def details() -> str:
    return json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))


def test_a_renewal_says_from_which_status_to_which(client, case):
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "in_progress"})
    shown = history(client.get(f"/cases/{case.pk}/").content.decode())
    assert "Renewal status recorded by" in shown and "Renewal status: Not started → In progress" in shown
    event = AuditEvent.objects.get(action="case.renewal_recorded")
    assert event.details["changes"] == [{"field": "renewal_status", "old": "not_started", "new": "in_progress"}]


def test_an_address_or_phone_change_says_only_which_fields_changed(client, case):
    # The city must not be anyone's name here, so that finding it in the history means the address leaked.
    from agents.models import Agent
    from consumers.models import HouseholdMember
    from portal.models import User

    for model in (User, Agent, ConsumerCase, HouseholdMember):
        model.objects.filter(last_name__icontains="Davis").update(last_name="Quintero")
        model.objects.filter(first_name__icontains="Davis").update(first_name="Marta")
    client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "9 Quillfeather Ave", "city": "Davis",
                                               "zip_code": "95616", "county": "Yolo", "effective_on": "2026-11-01"})  # fmt: skip
    client.post(f"/cases/{case.pk}/changes/", {"kind": "phone", "phone": "916-555-0142", "effective_on": "2026-11-01"})
    client.post(f"/cases/{case.pk}/changes/", {"kind": "income", "annual_income": "41377",
                                               "effective_on": "2026-11-01"})  # fmt: skip
    page = client.get(f"/cases/{case.pk}/").content.decode()
    shown = history(page)
    assert "Street address changed" in shown and "ZIP code changed" in shown and "Phone changed" in shown
    assert "Yearly household income changed" in shown
    for value in ("Quillfeather", "95616", "555-0142", "5550142", "41377", "Davis"):
        assert value not in shown, value
        assert value not in details(), value
    assert "Quillfeather" in page, "the household section shows the address itself"
    phone = AuditEvent.objects.filter(action="case.change_reported").order_by("id")[1]
    assert phone.details["changes"] == [{"field": "phone", "changed": True}]


def test_a_document_that_clears_an_item_says_the_items_status_changed(client, case):
    item = VerificationFactory(case=case, kind="income")
    client.post(f"/cases/{case.pk}/documents/",
                {"kind": "income", "verification": item.pk, "file": SimpleUploadedFile("stub.pdf", PDF)})  # fmt: skip
    shown = history(client.get(f"/cases/{case.pk}/").content.decode())
    assert "Conditional-eligibility item (Income): status: Documents needed → Submitted" in shown


def test_a_transfer_says_from_which_agent_to_which(world, case):
    li = agent_in(world["agency"], first_name="Li", last_name="Chen")
    transfer_delegations(by=world["manager"].user, agency=world["agency"], from_agent=world["agent"], to_agent=li)
    shown = history(sign_in(Client(), world["manager"].user).get(f"/cases/{case.pk}/").content.decode())
    assert "Agent: Rosa Delgado → Li Chen" in shown
    event = AuditEvent.objects.get(action="delegation.transferred")
    assert event.details["changes"] == [
        {"field": "agent", "old": world["agent"].license_number, "new": li.license_number}
    ]


def test_the_history_is_in_the_readers_language(world, case, client):
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    user = world["agent"].user
    user.preferred_language = "es"
    user.save()
    client.post("/i18n/setlang/", {"language": "es", "next": f"/cases/{case.pk}/"})
    shown = history(client.get(f"/cases/{case.pk}/").content.decode())
    assert "Estado de la renovación" in shown and "Sin comenzar" in shown


def test_sensitive_fields_never_show_values_even_if_an_entry_had_them():
    before = {"date_of_birth": "1980-01-01", "email": "a@example.com", "renewal_status": "renewed"}
    after = {"date_of_birth": "1981-02-02", "email": "b@example.com", "renewal_status": "renewed"}
    entries = what_changed(ConsumerCase, before, after)
    assert entries == [{"field": "date_of_birth", "changed": True}, {"field": "email", "changed": True}]
    crafted = [{"field": "date_of_birth", "old": "1980-01-01", "new": "1981-02-02"}]
    with translation.override("en"):
        assert [str(change) for change in describe_changes(ConsumerCase, crafted)] == ["Date of birth changed"]
        dates = describe_changes(ConsumerCase, [{"field": "created_at", "old": None, "new": "2026-11-18T10:00:00"}])
        assert str(dates[0]).startswith("Created: — → 11/18/2026")
