"""A message to the service center may name one of the person's cases, and only one of theirs: the consumers app's
own scoping decides (cases_for, and own_cases_for for a consumer). Another agency's case, another consumer's, or
a number of no case at all is refused beside the field, with what was typed kept and nothing saved."""

import pytest
from django.test import Client
from django.utils import timezone

from delegations.models import Delegation
from portal.models import AuditEvent
from securemailbox import services
from securemailbox.forms import CASE_CHOICES_LIMIT
from securemailbox.models import Thread

from .factories import (
    ConsumerCaseFactory,
    agency_with_manager,
    agent_in,
    consumer,
    consumer_signed_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ours, manager = agency_with_manager()
    theirs, _their_manager = agency_with_manager()
    rosa = agent_in(ours)
    return {
        "manager": manager,
        "rosa": rosa,
        "our_case": delegate(agent=rosa, agency=ours).case,
        "their_case": delegate(agent=agent_in(theirs), agency=theirs).case,
    }


def test_another_agencys_case_is_refused_beside_the_field_and_nothing_is_saved(world):
    client = sign_in(Client(), world["rosa"].user)
    form = client.get("/mailbox/service-center/write/").content.decode()
    assert world["our_case"].case_number in form and world["their_case"].case_number not in form
    response = client.post(
        "/mailbox/service-center/write/",
        {"subject": "About a case", "body": "Kept as typed", "case": world["their_case"].case_number},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_case_error"' in page and "No case you may see has this case number." in page
    assert 'value="About a case"' in page and "Kept as typed" in page
    assert not Thread.objects.exists()
    assert AuditEvent.objects.get(action="mailbox.case_refused").details == {"case": world["their_case"].case_number}


def test_a_manager_names_a_case_of_their_agency_and_not_one_of_another(world):
    client = sign_in(Client(), world["manager"].user)
    ok = client.post("/mailbox/service-center/write/",
                     {"subject": "Ours", "body": "Hi", "case": world["our_case"].case_number})  # fmt: skip
    assert ok.status_code == 302 and Thread.objects.get().case == world["our_case"]
    refused = client.post("/mailbox/service-center/write/",
                          {"subject": "Theirs", "body": "Hi", "case": world["their_case"].case_number})  # fmt: skip
    assert refused.status_code == 400 and Thread.objects.count() == 1


def test_a_consumer_names_their_own_case_only(world):
    me = consumer(world["our_case"])
    consumer(world["their_case"])
    client = consumer_signed_in(me)
    refused = client.post("/mailbox/service-center/write/",
                          {"subject": "Not mine", "body": "Hi", "case": world["their_case"].case_number})  # fmt: skip
    assert refused.status_code == 400 and not Thread.objects.exists()
    client.post(
        "/mailbox/service-center/write/", {"subject": "Mine", "body": "Hi", "case": world["our_case"].case_number}
    )
    assert Thread.objects.get().case == world["our_case"]


def test_the_service_refuses_a_case_the_form_did_not_check(world):
    with pytest.raises(services.CaseNotYours):
        services.write_to_service_center(person=world["rosa"].user, subject="S", body="B", case=world["their_case"])
    assert not Thread.objects.exists()


def test_a_large_book_is_typed_not_listed(world):
    ours = world["rosa"].user.memberships.get().agency
    for _ in range(CASE_CHOICES_LIMIT + 1):
        delegate(ConsumerCaseFactory(), agent=world["rosa"], agency=ours)
    form = sign_in(Client(), world["rosa"].user).get("/mailbox/service-center/write/").content.decode()
    assert '<select name="case"' not in form and 'name="case"' in form and "Type its case number" in form


def test_once_the_delegation_ends_the_thread_no_longer_shows_the_case_number(world):
    thread = services.write_to_service_center(person=world["rosa"].user, subject="S", body="B", case=world["our_case"])
    client = sign_in(Client(), world["rosa"].user)
    assert world["our_case"].case_number in client.get(f"/mailbox/service-center/{thread.pk}/").content.decode()
    Delegation.objects.filter(case=world["our_case"]).update(
        status=Delegation.Status.ENDED, ended_at=timezone.now(), end_reason=Delegation.EndReason.CONSUMER_REQUEST
    )
    page = client.get(f"/mailbox/service-center/{thread.pk}/").content.decode()
    assert world["our_case"].case_number not in page and "B" in page
