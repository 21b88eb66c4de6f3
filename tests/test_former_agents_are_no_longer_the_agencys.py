"""An agent who left an agency (made Inactive, or now in another agency, or its manager) is no longer that
agency's to read or edit: roster, profile, status, transfer and acting on behalf all answer 404 (issue 16,
finding 2)."""

import pytest
from django.test import Client

from agents.services import accept_agency_invitation, set_agent_status

from .factories import AgencyLocationFactory, agency_with_manager, agent_in, invite, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved():
    """An agent who left agency A and joined agency B, listed at one of B's subsites."""
    a, a_manager = agency_with_manager(public_name="Alpha Agency")
    b, b_manager = agency_with_manager(public_name="Beta Agency")
    agent = agent_in(a, last_name="Traveller", biography="Bilingual.")
    set_agent_status(agent=agent, agency=a, by=a_manager.user, active=False)
    accept_agency_invitation(invitation_id=invite(agent, agency=b, by=b_manager.user).pk, by=agent.user)
    b_office = AgencyLocationFactory(agency=b)
    agent.subsite_locations.add(b_office)
    return {"a_manager": a_manager, "agent": agent, "b_office": b_office}


def test_the_agency_an_agent_left_no_longer_lists_or_opens_them(moved):
    agent, client = moved["agent"], sign_in(Client(), moved["a_manager"].user)
    assert agent.license_number not in client.get("/agency/agents/").content.decode()
    assert "No agent matches" in client.get("/agency/agents/", {"q": agent.license_number}).content.decode()
    for url in (f"/agency/agents/{agent.pk}/", f"/delegations/transfer/{agent.pk}/"):
        assert client.get(url).status_code == 404, url
    for url in (f"/agency/agents/{agent.pk}/status/", f"/delegations/acting/{agent.pk}/start/"):
        assert client.post(url, {"status": "inactive"}).status_code == 404, url


def test_the_agency_an_agent_left_cannot_edit_them_or_take_their_new_subsites(moved):
    agent, client = moved["agent"], sign_in(Client(), moved["a_manager"].user)
    response = client.post(f"/agency/agents/{agent.pk}/", {"first_name": "Hijacked", "last_name": "Traveller",
                                                            "phone": "916 555 0100", "biography": ""})  # fmt: skip
    assert response.status_code == 404
    agent.refresh_from_db()
    assert (agent.first_name, agent.biography) != ("Hijacked", "")
    assert list(agent.subsite_locations.all()) == [moved["b_office"]], "B's listing is untouched"


def test_a_former_agent_who_now_manages_another_agency_is_not_readable(moved):
    a, a_manager = agency_with_manager(public_name="Gamma Agency")
    b_manager_agent = moved["agent"]  # stands for any agent of another agency, here the one who moved
    client = sign_in(Client(), a_manager.user)
    assert client.get(f"/agency/agents/{b_manager_agent.pk}/").status_code == 404
