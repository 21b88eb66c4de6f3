"""The agency's request queue: its manager gives a pending request to another certified, Active agent of the agency;
the request stays Pending for them; both agents are told; it is audited. Another agency's request is a 404, and a
request answered in the meantime is not moved (issue 17)."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from delegations.models import Delegation
from delegations.services import DelegationError, accept_delegation, reassign_request
from portal.models import AuditEvent, MailboxMessage

from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency, last_name="Delgado"), agent_in(agency, last_name="Li")
    pending = agent_in(agency, last_name="Pending", certification_status="pending", certified_on=None)
    request = delegate(agent=rosa, agency=agency, status="pending")
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "uncertified": pending, "request": request}


def test_the_manager_gives_a_stale_request_to_another_agent(queue):
    client = sign_in(Client(), queue["manager"].user)
    page = client.get("/agency/delegations/?status=pending").content.decode()
    url = f"/agency/delegations/{queue['request'].pk}/assign/"
    assert url in page
    form = client.get(url).content.decode()
    assert "Li," in form and "Pending," not in form, "only certified, Active agents are offered"
    response = client.post(url, {"agent": queue["li"].pk})
    assert response.status_code == 302
    request = Delegation.objects.get(pk=queue["request"].pk)
    assert (request.agent, request.status) == (queue["li"], "pending")
    assert MailboxMessage.objects.filter(recipient=queue["li"].user, subject__contains="given to you").exists()
    assert MailboxMessage.objects.filter(recipient=queue["rosa"].user, subject__contains="another agent").exists()
    assert AuditEvent.objects.get(action="delegation.reassigned").details == {
        "from_agent": queue["rosa"].license_number, "to_agent": queue["li"].license_number}  # fmt: skip
    assert queue["request"].case.case_number in sign_in(Client(), queue["li"].user).get(
        "/delegations/mine/?status=pending").content.decode()  # fmt: skip


def test_an_uncertified_or_outside_agent_cannot_be_given_a_request(queue):
    client = sign_in(Client(), queue["manager"].user)
    url = f"/agency/delegations/{queue['request'].pk}/assign/"
    other, _ = agency_with_manager()
    for agent in (queue["uncertified"], agent_in(other)):
        page = client.post(url, {"agent": agent.pk})
        assert page.status_code == 400 and "Choose a certified agent" in page.content.decode()
    assert Delegation.objects.get(pk=queue["request"].pk).agent == queue["rosa"]


def test_another_agencys_request_and_other_people_get_nothing(queue):
    _, stranger = agency_with_manager()
    url = f"/agency/delegations/{queue['request'].pk}/assign/"
    assert sign_in(Client(), stranger.user).post(url, {"agent": queue["li"].pk}).status_code == 404
    assert sign_in(Client(), queue["rosa"].user).post(url, {"agent": queue["li"].pk}).status_code == 403
    assert Delegation.objects.get(pk=queue["request"].pk).agent == queue["rosa"]


@pytest.mark.django_db(transaction=True)
def test_a_request_accepted_while_it_is_given_away_is_either_accepted_or_moved_never_both():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency), agent_in(agency)
    request = delegate(agent=rosa, agency=agency, status="pending")
    barrier, outcomes = threading.Barrier(2), {}

    def run(name, call):
        close_old_connections()
        try:
            barrier.wait()
            call()
            outcomes[name] = "done"
        except DelegationError:
            outcomes[name] = "refused"
        except Exception as error:  # noqa: BLE001 - the test says what went wrong
            outcomes[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("accept", lambda: accept_delegation(delegation=request, by=rosa.user))),
        threading.Thread(
            target=run, args=("give", lambda: reassign_request(delegation=request, to_agent=li, by=manager.user))
        ),  # fmt: skip
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    request.refresh_from_db()
    assert sorted(outcomes.values()) == ["done", "refused"], outcomes
    if outcomes["accept"] == "done":
        assert (request.agent, request.status) == (rosa, "active")
    else:
        assert (request.agent, request.status) == (li, "pending")
