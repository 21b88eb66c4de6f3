"""Redis away: pages keep serving, sign-in works, e-mail still goes out, and work that needs a worker says so
and resumes when Redis is back. (A real connection to a port where nothing listens, not a mock.)"""

import datetime

import pytest

from bookofbusiness import services
from bookofbusiness.models import BookOfBusinessExport
from config.celery import app

from .factories import UserFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db

NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing answers


@pytest.fixture
def cache_away(settings):
    settings.CACHES = {**settings.CACHES,
                       "default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": NOWHERE,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}  # fmt: skip


@pytest.fixture
def broker_away():
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = NOWHERE, False
    forget_connections()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    forget_connections()


def forget_connections():
    """Drop the connection pools Celery made to the real broker, so the next publish dials the new address."""
    app._pool = None
    app.amqp._producer_pool = None


def test_pages_and_sign_in_work_while_the_cache_is_away(client, cache_away):
    """Sessions and what portal.person keeps are read from the database then."""
    assert client.get("/help/").status_code == 200
    assert client.get("/find-local-help/", {"zip_code": "95814"}).status_code == 200
    user = UserFactory()
    user.set_password("Sunny-Harbor-42")
    user.save()
    response = client.post("/accounts/login/", {"login": user.email, "password": "Sunny-Harbor-42"})
    assert response.status_code == 302
    assert "/security/two-factor/" in client.get(response["Location"])["Location"], "signed in; second factor next"


def test_a_signed_in_person_keeps_working_while_the_cache_is_away(client, cache_away):
    agency, manager = agency_with_manager()
    sign_in(client, manager.user)
    assert client.get("/agency/").status_code == 200
    assert client.get("/book/").status_code == 200


def test_e_mail_still_goes_out_while_the_broker_is_away(client, broker_away, mailoutbox,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    agency, manager = agency_with_manager()
    sign_in(client, manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/agency/agents/add/", {"license_number": "1Z54321", "first_name": "Ada",
                                                       "last_name": "Reyes", "email": "ada@example.com",
                                                       "phone": "916-555-0199"})  # fmt: skip
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["ada@example.com"]], "sent directly instead"


@pytest.mark.django_db(transaction=True)  # the request commits, as in production, so the queueing happens in it
def test_a_large_export_waits_for_the_broker_says_so_and_is_written_when_it_returns(client, broker_away, monkeypatch):
    agency, manager = agency_with_manager()
    for _n in range(3):
        delegate(agent=agent_in(agency), agency=agency)
    monkeypatch.setattr(services, "STREAM_LIMIT", 1)
    sign_in(client, manager.user)
    response = client.get("/book/export/csv/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "not available right now" in page and "Secure Mailbox" in page
    job = BookOfBusinessExport.objects.get()
    assert job.status == "queued"

    app.conf.task_always_eager = True  # Redis is back (the worker runs the task here)
    assert services.requeue_exports(older_than=datetime.timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == "ready" and job.rows_written == 3
