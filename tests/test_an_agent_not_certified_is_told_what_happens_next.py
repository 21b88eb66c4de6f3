"""An agent who is not certified (Pending, Suspended, Decertified, Expired) is told, on the pages they land on, what
their certification status means, who decides it, what they cannot do until then, and whom to call; they are offered
no action they cannot take."""

import datetime

import pytest
from django.conf import settings

from agents.models import Agent

from .factories import agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db

HEADINGS = {
    "pending": "Your certification is pending",
    "suspended": "Your certification is suspended",
    "decertified": "You are decertified",
    "expired": "Your certification has expired",
}
PAGES = ("/delegations/mine/", "/today/", "/agent/profile/")


@pytest.fixture
def agent(client):
    agency, _ = agency_with_manager()
    agent = agent_in(agency, last_name="Pendergrass")
    sign_in(client, agent.user)
    return agent


@pytest.mark.parametrize("status", sorted(HEADINGS))
def test_each_status_is_said_with_what_follows_and_whom_to_call(client, agent, status):
    Agent.objects.filter(pk=agent.pk).update(
        certification_status=status, certification_expires_on=datetime.date(2026, 1, 31)
    )
    for url in PAGES:
        page = client.get(url).content.decode()
        assert HEADINGS[status] in page, url
        assert "Agent Service Center" in page and settings.PORTAL_AGENT_SERVICE_CENTER_PHONE in page, url
        assert "you cannot see or work consumers' cases, accept requests for help or write new business" in page
        assert 'href="/cases/new/"' not in page, "no button for what they cannot do"
        assert "Accept a pending request, or write new business" not in page, url
    for other, heading in HEADINGS.items():
        if other != status:
            assert heading not in page


def test_pending_says_who_certifies_and_how_the_agent_learns_of_it(client, agent):
    Agent.objects.filter(pk=agent.pk).update(certification_status="pending", certified_on=None)
    page = client.get("/delegations/mine/").content.decode()
    assert "checks your license and training, then certifies you" in page
    assert "You are told in your Secure Mailbox and by e-mail" in page
    assert "Until you are certified," in page


def test_expired_names_the_date(client, agent):
    Agent.objects.filter(pk=agent.pk).update(
        certification_status="expired", certification_expires_on=datetime.date(2026, 1, 31)
    )
    page = client.get("/today/").content.decode()
    assert "Your certification expired on Jan. 31, 2026." in page, page[page.find("expired on") :][:80]


def test_a_certified_agent_sees_no_such_notice_and_may_write_new_business(client, agent):
    for url in PAGES:
        page = client.get(url).content.decode()
        for heading in HEADINGS.values():
            assert heading not in page, url
    assert 'href="/cases/new/"' in client.get("/delegations/mine/").content.decode()


def test_a_manager_acting_for_a_pending_agent_is_told_in_the_third_person(client):
    agency, manager = agency_with_manager()
    agent = agent_in(agency, first_name="Ottoline", last_name="Pendergrass", certification_status="pending",
                     certified_on=None)  # fmt: skip
    sign_in(client, manager.user)
    assert client.post(f"/delegations/acting/{agent.pk}/start/").status_code == 302
    page = client.get("/delegations/mine/").content.decode()
    assert "Ottoline Pendergrass is not certified (Pending)" in page
    assert "Your certification is pending" not in page
