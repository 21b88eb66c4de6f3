"""Extranet password links are throttled: an account is sent at most one every 5 minutes and 3 an hour, resets
and onboarding together, counted in the database. Past that nothing is sent, the live link keeps working,
and the reset page answers as it always does. One client address can ask for only so many resets."""

import datetime

import pytest
from django.core import mail
from django.test import Client

from extranet import services
from extranet.models import PasswordLink
from portal.models import AuditEvent

from .concurrency_support import at_once
from .extranet_support import MONDAY, OTHER, active_account, at, links_in, staff_client
from .factories import AgentFactory

SENT = "Check your e-mail"


def token_of(url):
    return url.rstrip("/").rsplit("/", 1)[1]


def minutes(n):
    return at(MONDAY + datetime.timedelta(days=1, minutes=n))


@pytest.mark.django_db
@pytest.mark.frozen_at(MONDAY)
def test_25_reset_requests_send_one_email_and_its_link_still_works(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    account = active_account()
    with minutes(0), django_capture_on_commit_callbacks(execute=True):
        pages = [client.post("/extranet/reset/", {"username": account.username}) for _n in range(25)]
    assert all(page.status_code == 200 and SENT in page.content.decode() for page in pages), (
        "the same answer each time"
    )
    assert [message.to for message in mailoutbox] == [[account.agent.email]]
    assert AuditEvent.objects.filter(action="extranet.reset_requested").count() == 1
    assert AuditEvent.objects.filter(action="extranet.link_throttled").count() == 24
    first = token_of(links_in(mailoutbox)[0])
    with minutes(1):
        saved = client.post(f"/extranet/set-password/{first}/", {"new_password": OTHER, "confirm_password": OTHER})
    assert saved.status_code == 200 and "password is saved" in saved.content.decode()


@pytest.mark.django_db
@pytest.mark.frozen_at(MONDAY)
def test_an_account_gets_one_link_every_5_minutes_and_3_an_hour_whatever_the_cache_says(
    mailoutbox, django_capture_on_commit_callbacks
):
    # The reset task itself, as workers run it: the page's throttle (in the cache) is not asked here.
    account = active_account()
    sent = {}
    for minute in (0, 2, 6, 12, 18, 45):
        with minutes(minute), django_capture_on_commit_callbacks(execute=True):
            sent[minute] = services.request_reset(account.username)
    assert sent == {0: True, 2: False, 6: True, 12: True, 18: False, 45: False}
    assert len(mailoutbox) == 3
    with minutes(50):
        assert services.usable_link(token_of(links_in(mailoutbox)[2])) is not None, "minute 12's link still works"
    with minutes(61), django_capture_on_commit_callbacks(execute=True):
        assert services.request_reset(account.username), "an hour after the first, one more may go"
    assert len(mailoutbox) == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.frozen_at(MONDAY)
def test_25_reset_requests_at_once_send_one_link(mailoutbox):
    account = active_account()
    with minutes(0):
        outcomes = at_once([lambda: services.request_reset(account.username) for _n in range(25)])
    assert outcomes.count(True) == 1 and outcomes.count(False) == 24, outcomes
    assert len(mail.outbox) == 1
    assert PasswordLink.objects.filter(account=account).count() == 1


@pytest.mark.django_db
@pytest.mark.frozen_at(MONDAY)
def test_one_client_address_cannot_ask_resets_for_many_usernames(mailoutbox, django_capture_on_commit_callbacks):
    accounts = [active_account() for _n in range(3)]
    client = Client()
    with minutes(0), django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            client.post("/extranet/reset/", {"username": f"CC_9Z{n:05d}"})
        pages = [client.post("/extranet/reset/", {"username": account.username}) for account in accounts]
    assert all(page.status_code == 200 and SENT in page.content.decode() for page in pages)
    assert mailoutbox == []
    assert AuditEvent.objects.filter(action="extranet.link_throttled", details__by="rate limit").count() == 3


@pytest.mark.django_db
@pytest.mark.frozen_at(MONDAY)
def test_resending_onboarding_cannot_flood_an_agent_and_staff_are_told(mailoutbox, django_capture_on_commit_callbacks):
    account = services.account_for(AgentFactory())
    with minutes(0), django_capture_on_commit_callbacks(execute=True):
        assert services.send_onboarding(account)
        staff = staff_client()
        for _n in range(10):
            page = staff.post("/admin/extranet/extranetaccount/",
                              {"action": "resend_onboarding", "_selected_action": [account.pk]}, follow=True)  # fmt: skip
    assert len(mailoutbox) == 3, "the three onboarding e-mails, once"
    assert "Not sent to 1 account: it was sent" in page.content.decode()
    assert services.usable_link(token_of(links_in(mailoutbox)[0])) is not None, "the first link still works"
    with minutes(6), django_capture_on_commit_callbacks(execute=True):
        assert services.send_onboarding(account)
    assert len(mailoutbox) == 6
