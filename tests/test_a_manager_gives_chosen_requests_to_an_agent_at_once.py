"""The request queue's bulk action: the manager ticks pending requests (or all matching the queue's filter) and
gives them to one certified, Active agent after a review naming the count and both agents; active cases and
another agency's requests are never among them; each request is audited; the agents are told once each."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from delegations.models import Delegation
from delegations.services import DelegationError, accept_delegation, give_requests
from portal.models import AuditEvent, MailboxMessage

from .bulk_support import GIVE, review, review_and_confirm
from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency, last_name="Delgado"), agent_in(agency, last_name="Li")
    old = timezone.now() - datetime.timedelta(days=9)
    stale = [delegate(ConsumerCaseFactory(county="Fresno"), agent=rosa, agency=agency, status="pending",
                      requested_at=old) for _ in range(3)]  # fmt: skip
    fresh = delegate(ConsumerCaseFactory(county="Fresno"), agent=rosa, agency=agency, status="pending")
    held = delegate(agent=rosa, agency=agency)
    other, _ = agency_with_manager()
    theirs = delegate(agent=agent_in(other), agency=other, status="pending")
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "stale": stale, "fresh": fresh,
            "held": held, "theirs": theirs}  # fmt: skip


def test_the_queue_offers_the_choice_only_on_pending_rows(queue):
    client = sign_in(Client(), queue["manager"].user)
    page = client.get("/agency/delegations/").content.decode()
    assert page.count('name="chosen"') == 4, "four pending requests can be ticked; the active case cannot"
    assert "Give the chosen requests" in page


def test_giving_all_stale_requests_moves_those_the_filter_matches(queue, django_capture_on_commit_callbacks):
    client = sign_in(Client(), queue["manager"].user)
    data = {"all": "1", "filters": "status=pending&older_than=7", "to_agent": queue["li"].pk}
    shown = review(client, GIVE, data).content.decode()
    assert f"3 pending requests will go to {queue['li'].full_name}." in shown
    assert f"({queue['rosa'].license_number}): 3" in shown
    with django_capture_on_commit_callbacks(execute=True):
        done = review_and_confirm(client, GIVE, data, follow=True)
    assert f"3 requests are now with {queue['li'].full_name}." in done.content.decode()
    assert set(Delegation.objects.filter(agent=queue["li"]).values_list("pk", flat=True)) == {
        d.pk for d in queue["stale"]}  # fmt: skip
    assert Delegation.objects.get(pk=queue["fresh"].pk).agent == queue["rosa"]
    assert Delegation.objects.filter(agent=queue["li"], status="pending").count() == 3, "still Pending for Li"
    assert AuditEvent.objects.filter(action="delegation.reassigned").count() == 3
    assert MailboxMessage.objects.filter(recipient=queue["li"].user).count() == 1
    assert MailboxMessage.objects.filter(recipient=queue["rosa"].user).count() == 1


def test_an_active_case_or_another_agencys_request_cannot_be_given(queue):
    client = sign_in(Client(), queue["manager"].user)
    for delegation in (queue["held"], queue["theirs"]):
        page = client.post(GIVE, {"chosen": [delegation.pk], "filters": "", "to_agent": queue["li"].pk,
                                  "step": "confirm", "expected": "1", "expected_agent": queue["li"].pk})  # fmt: skip
        assert page.status_code == 400
        assert Delegation.objects.get(pk=delegation.pk).agent != queue["li"]


def test_nothing_chosen_gives_nothing(queue):
    client = sign_in(Client(), queue["manager"].user)
    page = client.post(GIVE, {"filters": "status=pending", "to_agent": queue["li"].pk}, follow=True)
    assert "No request was chosen, so nothing was given." in page.content.decode()
    assert not Delegation.objects.filter(agent=queue["li"]).exists()


def test_agents_and_staff_without_the_grant_cannot_give(queue):
    client = sign_in(Client(), queue["rosa"].user)
    assert client.post(GIVE, {"all": "1", "filters": "", "to_agent": queue["li"].pk}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_an_agent_accepting_while_the_manager_gives_keeps_one_outcome(queue):
    target = queue["stale"][0]
    barrier, results = threading.Barrier(2), {}

    def accept():
        close_old_connections()
        try:
            barrier.wait()
            accept_delegation(delegation=Delegation.objects.get(pk=target.pk), by=queue["rosa"].user)
            results["accept"] = "ok"
        except DelegationError:
            results["accept"] = "refused"
        finally:
            connection.close()

    def give():
        close_old_connections()
        try:
            barrier.wait()
            results["give"] = give_requests(by=queue["manager"].user, agency=queue["agency"],
                                            delegation_ids=[target.pk], to_agent=queue["li"])  # fmt: skip
        except DelegationError:
            results["give"] = 0
        finally:
            connection.close()

    threads = [threading.Thread(target=accept), threading.Thread(target=give)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = Delegation.objects.get(pk=target.pk)
    if results["accept"] == "ok":
        assert results["give"] == 0 and (final.status, final.agent) == ("active", queue["rosa"])
    else:
        assert results["give"] == 1 and (final.status, final.agent) == ("pending", queue["li"])


def test_the_review_asks_whom_to_give_them_to_not_whom_to_transfer_them_to(queue):
    """Giving requests is not a transfer (the cases are not active): the agent field says "Give to"."""
    client = sign_in(Client(), queue["manager"].user)
    shown = review(client, GIVE, {"all": "1", "filters": "status=pending"}).content.decode()
    assert '<label for="id_to_agent">Give to' in shown and "Transfer to" not in shown
