"""Choosing cases in the Book of Business and transferring them: the review names the exact count and both
agents; nothing chosen is nothing; "all matching" is the filter, not the page; what moves is what was confirmed;
one transaction; another agency's rows are never reached."""

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from delegations.models import Delegation
from portal.models import AuditEvent, MailboxMessage

from .book_support import case_for
from .bulk_support import TRANSFER, review, review_and_confirm
from .factories import agent_in, sign_in

pytestmark = pytest.mark.django_db


def active(agent):
    return set(Delegation.objects.filter(agent=agent, status="active").values_list("case_id", flat=True))


def test_the_review_names_the_count_and_both_agents_and_nothing_moves_yet(client, book):
    rosa, li, cases = book["rosa"], book["li"], book["cases"]
    sign_in(client, book["manager"].user)
    chosen = [Delegation.objects.get(case=cases[name], status="active").pk for name in ("ana", "ben")]
    page = review(client, TRANSFER, {"chosen": chosen, "filters": "", "to_agent": li.pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert f"2 cases will move to {li.full_name}." in text
    assert f"{rosa.first_name} {rosa.last_name} ({rosa.license_number}): 2" in text
    assert f"Transfer 2 cases to {li.full_name}" in text
    assert active(rosa) == {cases["ana"].pk, cases["ben"].pk}, "the review moves nothing"


def test_confirming_moves_the_chosen_cases_tells_both_agents_and_audits(
    client, book, django_capture_on_commit_callbacks
):
    rosa, li, cases = book["rosa"], book["li"], book["cases"]
    sign_in(client, book["manager"].user)
    chosen = [Delegation.objects.get(case=cases["ana"], status="active").pk]
    with django_capture_on_commit_callbacks(execute=True):
        done = review_and_confirm(client, TRANSFER, {"chosen": chosen, "filters": "sort=name", "to_agent": li.pk},
                                  follow=True)  # fmt: skip
    assert f"1 case was transferred to {li.full_name}." in done.content.decode()
    assert done.redirect_chain[-1][0] == "/book/?sort=name", "back to the list as it was filtered"
    assert active(li) == {cases["ana"].pk, cases["cho"].pk} and active(rosa) == {cases["ben"].pk}
    moved = Delegation.objects.get(case=cases["ana"], status="active")
    assert moved.origin == "transfer" and moved.transferred_from_id == chosen[0]
    event = AuditEvent.objects.get(action="delegation.transferred")
    assert event.details["cases"] == [cases["ana"].case_number] and event.details["to_agent"] == li.license_number
    assert MailboxMessage.objects.filter(recipient=li.user, subject="1 consumer was transferred to you").exists()
    assert MailboxMessage.objects.filter(recipient=rosa.user, subject__contains="transferred to another").exists()
    assert {message.to[0] for message in mail.outbox} == {li.user.email, rosa.user.email}


def test_nothing_chosen_transfers_nothing_and_says_so(client, book):
    sign_in(client, book["manager"].user)
    page = client.post(TRANSFER, {"filters": "county=Fresno", "to_agent": book["li"].pk, "step": "confirm",
                                  "expected": "3", "expected_agent": book["li"].pk}, follow=True)  # fmt: skip
    assert "No case was chosen, so nothing was transferred." in page.content.decode()
    assert page.redirect_chain[-1][0] == "/book/?county=Fresno"
    assert active(book["rosa"]) == {book["cases"]["ana"].pk, book["cases"]["ben"].pk}


def test_all_matching_is_the_filter_on_every_page_not_the_whole_book(client, book):
    rosa, li, cases = book["rosa"], book["li"], book["cases"]
    sign_in(client, book["manager"].user)
    page = review(client, TRANSFER, {"all": "1", "filters": "county=Fresno&page=3", "to_agent": li.pk})
    assert "1 case will move to" in page.content.decode()
    review_and_confirm(client, TRANSFER, {"all": "1", "filters": "county=Fresno", "to_agent": li.pk})
    assert active(li) == {cases["ana"].pk, cases["cho"].pk} and active(rosa) == {cases["ben"].pk}


def test_a_filter_that_does_not_validate_chooses_nothing(client, book):
    sign_in(client, book["manager"].user)
    page = review(client, TRANSFER, {"all": "1", "filters": "due_within=-4", "to_agent": book["li"].pk})
    assert (
        page.status_code == 400 and "Nothing you chose is in the list as it is filtered now" in page.content.decode()
    )
    assert "0 cases will move" in page.content.decode()
    assert active(book["rosa"]) == {book["cases"]["ana"].pk, book["cases"]["ben"].pk}


def test_cases_already_with_the_receiver_stay_and_are_counted_apart(client, book):
    _rosa, li, _cases = book["rosa"], book["li"], book["cases"]
    sign_in(client, book["manager"].user)
    page = review(client, TRANSFER, {"all": "1", "filters": "", "to_agent": li.pk})
    text = page.content.decode()
    assert f"2 cases will move to {li.full_name}." in text
    assert "1 of those chosen is already with this agent and stays." in text


def test_confirming_after_the_choice_changed_asks_again(client, book):
    rosa, li, _cases = book["rosa"], book["li"], book["cases"]
    sign_in(client, book["manager"].user)
    data = {"all": "1", "filters": f"agent={rosa.pk}", "to_agent": li.pk}
    seen = review(client, TRANSFER, data).context["review"]
    case_for(rosa, book["agency"], first_name="Dee", last_name="Late")  # a case arrives in between
    again = client.post(TRANSFER, {**data, "step": "confirm", "expected": seen.moving, "expected_agent": li.pk})
    assert again.status_code == 400
    assert "What you chose changed since you looked: 3 would move now." in again.content.decode()
    assert len(active(rosa)) == 3, "nothing moved"


def test_changing_the_receiver_on_the_review_shows_the_new_one_before_moving(client, book):
    rosa, li, _cases = book["rosa"], book["li"], book["cases"]
    third = agent_in(book["agency"], last_name="Third")
    sign_in(client, book["manager"].user)
    data = {"all": "1", "filters": f"agent={rosa.pk}"}
    first = review(client, TRANSFER, {**data, "to_agent": li.pk}).context["review"]
    switched = client.post(TRANSFER, {**data, "to_agent": third.pk, "step": "confirm", "expected": first.moving,
                                      "expected_agent": li.pk})  # fmt: skip
    assert switched.status_code == 200 and f"2 cases will move to {third.full_name}." in switched.content.decode()
    assert active(third) == set()


def test_confirming_without_a_receiver_says_so_beside_the_field(client, book):
    sign_in(client, book["manager"].user)
    page = client.post(TRANSFER, {"all": "1", "filters": "", "step": "confirm", "expected": "3", "expected_agent": ""})
    assert page.status_code == 400 and "This field is required." in page.content.decode()


def test_another_agencys_cases_cannot_be_chosen(client, book):
    outsider = Delegation.objects.get(case=book["outsider"], status="active")
    sign_in(client, book["manager"].user)
    page = review(client, TRANSFER, {"chosen": [outsider.pk], "filters": "", "to_agent": book["li"].pk})
    assert "0 cases will move" in page.content.decode()
    confirm = client.post(TRANSFER, {"chosen": [outsider.pk], "filters": "", "to_agent": book["li"].pk,
                                     "step": "confirm", "expected": "1", "expected_agent": book["li"].pk})  # fmt: skip
    assert confirm.status_code == 400
    assert Delegation.objects.get(pk=outsider.pk).status == "active" and outsider.agent.pk != book["li"].pk


def test_another_agencys_agent_cannot_receive(client, book):
    stranger = Delegation.objects.get(case=book["outsider"], status="active").agent
    sign_in(client, book["manager"].user)
    chosen = [Delegation.objects.get(case=book["cases"]["ana"], status="active").pk]
    page = client.post(TRANSFER, {"chosen": chosen, "filters": "", "to_agent": stranger.pk, "step": "confirm",
                                  "expected": "1", "expected_agent": stranger.pk})  # fmt: skip
    assert page.status_code == 400 and "Select a valid choice" in page.content.decode()
    assert not Delegation.objects.filter(agent=stranger, case=book["cases"]["ana"]).exists()


def test_an_agent_and_a_manager_acting_on_behalf_cannot_transfer(client, book):
    sign_in(client, book["rosa"].user)
    chosen = [Delegation.objects.get(case=book["cases"]["ana"], status="active").pk]
    assert client.post(TRANSFER, {"chosen": chosen, "filters": "", "to_agent": book["li"].pk}).status_code == 403
    client.logout()
    sign_in(client, book["manager"].user)
    client.post(f"/delegations/acting/{book['rosa'].pk}/start/")
    assert client.post(TRANSFER, {"chosen": chosen, "filters": "", "to_agent": book["li"].pk}).status_code == 403


def test_more_than_the_limit_is_refused_with_a_reason(client, book, settings):
    settings.BULK_TRANSFER_LIMIT = 2
    sign_in(client, book["manager"].user)
    page = review(client, TRANSFER, {"all": "1", "filters": "", "to_agent": book["li"].pk})
    assert page.status_code == 400 and "At most 2 can be moved at once." in page.content.decode()


def test_the_book_offers_the_choice_with_the_exact_count(client, book):
    sign_in(client, book["manager"].user)
    page = client.get("/book/?county=Fresno").content.decode()
    assert "The 1 case matching this filter, on every page" in page
    assert 'name="filters" value="county=Fresno"' in page
    assert page.count('name="chosen"') == 1
    sign_in(client, book["rosa"].user)
    own = client.get("/book/").content.decode()
    assert "Transfer the chosen cases" not in own, "an agent exports their own, transfers nothing"


@pytest.mark.django_db(transaction=True)
def test_two_managers_confirming_the_same_transfer_at_once_move_each_case_once(book):
    from delegations.services import DelegationError, move_delegations

    rosa, li = book["rosa"], book["li"]
    third = agent_in(book["agency"], last_name="Third")
    ids = list(Delegation.objects.filter(agent=rosa, status="active").values_list("pk", flat=True))
    barrier, outcomes = threading.Barrier(2), []

    def confirm(to_agent):
        close_old_connections()
        try:
            barrier.wait()
            outcomes.append(move_delegations(by=book["manager"].user, agency=book["agency"], delegation_ids=ids,
                                             to_agent=to_agent))  # fmt: skip
        except DelegationError:
            outcomes.append(0)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(agent,)) for agent in (li, third)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [0, 2], "the second finds the rows already moved"
    for case_id in (book["cases"]["ana"].pk, book["cases"]["ben"].pk):
        assert Delegation.objects.filter(case_id=case_id, status="active").count() == 1
