"""A helper accepts or declines a request; two accepts at once, one wins; the manager is told."""

import threading

import pytest
from django.db import close_old_connections, connection

from delegations.models import Delegation
from delegations.services import DelegationError, accept_delegation
from portal.models import MailboxMessage

from .cases_support import actions
from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_helper_accepts_a_request_and_the_case_joins_their_book(client, world):
    pending = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    sign_in(client, world["agent"].user)
    assert pending.case.case_number in client.get("/delegations/mine/?status=pending").content.decode()
    response = client.post(f"/delegations/{pending.pk}/accept/")
    assert response["Location"] == f"/cases/{pending.case_id}/"
    pending.refresh_from_db()
    assert pending.status == "active" and pending.started_at is not None
    assert client.get(f"/cases/{pending.case_id}/").status_code == 200


def test_helper_declines_with_a_reason(client, world):
    pending = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    sign_in(client, world["agent"].user)
    client.post(f"/delegations/{pending.pk}/decline/", {"reason": ""})
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(f"/delegations/{pending.pk}/decline/", {"reason": "Outside my area"})
    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason) == ("declined", "Outside my area")
    assert "delegation.declined" in actions()


@pytest.mark.django_db(transaction=True)
def test_two_accepts_racing_one_wins_the_other_gets_a_clear_message():
    agency, _ = agency_with_manager()
    agent = agent_in(agency)
    pending = delegate(agent=agent, agency=agency, status="pending")
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait(timeout=10)
            accept_delegation(delegation=pending, by=agent.user)
            outcomes.append("accepted")
        except DelegationError as error:
            outcomes.append(str(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This request was already answered; nothing was changed.", "accepted"]
    assert Delegation.objects.filter(case=pending.case, status="active").count() == 1


def test_the_agency_manager_is_told_when_a_request_is_accepted_or_declined(client, world):
    accepted = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    declined = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    sign_in(client, world["agent"].user)
    client.post(f"/delegations/{accepted.pk}/accept/")
    client.post(f"/delegations/{declined.pk}/decline/", {"reason": "Full book"})
    messages = dict(MailboxMessage.objects.filter(recipient=world["manager"].user).values_list("subject", "body"))
    assert set(messages) == {"Rosa Delgado accepted a request for help", "Rosa Delgado declined a request for help"}
    assert accepted.case.case_number in messages["Rosa Delgado accepted a request for help"]
    assert messages["Rosa Delgado declined a request for help"].endswith(f"{declined.case.case_number}: Full book")
    assert not MailboxMessage.objects.filter(recipient=world["agent"].user).exists()
