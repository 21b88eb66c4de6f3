"""Acting on behalf of an agent ends the moment either person stops qualifying, not at sign-out."""

import threading

import pytest
from django.db import close_old_connections, connection

from agencies.models import Membership
from delegations.models import ActingOnBehalf
from portal.models import AuditEvent

from .factories import MembershipFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def acting(client):
    agency, manager = agency_with_manager()
    agent = agent_in(agency, first_name="Rosa", last_name="Delgado")
    case = delegate(agent=agent, agency=agency).case
    sign_in(client, manager.user)
    client.post(f"/delegations/acting/{agent.pk}/start/")
    page = client.get("/delegations/mine/").content.decode()
    assert "Acting on behalf of Rosa Delgado" in page and case.case_number in page
    return {"agency": agency, "manager": manager, "agent": agent, "case": case}


def assert_acting_ended(client, world):
    mine = client.get("/delegations/mine/").content.decode()
    assert "Acting on behalf" not in mine
    assert world["case"].case_number not in mine, "My Delegations is the manager's own again, not the agent's"
    assert ActingOnBehalf.objects.get().ended_at is not None
    assert AuditEvent.objects.filter(action="acting.stopped", actor=world["manager"].user).exists()


def test_acting_ends_when_the_manager_is_made_inactive(client, acting):
    Membership.objects.filter(user=acting["manager"].user).update(status="inactive")
    assert_acting_ended(client, acting)


def test_acting_ends_when_the_agent_is_made_inactive(client, acting):
    Membership.objects.filter(user=acting["agent"].user).update(status="inactive")
    assert_acting_ended(client, acting)


def test_acting_ends_when_the_agent_moves_to_another_agency(client, acting):
    Membership.objects.filter(user=acting["agent"].user).update(status="inactive")
    MembershipFactory(user=acting["agent"].user, agency=agency_with_manager()[0], role=Membership.Role.AGENT)
    assert_acting_ended(client, acting)


def test_acting_ends_when_the_manager_is_no_longer_the_manager(client, acting):
    Membership.objects.filter(user=acting["manager"].user).update(role=Membership.Role.AGENT)
    assert_acting_ended(client, acting)


@pytest.mark.django_db(transaction=True)
def test_two_requests_ending_the_same_session_at_once_end_and_audit_it_once():
    from delegations.services import start_acting, stop_acting

    agency, manager = agency_with_manager()
    start_acting(manager=manager.user, agent=agent_in(agency), agency=agency)
    barrier, ended = threading.Barrier(2), []

    def stop():
        try:
            barrier.wait(timeout=10)
            ended.append(stop_acting(manager=manager.user))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=stop) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(ended) == [0, 1]
    assert AuditEvent.objects.filter(action="acting.stopped").count() == 1
