"""Review of issue 17 (attacker): a crafted "number" that str.isdigit() accepts but int() does not (a superscript
"²", U+00B2) reaches int() or an integer lookup on the new bulk and queue endpoints and answers 500 (a server
error, an error report per request) instead of being ignored or refused as a bad choice."""

import pytest
from django.test import Client

from delegations.models import Delegation

from .bulk_support import GIVE, TRANSFER
from .factories import ConsumerCaseFactory, delegate, sign_in

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True; int("²") raises ValueError


@pytest.fixture
def manager_client(book):
    client = Client(raise_request_exception=False)
    return sign_in(client, book["manager"].user)


def _ana(book):
    return Delegation.objects.get(case=book["cases"]["ana"], status="active").pk


def test_a_chosen_id_that_is_not_a_number_is_ignored_by_the_bulk_transfer(manager_client, book):
    page = manager_client.post(TRANSFER, {"chosen": [SUPERSCRIPT_TWO], "filters": "", "to_agent": book["li"].pk})
    assert page.status_code < 500, "portal/selection.py Selection.from_post: int('²') raised"


def test_a_from_agent_that_is_not_a_number_sends_back_to_the_book(manager_client, book):
    page = manager_client.post(TRANSFER, {"chosen": [_ana(book)], "from_agent": SUPERSCRIPT_TWO, "filters": "",
                                          "to_agent": book["li"].pk})  # fmt: skip
    assert page.status_code < 500, "bookofbusiness/views.py transfer_chosen: int(from_agent) raised"


def test_a_chosen_id_that_is_not_a_number_is_ignored_by_the_export_of_chosen_cases(manager_client, book):
    page = manager_client.post("/book/chosen/export/csv/", {"chosen": [SUPERSCRIPT_TWO], "filters": ""})
    assert page.status_code < 500


def test_a_filter_naming_a_strange_agent_in_a_bulk_action_is_not_a_server_error(manager_client, book):
    page = manager_client.post(
        "/book/chosen/export/csv/", {"chosen": [_ana(book)], "filters": f"agent={SUPERSCRIPT_TWO}"}
    )
    assert page.status_code in (400, 404), "book_scope passes '²' to agents.filter(pk=...)"
    assert manager_client.get(f"/book/?agent={SUPERSCRIPT_TWO}").status_code in (400, 404)


def test_a_chosen_request_id_that_is_not_a_number_is_ignored_by_the_bulk_give(manager_client, book):
    page = manager_client.post(GIVE, {"chosen": [SUPERSCRIPT_TWO], "filters": "", "to_agent": book["li"].pk})
    assert page.status_code < 500


def test_giving_one_request_to_an_agent_that_is_not_a_number_says_choose_an_agent(manager_client, book):
    request = delegate(ConsumerCaseFactory(), agent=book["rosa"], agency=book["agency"], status="pending")
    page = manager_client.post(f"/agency/delegations/{request.pk}/assign/", {"agent": SUPERSCRIPT_TWO})
    assert page.status_code == 400, "pages/agency.py assign_request: receivers.filter(pk='²') raised"
    assert "Choose a certified agent who is Active in your agency." in page.content.decode()
    assert Delegation.objects.get(pk=request.pk).agent == book["rosa"]
