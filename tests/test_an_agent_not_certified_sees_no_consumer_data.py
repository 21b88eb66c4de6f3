"""An agent who is decertified, suspended, expired or pending keeps their own pages but no consumer's data: not in
My Delegations (active or pending), the Book of Business, its export or the case page, from the next request on."""

import pytest

from agents.models import Agent

from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_with_cases(client):
    agency, _ = agency_with_manager()
    rosa = agent_in(agency)
    # Names no page holds otherwise (a Faker name like "King" is also the county "Kings" in a filter).
    active = delegate(ConsumerCaseFactory(last_name="Quillfeather"), agent=rosa, agency=agency).case
    pending = delegate(ConsumerCaseFactory(last_name="Ravenscroft"), agent=rosa, agency=agency, status="pending").case
    sign_in(client, rosa.user)
    for url in ("/delegations/mine/", "/book/"):
        assert active.case_number in client.get(url).content.decode()
    assert pending.case_number in client.get("/delegations/mine/?status=pending").content.decode()
    return {"rosa": rosa, "active": active, "pending": pending}


@pytest.mark.parametrize("status", ["decertified", "suspended", "expired", "pending"])
def test_an_agent_not_certified_sees_no_consumer_anywhere(client, agent_with_cases, status):
    rosa, active, pending = agent_with_cases["rosa"], agent_with_cases["active"], agent_with_cases["pending"]
    Agent.objects.filter(pk=rosa.pk).update(certification_status=status)
    for url in ("/delegations/mine/", "/delegations/mine/?status=pending", "/book/", "/agent/profile/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        for case in (active, pending):
            assert case.case_number not in page and case.last_name not in page, (url, status)
    assert client.get("/book/export/csv/").status_code == 403
    assert client.get("/book/export/xlsx/").status_code == 403
    assert client.get(f"/cases/{active.pk}/").status_code == 404
    assert client.post(f"/delegations/{pending.delegations.get().pk}/accept/").status_code == 404


def test_certified_again_the_agent_sees_their_cases_again(client, agent_with_cases):
    rosa, active = agent_with_cases["rosa"], agent_with_cases["active"]
    Agent.objects.filter(pk=rosa.pk).update(certification_status="suspended")
    assert active.case_number not in client.get("/book/").content.decode()
    Agent.objects.filter(pk=rosa.pk).update(certification_status="certified")
    assert active.case_number in client.get("/book/").content.decode()


def test_a_manager_no_longer_certified_sees_none_of_the_agencys_consumers(client, agent_with_cases):
    agency = agent_with_cases["rosa"].user.memberships.get().agency
    manager = agency.memberships.get(role="manager").user
    sign_in(client, manager)
    Agent.objects.filter(user=manager).update(certification_status="decertified")
    for url in ("/agency/", "/book/", "/agency/delegations/", "/delegations/mine/"):
        response = client.get(url)
        page = response.content.decode() if response.status_code == 200 else ""
        assert response.status_code in (200, 403), url
        assert agent_with_cases["active"].case_number not in page and "Quillfeather" not in page, url
    assert client.get(f"/cases/{agent_with_cases['active'].pk}/").status_code == 404
    assert client.get("/book/export/csv/").status_code == 403
    assert client.get("/agency/agents/").status_code == 200, "the roster and the account stay the manager's"
