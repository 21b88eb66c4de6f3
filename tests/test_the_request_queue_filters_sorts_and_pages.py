"""Agency Delegations is a working list: search by name or case number, filter by agent, language, county and how
long ago a request came, order it, page it; never another agency's rows; a handful of queries whatever its length
(issue 17)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency, last_name="Delgado"), agent_in(agency, last_name="Li")
    now = timezone.now()
    delegate(ConsumerCaseFactory(last_name="Alvarez", preferred_language="es", county="Fresno"), agent=rosa,
             agency=agency, status="pending", requested_at=now - datetime.timedelta(days=9))  # fmt: skip
    delegate(ConsumerCaseFactory(last_name="Brown", county="Sacramento"), agent=li, agency=agency, status="pending",
             requested_at=now - datetime.timedelta(days=1))  # fmt: skip
    delegate(ConsumerCaseFactory(last_name="Chen", preferred_language="cmn", county="Alameda"), agent=li,
             agency=agency, requested_at=now - datetime.timedelta(days=30))  # fmt: skip
    other, _ = agency_with_manager()
    delegate(ConsumerCaseFactory(last_name="Outsider", county="Fresno"), agent=agent_in(other), agency=other,
             status="pending")  # fmt: skip
    return {"client": sign_in(Client(), manager.user), "rosa": rosa, "li": li, "agency": agency}


def names(client, **query) -> list[str]:
    page = client.get("/agency/delegations/", query)
    assert page.status_code == 200
    return [row.case.last_name for row in page.context["page"].object_list]


def test_the_queue_filters_by_agent_language_county_age_and_search(queue):
    client = queue["client"]
    assert set(names(client)) == {"Alvarez", "Brown", "Chen"}
    assert names(client, agent=queue["li"].pk) == ["Brown", "Chen"]
    assert names(client, language="es") == ["Alvarez"]
    assert names(client, county="Fresno") == ["Alvarez"], "never another agency's Fresno request"
    assert set(names(client, older_than=7)) == {"Alvarez", "Chen"}
    assert names(client, status="pending", older_than=7) == ["Alvarez"]
    assert names(client, q="bro") == ["Brown"]
    assert names(client, q=queue["agency"].delegations.get(case__last_name="Chen").case.case_number) == ["Chen"]


def test_the_queue_sorts_oldest_first_and_by_name(queue):
    client = queue["client"]
    assert names(client) == ["Brown", "Alvarez", "Chen"], "newest first by default"
    assert names(client, sort="requested") == ["Chen", "Alvarez", "Brown"]
    assert names(client, sort="name") == ["Alvarez", "Brown", "Chen"]


def test_a_bad_filter_is_said_beside_its_field(queue):
    page = queue["client"].get("/agency/delegations/", {"older_than": "abc"}).content.decode()
    assert "Enter a whole number." in page and 'value="abc"' in page


def test_the_queue_takes_the_same_queries_however_long(queue, django_assert_max_num_queries):
    client = queue["client"]
    client.get("/agency/delegations/")
    for _ in range(60):
        delegate(ConsumerCaseFactory(), agent=agent_in(queue["agency"]), agency=queue["agency"], status="pending")
    with django_assert_max_num_queries(14):
        page = client.get("/agency/delegations/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in page
