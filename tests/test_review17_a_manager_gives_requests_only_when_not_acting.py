"""Review of issue 17: giving a pending request to an agent is the manager's own act, "not while acting" (the
docstring of pages/agency.py assign_request; give_chosen and transfer_chosen answer 403 while acting). The
single-request page /agency/delegations/<id>/assign/ does not check request.acting, so a manager acting on behalf
of an agent gives requests away with the agent's banner on screen and the audit saying both identities."""

import pytest
from django.test import Client

from delegations.models import Delegation

from .factories import ConsumerCaseFactory, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_a_manager_acting_on_behalf_cannot_give_one_request_to_another_agent(book):
    request = delegate(ConsumerCaseFactory(), agent=book["rosa"], agency=book["agency"], status="pending")
    client = sign_in(Client(), book["manager"].user)
    client.post(f"/delegations/acting/{book['rosa'].pk}/start/")
    assert client.get("/delegations/mine/").status_code == 200
    page = client.post(f"/agency/delegations/{request.pk}/assign/", {"agent": book["li"].pk})
    assert page.status_code == 403
    assert Delegation.objects.get(pk=request.pk).agent == book["rosa"]
