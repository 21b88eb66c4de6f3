"""Every list page reads its rows in a fixed number of queries: one row or thirty, the same count.

(The Book of Business and the agency home have their own tests: test_book_of_business.py.)
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from extranet import services as extranet
from portal.notifications import notify

from .extranet_support import GOOD, MONDAY, extranet_client, published
from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    client.get(url)  # once a minute the page frame reads the outage notices: not counted
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def agency(client):
    agency, manager = agency_with_manager()
    rosa = agent_in(agency)
    return {"agency": agency, "manager": manager, "rosa": rosa}


def grow(count, make):
    for n in range(count):
        make(n)


@pytest.mark.parametrize(
    ("url", "who", "make"),
    [
        ("/agency/delegations/", "manager", lambda world, n: delegate(agent=world["rosa"], agency=world["agency"])),
        ("/delegations/mine/", "rosa", lambda world, n: delegate(agent=world["rosa"], agency=world["agency"])),
        ("/delegations/mine/?status=pending", "rosa",
         lambda world, n: delegate(agent=world["rosa"], agency=world["agency"], status="pending")),
        ("/mailbox/", "rosa", lambda world, n: notify(user=world["rosa"].user, subject=f"Note {n}", body="…", email=False)),
        ("/delegations/transfer/{rosa}/", "manager",
         lambda world, n: delegate(agent=world["rosa"], agency=world["agency"])),
    ],
)  # fmt: skip
def test_a_list_page_takes_the_same_queries_for_one_row_as_for_thirty(client, agency, url, who, make):
    agent_in(agency["agency"])  # someone to transfer to
    url = url.format(rosa=agency["rosa"].pk)
    sign_in(client, agency[who].user)
    make(agency, 0)
    few = queries_for(client, url)
    grow(29, lambda n: make(agency, n + 1))
    assert queries_for(client, url) == few


@pytest.mark.frozen_at(MONDAY)
def test_the_extranet_file_list_takes_the_same_queries_for_one_file_as_for_thirty():
    agency, manager = agency_with_manager()
    account = extranet.account_for(manager)
    extranet.set_password(account, GOOD, how="onboarding")
    published("agent", manager, datetime.date(2026, 11, 23))
    client = extranet_client(account)
    few = queries_for(client, "/extranet/")
    for weeks in range(1, 16):
        week = datetime.date(2026, 11, 23) - datetime.timedelta(weeks=weeks)
        published("agent", manager, week)
        published("agency", agency, week)
    assert queries_for(client, "/extranet/") == few
