"""A manager accepts or declines an agent's request only while acting on behalf of that agent: from the queue or
My Delegations, audited as both people; never as themselves, never for another agent than the one acted for."""

import pytest
from django.test import Client

from delegations.models import Delegation
from portal.models import AuditEvent

from .factories import agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_not_acting_the_manager_cannot_answer_an_agents_request(world):
    request = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    client = sign_in(Client(), world["manager"].user)
    assert client.post(f"/delegations/{request.pk}/accept/").status_code == 404
    assert client.post(f"/delegations/{request.pk}/decline/", {"reason": "no"}).status_code == 404
    assert "Accept for" not in client.get("/agency/delegations/?status=pending").content.decode()
    assert Delegation.objects.get(pk=request.pk).status == "pending"


def test_acting_the_manager_accepts_from_the_queue_audited_as_both(world):
    request = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    colleague = agent_in(world["agency"], last_name="Colleague")
    theirs = delegate(agent=colleague, agency=world["agency"], status="pending")
    client = sign_in(Client(), world["manager"].user)
    client.post(f"/delegations/acting/{world['agent'].pk}/start/")
    queue = client.get("/agency/delegations/?status=pending").content.decode()
    assert f"/delegations/{request.pk}/accept/" in queue and f"/delegations/{theirs.pk}/accept/" not in queue
    assert client.post(f"/delegations/{theirs.pk}/accept/").status_code == 404, "only the acted-for agent's"
    client.post(f"/delegations/{request.pk}/accept/")
    assert Delegation.objects.get(pk=request.pk).status == "active"
    event = AuditEvent.objects.get(action="delegation.accepted")
    assert (event.actor, event.on_behalf_of) == (world["manager"].user, world["agent"].user)


def test_acting_the_manager_declines_with_a_reason(world):
    request = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    client = sign_in(Client(), world["manager"].user)
    client.post(f"/delegations/acting/{world['agent'].pk}/start/")
    client.post(f"/delegations/{request.pk}/decline/", {"reason": "Outside our counties"})
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "Outside our counties")
