"""The Book of Business's two lists of the agency's agents (the agent filter and "Transfer to", 820 each in the
largest agency) are read once a minute per agency, not on every page; whatever is chosen from them is checked
as things are now: a transfer to an agent suspended within that minute is refused and moves nothing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agents.services import set_certification
from delegations.models import Delegation

from .factories import UserFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def agent_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/book/").status_code == 200
    return sum(
        1 for q in queries if q["sql"].startswith('SELECT "agents_agent"."id" AS "pk", "agents_agent"."first_name"')
    )


def test_the_lists_are_read_once_a_minute_and_a_stale_choice_is_refused():
    agency, manager = agency_with_manager()
    giver, taker = agent_in(agency), agent_in(agency, first_name="Tomás", last_name="Taker")
    moving = delegate(agent=giver, agency=agency)
    client = sign_in(Client(), manager.user)
    assert agent_list_queries(client) == 2
    assert agent_list_queries(client) == 0, "kept"
    assert "Taker, Tomás" in client.get("/book/").content.decode()
    set_certification(agent=taker, status="suspended", by=UserFactory(is_staff=True), reason="complaint")
    assert "Taker, Tomás" in client.get("/book/").content.decode(), "offered for up to a minute"
    response = client.post("/book/chosen/transfer/", {"chosen": [moving.pk], "to_agent": taker.pk, "filters": ""})
    assert response.status_code in (200, 400)
    assert "Select a valid choice" in response.content.decode(), "the suspended agent is no longer a choice"
    moving.refresh_from_db()
    assert (moving.agent, moving.status) == (giver, Delegation.Status.ACTIVE)
