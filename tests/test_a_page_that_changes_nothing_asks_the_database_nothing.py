"""A signed-in page that changes nothing asks the database nothing and writes nothing: the session is read from the
cache (and its idle timer saved at most once a minute), the person's user, second-factor device, facts and unread
count are kept between requests (portal.person). Kept, but never stale: any change to them, saved one by one or
updated in bulk, is seen at the person's next request."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Membership
from agents.models import Agent
from agents.services import set_certification
from portal.models import MailboxMessage, User
from portal.notifications import notify

from .factories import UserFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


def at(**delta):
    return time_machine.travel(START + datetime.timedelta(**delta), tick=False)


@pytest.fixture
def agent(client):
    agency, _manager = agency_with_manager()
    agent = agent_in(agency, first_name="Rosa", last_name="Delgado")
    with at():
        sign_in(client, agent.user)
        assert client.get("/help/").status_code == 200  # the first page reads and keeps
    return agent


def queries_of(client, path, **delta):
    with at(**delta), CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return [query["sql"] for query in queries.captured_queries], response


def test_the_help_page_signed_in_asks_no_query_at_all(client, agent):
    sql, response = queries_of(client, "/help/", seconds=5)
    assert sql == []
    assert agent.user.get_full_name() in response.content.decode(), "the header still names who is signed in"


def test_the_idle_timer_is_saved_at_most_once_a_minute(client, agent):
    before = Session.objects.get().expire_date
    for seconds in (5, 20, 40, 59):
        sql, _response = queries_of(client, "/help/", seconds=seconds)
        assert not [q for q in sql if "django_session" in q], seconds
    sql, _response = queries_of(client, "/help/", seconds=61)
    assert [q for q in sql if q.startswith("UPDATE") and "django_session" in q], "saved after a minute"
    assert Session.objects.get().expire_date >= before


def test_a_decertified_agent_is_refused_at_the_next_request(client, agent):
    case = delegate(agent=agent, agency=agent.user.memberships.get().agency).case
    with at(seconds=2):
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    set_certification(agent=agent, status="decertified", by=UserFactory(is_staff=True), reason="complaint")
    with at(seconds=3):
        assert client.get(f"/cases/{case.pk}/").status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        lambda agent: Membership.objects.filter(user=agent.user).update(status="inactive"),
        lambda agent: Agent.objects.filter(pk=agent.pk).update(certification_status="suspended"),
        lambda agent: User.objects.filter(pk=agent.user_id).update(is_active=False),
    ],
    ids=["membership made inactive in bulk", "suspended in bulk", "sign-in turned off in bulk"],
)
def test_a_change_made_in_bulk_is_seen_at_the_next_request_too(client, agent, change):
    case = delegate(agent=agent, agency=agent.user.memberships.get().agency).case
    with at(seconds=2):
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    change(agent)
    with at(seconds=3):
        assert client.get(f"/cases/{case.pk}/").status_code in (302, 403, 404)


def test_a_removed_second_factor_asks_for_it_again_at_once(client, agent):
    TOTPDevice.objects.filter(user=agent.user).delete()
    with at(seconds=2):
        response = client.get("/agency/")
    assert response.status_code == 302 and "/two-factor/" in response["Location"]


def test_a_new_message_and_a_read_one_change_the_count_at_once(client, agent):
    _sql, page = queries_of(client, "/help/", seconds=1)
    assert "1 new" not in page.content.decode()
    message = notify(user=agent.user, subject="Hello", body="Text", email=False)
    _sql, page = queries_of(client, "/help/", seconds=2)
    assert "1 new" in page.content.decode()
    MailboxMessage.objects.filter(pk=message.pk).update(read_at=START)
    _sql, page = queries_of(client, "/help/", seconds=3)
    assert "1 new" not in page.content.decode()


def test_a_renamed_agency_is_named_anew_on_its_peoples_pages(client, agent):
    agency = agent.user.memberships.get().agency
    agency.public_name = "Renamed Insurance Services"
    agency.save()
    _sql, page = queries_of(client, "/help/", seconds=2)
    assert "Renamed Insurance Services" in page.content.decode()


def test_what_a_request_does_to_its_objects_is_never_kept(client, agent):
    """A page that changes its user's objects in memory without saving them leaves the kept facts as they were."""
    from portal import person

    kept = person.Kept(agent.user_id)
    user = kept.get("user", lambda: User.objects.get(pk=agent.user_id))
    name = user.first_name
    user.first_name = "Changed but not saved"
    assert person.Kept(agent.user_id).get("user", lambda: None).first_name == name


def test_facts_read_before_a_change_are_never_used_after_it(client, agent):
    """A request that read the person's version before a change, and keeps what it read after the change, keeps it
    under the old version: the next request does not use it."""
    from portal import person

    before = person.Kept(agent.user_id)  # a slow request: version read, facts not yet
    person.changed([agent.user_id])  # meanwhile, a change
    assert before.get("probe", lambda: "read before the change") == "read before the change"  # and kept
    assert person.Kept(agent.user_id).get("probe", lambda: "read again") == "read again"


@pytest.mark.django_db(transaction=True)
def test_a_page_seen_while_a_change_is_uncommitted_keeps_nothing_past_the_commit():
    """Two connections at once on PostgreSQL: the Agency Manager makes an agent Inactive in a transaction; while it
    is uncommitted the agent's page still reads the committed facts (and keeps them); once it commits, the agent's
    very next request is refused."""
    import threading

    from django.db import close_old_connections, transaction

    agency, _manager = agency_with_manager()
    agent = agent_in(agency)
    case = delegate(agent=agent, agency=agency).case
    client = sign_in(Client(), agent.user)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    changed, release, done = threading.Event(), threading.Event(), threading.Event()

    def make_inactive():
        try:
            with transaction.atomic():
                Membership.objects.filter(user=agent.user).update(status="inactive")
                changed.set()
                release.wait(20)
        finally:
            close_old_connections()
            done.set()

    thread = threading.Thread(target=make_inactive)
    thread.start()
    assert changed.wait(20)
    assert client.get(f"/cases/{case.pk}/").status_code == 200, "not committed yet: still Active"
    release.set()
    assert done.wait(20)
    thread.join(20)
    assert client.get(f"/cases/{case.pk}/").status_code in (302, 403, 404), "committed: refused at once"
