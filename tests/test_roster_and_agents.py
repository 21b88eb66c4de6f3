"""View Agent List, Add New Agent, Edit Agent Within Agency, transfers, and the invitation to sign in."""

import re

import pytest
from django.core import mail
from django.test import Client

from agencies.models import Membership
from agents.models import Agent, Language
from delegations.models import Delegation
from portal.models import AuditEvent, MailboxMessage

from .bulk_support import TRANSFER, review_and_confirm
from .factories import (
    AgencyLocationFactory,
    AgentFactory,
    MembershipFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(db):
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    return agency, manager


def new_agent_data(location, **overrides):
    data = {
        "license_number": "0k55555", "first_name": "Rosa", "last_name": "Delgado", "email": "rosa@goldenbear.example",
        "phone": "(559) 555-0110", "languages": [Language.objects.get(code="es").pk],
        "biography": "Helps families in Fresno.", "subsite_locations": [location.pk], "is_listed": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_roster_sorts_filters_searches_and_pages(client, agency):
    agency, manager = agency
    for n in range(55):
        agent_in(agency, last_name=f"Agent{n:02d}", license_number=f"1B{n:05d}")
    busy = agent_in(agency, last_name="Busy", license_number="1C00001")
    for _ in range(3):
        delegate(agent=busy, agency=agency)
    pending = agent_in(agency, last_name="Newcomer", certification_status="pending", certified_on=None)
    sign_in(client, manager.user)

    first = client.get("/agency/agents/").content.decode()
    assert "58 agents match" in first and "Page 1 of 2" in first  # 57 and the manager
    by_consumers = client.get("/agency/agents/", {"sort": "-consumers"}).content.decode()
    assert by_consumers.index("Busy") < by_consumers.index("Agent00")
    only_pending = client.get("/agency/agents/", {"certification": "pending"}).content.decode()
    assert "Newcomer" in only_pending and "Busy" not in only_pending
    assert (
        pending.license_number in client.get("/agency/agents/", {"q": pending.license_number.lower()}).content.decode()
    )
    assert "1 agent matches" in client.get("/agency/agents/", {"q": "busy"}).content.decode()
    assert "No agent matches" in client.get("/agency/agents/", {"q": "nobody-here"}).content.decode()


def test_roster_of_500_agents_takes_the_same_few_queries(client, agency, django_assert_max_num_queries):
    agency, manager = agency
    agents = [agent_in(agency) for _ in range(500)]
    for agent in agents[:100]:
        delegate(agent=agent, agency=agency)
    sign_in(client, manager.user)
    for sort in ["name", "-consumers", "certification", "since", "license"]:
        with django_assert_max_num_queries(13):
            assert client.get("/agency/agents/", {"sort": sort, "page": 3}).status_code == 200


def test_add_new_agent_starts_certification_and_invites_them(client, agency, django_capture_on_commit_callbacks):
    agency, manager = agency
    location = AgencyLocationFactory(agency=agency)
    sign_in(client, manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/agency/agents/add/", new_agent_data(location), follow=True)
    assert "Their certification is Pending" in response.content.decode()
    agent = Agent.objects.get(license_number="0K55555")
    assert (agent.certification_status, agent.phone, agent.kind) == ("pending", "559-555-0110", "agent")
    assert list(agent.subsite_locations.all()) == [location]
    assert agent.user.memberships.get().agency == agency
    assert not agent.user.has_usable_password()
    invitation = mail.outbox[-1]
    assert invitation.to == ["rosa@goldenbear.example"]
    assert "Golden Bear Insurance added you to the Agency Portal" in invitation.body
    link = re.search(r"http://127.0.0.1:8000(/invitation/\S+/)", invitation.body).group(1)
    client.post("/accounts/logout/")
    chosen = client.post(link, {"new_password1": "Fresno-Orchard-Road-7", "new_password2": "Fresno-Orchard-Road-7"})
    assert chosen["Location"] == "/accounts/login/"
    agent.user.refresh_from_db()
    assert agent.user.check_password("Fresno-Orchard-Road-7")
    assert client.get(link).status_code == 400, "an invitation works once"


def test_an_agent_already_certified_elsewhere_is_invited_and_joins_certified_when_they_accept(client, agency):
    agency, manager = agency
    known = AgentFactory(license_number="0K77777", last_name="Okafor")
    MembershipFactory(user=known.user, agency=agency_with_manager()[0], status=Membership.Status.INACTIVE)
    sign_in(client, manager.user)
    data = new_agent_data(AgencyLocationFactory(agency=agency), license_number="0K77777", last_name="Okafor")
    response = client.post("/agency/agents/add/", data, follow=True)
    page = response.content.decode()
    assert "they were invited to join your agency" in page and "Invitations waiting for an answer" in page
    assert Agent.objects.filter(license_number="0K77777").count() == 1
    assert not known.user.memberships.filter(status="active").exists(), "nothing changes until they accept"

    invitation = known.user.agency_invitations.get()
    agent_client = sign_in(Client(), known.user)
    assert agency.public_name in agent_client.get("/delegations/mine/").content.decode()
    agent_client.post(f"/agent/invitations/{invitation.pk}/", {"answer": "accept"})
    assert known.user.memberships.get(status="active").agency == agency
    known.refresh_from_db()
    assert known.certification_status == "certified", "they keep their certification"


def test_a_license_active_in_another_agency_gets_a_clear_message(client, agency):
    agency, manager = agency
    other, _ = agency_with_manager()
    agent_in(other, license_number="0K88888", last_name="Nguyen")
    sign_in(client, manager.user)
    data = new_agent_data(AgencyLocationFactory(agency=agency), license_number="0K88888", last_name="Nguyen")
    page = client.post("/agency/agents/add/", data).content.decode()
    assert "belongs to an agent who is active in another agency" in page
    assert not Membership.objects.filter(agency=agency, user__agent__license_number="0K88888").exists()


def test_add_new_agent_refuses_bad_input_with_messages(client, agency):
    agency, manager = agency
    sign_in(client, manager.user)
    data = new_agent_data(AgencyLocationFactory(agency=agency), license_number="12", biography="x" * 501, email="nope")
    page = client.post("/agency/agents/add/", data).content.decode()
    assert "Enter a California insurance license number" in page
    assert "at most 500 characters" in page
    assert "Enter a valid email address." in page
    assert not Agent.objects.filter(last_name="Delgado").exists()


def test_an_agent_with_delegations_cannot_be_made_inactive_until_transferred(
    client, agency, django_capture_on_commit_callbacks
):
    agency, manager = agency
    leaving = agent_in(agency, last_name="Leaving")
    staying = agent_in(agency, last_name="Staying")
    for _ in range(3):
        delegate(agent=leaving, agency=agency)
    sign_in(client, manager.user)
    refused = client.post(f"/agency/agents/{leaving.pk}/status/", {"status": "inactive"}, follow=True)
    page = refused.content.decode()
    assert refused.redirect_chain[-1][0] == f"/delegations/transfer/{leaving.pk}/"
    assert "still has 3 pending or active delegations" in page
    assert leaving.user.memberships.get().status == "active"

    with django_capture_on_commit_callbacks(execute=True):
        nothing = client.post(TRANSFER, {"to_agent": staying.pk, "filters": f"agent={leaving.pk}",
                                         "from_agent": leaving.pk}, follow=True)  # fmt: skip
        assert "No case was chosen, so nothing was transferred." in nothing.content.decode(), "none is never all"
        assert nothing.redirect_chain[-1][0] == f"/agency/agents/{leaving.pk}/"
        moved = review_and_confirm(client, TRANSFER, {"to_agent": staying.pk, "all": "1", "from_agent": leaving.pk,
                                                      "filters": f"agent={leaving.pk}"}, follow=True)  # fmt: skip
    assert moved.redirect_chain[-1][0] == f"/agency/agents/{leaving.pk}/"
    assert "3 cases were transferred to" in moved.content.decode()
    assert Delegation.objects.filter(agent=staying, status="active", origin="transfer").count() == 3
    assert Delegation.objects.filter(agent=leaving, status="ended", end_reason="transferred").count() == 3
    assert MailboxMessage.objects.filter(recipient=staying.user, subject__contains="3 consumers").exists()
    assert {m.to[0] for m in mail.outbox} == {staying.user.email, leaving.user.email}, "both agents are told"
    assert all("Secure Mailbox" in m.body for m in mail.outbox)
    assert AuditEvent.objects.get(action="delegation.transferred").details["to_agent"] == staying.license_number

    client.post(f"/agency/agents/{leaving.pk}/status/", {"status": "inactive"})
    assert leaving.user.memberships.get().status == "inactive"
    assert AuditEvent.objects.filter(action="agent.status_changed", details__to="inactive").exists()
    assert leaving.license_number not in client.get("/agency/agents/").content.decode(), "the roster is Active agents"
    assert client.get(f"/agency/agents/{leaving.pk}/").status_code == 404


def test_manager_edits_an_agents_profile(client, agency):
    agency, manager = agency
    agent = agent_in(agency)
    sign_in(client, manager.user)
    data = {"first_name": "Ana", "last_name": "Reyes", "email": "ana@example.com", "phone": "916 555 0199",
            "biography": "Bilingual.", "languages": [Language.objects.get(code="vi").pk]}  # fmt: skip
    assert client.post(f"/agency/agents/{agent.pk}/", data).status_code == 302
    agent.refresh_from_db()
    assert (agent.first_name, agent.phone, [str(language) for language in agent.languages.all()]) == (
        "Ana",
        "916-555-0199",
        ["Vietnamese"],
    )
    assert agent.email != "ana@example.com", "the e-mail is the agent's own to change"
    assert AuditEvent.objects.filter(action="agent.profile_changed", object_id=str(agent.pk)).exists()


def test_manager_of_another_agency_gets_404_for_our_agent(client, agency):
    agency, _ = agency
    agent = agent_in(agency)
    _, other_manager = agency_with_manager()
    sign_in(client, other_manager.user)
    assert client.get(f"/agency/agents/{agent.pk}/").status_code == 404
    assert client.post(f"/agency/agents/{agent.pk}/status/", {"status": "inactive"}).status_code == 404
    assert client.get(f"/delegations/transfer/{agent.pk}/").status_code == 404


def test_admin_staff_may_view_but_not_change_an_agent(client, agency):
    agency, _ = agency
    agent = agent_in(agency, first_name="Viewed")
    sign_in(client, admin_staff_in(agency, can_view_roster=True))
    page = client.get(f"/agency/agents/{agent.pk}/").content.decode()
    assert "Viewed" in page and "Save the profile" not in page
    assert client.post(f"/agency/agents/{agent.pk}/", {"first_name": "Changed"}).status_code == 403
    assert client.get("/agency/agents/add/").status_code == 403


def test_agent_keeps_their_own_profile(client, agency):
    agency, _ = agency
    agent = agent_in(agency)
    sign_in(client, agent.user)
    response = client.post("/agent/profile/", {"phone": "415-555-0123", "biography": "Also speaks Tagalog.",
                                                "languages": [Language.objects.get(code="tl").pk], "is_listed": "on"})  # fmt: skip
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.biography == "Also speaks Tagalog." and agent.phone == "415-555-0123"
