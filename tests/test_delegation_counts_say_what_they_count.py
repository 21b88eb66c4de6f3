"""Every page that counts an agent's delegations says which it counts, and the same label counts the same thing
everywhere: "Active delegations" (cases the agent holds) and "Pending requests" (waiting for an answer), never
one number that is active on one page and active-plus-pending on the next (issue 18: 43, 44 and 43)."""

import re

import pytest
from django.test import Client

from delegations.models import Delegation

from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def text(page) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))


@pytest.fixture
def pendergrass():
    agency, manager = agency_with_manager()
    agent = agent_in(agency, first_name="Ottoline", last_name="Pendergrass")
    for _ in range(3):
        delegate(agent=agent, agency=agency)
    delegate(agent=agent, agency=agency, status=Delegation.Status.PENDING)
    delegate(agent=agent, agency=agency, status=Delegation.Status.ENDED, end_reason="case_closed", started_at=None)
    return agency, manager, agent


def test_the_roster_the_agents_page_and_the_transfer_page_say_3_active_and_1_pending(pendergrass):
    agency, manager, agent = pendergrass
    client = sign_in(Client(), manager.user)
    roster = client.get("/agency/agents/", {"q": "Pendergrass"}).content.decode()
    headers = re.findall(r'<th scope="col"[^>]*><a [^>]*>([^<]+)</a>', roster)
    row = re.search(r"Pendergrass, Ottoline</a></th>(.*?)</tr>", roster, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert dict(zip(headers[1:3], cells[:2], strict=True)) == {"Active delegations": "3", "Pending requests": "1"}
    detail = text(client.get(f"/agency/agents/{agent.pk}/"))
    assert "Active delegations 3 Pending requests 1" in detail
    assert "pending or active" not in detail
    transfer = text(client.get(f"/delegations/transfer/{agent.pk}/"))
    assert "holds 3 active delegations" in transfer and "1 request is still pending" in transfer


def test_my_delegations_and_its_dashboard_say_3_active_and_1_pending(pendergrass):
    _, _, agent = pendergrass
    page = text(sign_in(Client(), agent.user).get("/delegations/mine/"))
    assert "Active delegations (3)" in page and "Pending requests (1)" in page
    assert "Active delegations: 3" in page and "Pending requests: 1" in page


def test_the_agency_home_counts_the_agencys_delegations_under_the_same_labels(pendergrass):
    _, manager, _ = pendergrass
    page = text(sign_in(Client(), manager.user).get("/agency/"))
    assert "3 Active delegations" in page and "1 Pending requests" in page
    assert "Active delegations: 3" in page and "Pending requests: 1" in page
