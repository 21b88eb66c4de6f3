"""The extranet serves an agent's weekly files only while the agent holds the scope they were made for: certified,
and still in the agency whose consumers they list (issue 16, finding 6). After a transfer and Inactive, or a move
to another agency, the earlier files are gone from the list and their downloads are a 404."""

import datetime

from agents.services import accept_agency_invitation, set_agent_status
from bookofbusiness.extracts import write_owner_extracts
from bookofbusiness.models import Extract
from delegations.services import transfer_delegations

from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY, active_account, at, extranet_client, published
from .factories import agency_with_manager, agent_in, delegate, invite

pytestmark = IN_THE_WEEK_OF_MONDAY

LAST_WEEK = datetime.date(2026, 11, 16)
THIS_WEEK = datetime.date(2026, 11, 23)


def listed(client) -> str:
    return client.get("/extranet/").content.decode()


def test_an_agent_who_left_keeps_no_file_of_the_agency_they_left():
    a, a_manager = agency_with_manager()
    agent, colleague = agent_in(a), agent_in(a)
    delegate(agent=agent, agency=a)
    account = active_account(agent)
    old = published("agent", agent, LAST_WEEK)
    client = extranet_client(account)
    assert client.get(f"/extranet/files/{old.pk}/download/").status_code == 200
    assert f"/extranet/files/{old.pk}/download/" in listed(client)

    transfer_delegations(from_agent=agent, to_agent=colleague, agency=a, by=a_manager.user)
    set_agent_status(agent=agent, agency=a, by=a_manager.user, active=False)
    assert client.get(f"/extranet/files/{old.pk}/download/").status_code == 404
    assert f"/extranet/files/{old.pk}/download/" not in listed(client)

    b, b_manager = agency_with_manager()
    accept_agency_invitation(invitation_id=invite(agent, agency=b, by=b_manager.user).pk, by=agent.user)
    assert client.get(f"/extranet/files/{old.pk}/download/").status_code == 404, (
        "not in B either: it lists A's consumers"
    )
    new = published("agent", agent, THIS_WEEK)
    assert new.made_in_agency == b
    assert client.get(f"/extranet/files/{new.pk}/download/").status_code == 200


def test_coming_back_to_the_same_agency_does_not_bring_back_earlier_files():
    a, a_manager = agency_with_manager()
    agent = agent_in(a)
    account = active_account(agent)
    old = published("agent", agent, LAST_WEEK)
    set_agent_status(agent=agent, agency=a, by=a_manager.user, active=False)
    with at(MONDAY + datetime.timedelta(days=1)):
        accept_agency_invitation(invitation_id=invite(agent, agency=a, by=a_manager.user).pk, by=agent.user)
        client = extranet_client(account)
        assert client.get(f"/extranet/files/{old.pk}/download/").status_code == 404


def test_the_weekly_run_records_the_agency_each_agents_file_was_made_in():
    a, _ = agency_with_manager()
    agent = agent_in(a)
    delegate(agent=agent, agency=a)
    write_owner_extracts(scope="agent", owner_ids=[agent.pk], week=THIS_WEEK)
    made = Extract.objects.filter(scope="agent", agent=agent)
    assert made.count() == 4 and {e.made_in_agency_id for e in made} == {a.pk}


def test_a_decertified_agent_sees_no_file_and_downloads_none():
    a, _ = agency_with_manager()
    agent = agent_in(a)
    account = active_account(agent)
    old = published("agent", agent, LAST_WEEK)
    client = extranet_client(account)
    agent.certification_status = "suspended"
    agent.save()
    assert client.get(f"/extranet/files/{old.pk}/download/").status_code != 200


def test_a_file_made_in_no_agency_does_not_come_back_after_leaving_one():
    from .factories import AgentFactory

    agent = AgentFactory()
    delegate(agent=agent, agency=None)
    account = active_account(agent)
    with at(MONDAY - datetime.timedelta(days=7)):
        old = published("agent", agent, LAST_WEEK)
    a, a_manager = agency_with_manager()
    colleague = agent_in(a)
    with at(MONDAY + datetime.timedelta(hours=1)):
        accept_agency_invitation(invitation_id=invite(agent, agency=a, by=a_manager.user).pk, by=agent.user)
        transfer_delegations(from_agent=agent, to_agent=colleague, agency=a, by=a_manager.user)
        set_agent_status(agent=agent, agency=a, by=a_manager.user, active=False)
    with at(MONDAY + datetime.timedelta(hours=2)):
        assert extranet_client(account).get(f"/extranet/files/{old.pk}/download/").status_code == 404


def test_leaving_and_coming_back_the_same_day_does_not_bring_back_that_mornings_file():
    a, manager = agency_with_manager()
    agent, colleague = agent_in(a), agent_in(a)
    delegate(agent=agent, agency=a)
    account = active_account(agent)
    morning = published("agent", agent, THIS_WEEK)
    with at(MONDAY + datetime.timedelta(hours=2)):
        transfer_delegations(from_agent=agent, to_agent=colleague, agency=a, by=manager.user)
        set_agent_status(agent=agent, agency=a, by=manager.user, active=False)
    with at(MONDAY + datetime.timedelta(hours=3)):
        accept_agency_invitation(invitation_id=invite(agent, agency=a, by=manager.user).pk, by=agent.user)
        assert extranet_client(account).get(f"/extranet/files/{morning.pk}/download/").status_code == 404
