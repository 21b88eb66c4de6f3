"""Signing in to the extranet: the lockout, answers that reveal nothing, a session of its own that ends when idle."""

import datetime
import re

from django.test import Client

from extranet.models import ExtranetAccount
from portal.models import AuditEvent

from .extranet_support import (
    GOOD,
    IN_THE_WEEK_OF_MONDAY,
    LA,
    MONDAY,
    OTHER,
    active_account,
    at,
    extranet_client,
    staff_client,
)
from .factories import agency_with_manager, sign_in

pytestmark = IN_THE_WEEK_OF_MONDAY


def test_three_failures_in_120_minutes_lock_for_60_minutes_and_staff_can_unlock():
    account = active_account()
    for minutes in (0, 60, 119):
        with at(MONDAY + datetime.timedelta(minutes=minutes)):
            Client().post("/extranet/sign-in/", {"username": account.username, "password": "wrong"})
    with at(MONDAY + datetime.timedelta(minutes=150)):
        refused = Client().post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
        assert refused.status_code == 400 and "locked" in refused.content.decode()
        assert account.status() == ExtranetAccount.Status.LOCKED
    with at(MONDAY + datetime.timedelta(minutes=180)):
        assert extranet_client(account).get("/extranet/").status_code == 200
    for minutes in (200, 201, 202):
        with at(MONDAY + datetime.timedelta(minutes=minutes)):
            Client().post("/extranet/sign-in/", {"username": account.username, "password": "wrong"})
    with at(MONDAY + datetime.timedelta(minutes=203)):
        assert account.status() == ExtranetAccount.Status.LOCKED
        staff_client().post("/admin/extranet/extranetaccount/", {"action": "unlock", "_selected_action": [account.pk]})
        assert account.status() == ExtranetAccount.Status.ACTIVE
        assert extranet_client(account).get("/extranet/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.locked", object_label=account.lock_identifier.lower()).count() == 2
    assert AuditEvent.objects.filter(action="auth.lock_lifted").exists()


def test_wrong_and_unknown_usernames_get_the_same_answer():
    account = active_account()
    wrong_password = Client().post("/extranet/sign-in/", {"username": account.username, "password": "nope"})
    unknown = Client().post("/extranet/sign-in/", {"username": "CC_9Z99999", "password": "nope"})
    strip = re.compile(r'value="[^"]*"|content="[^"]*"')
    assert wrong_password.status_code == unknown.status_code == 400
    assert strip.sub("", wrong_password.content.decode()) == strip.sub("", unknown.content.decode())
    assert "not right" in unknown.content.decode()


def test_portal_and_extranet_sessions_are_separate(client):
    agency, manager = agency_with_manager()
    account = active_account(manager)
    sign_in(client, manager.user)
    response = client.get("/extranet/")
    assert response.status_code == 302 and response["Location"].startswith("/extranet/sign-in/")
    extranet = extranet_client(account)
    assert extranet.get("/extranet/").status_code == 200
    assert extranet.get("/book/").status_code == 302, "the extranet sign-in opens no portal page"
    cookie = extranet.cookies[next(name for name in extranet.cookies if "extranet" in name)]
    assert cookie["path"] == "/extranet/" and cookie["httponly"] and cookie["samesite"] == "Strict"


def test_one_network_cannot_try_many_usernames():
    account = active_account(when=datetime.datetime.now(tz=LA))
    client = Client()
    for n in range(20):
        client.post("/extranet/sign-in/", {"username": f"CC_9Z{n:05d}", "password": "guess"})
    refused = client.post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
    assert refused.status_code == 400 and "Too many sign-in attempts" in refused.content.decode()
    assert AuditEvent.objects.filter(action="auth.throttled", details__site="extranet").exists()


def test_the_extranet_session_ends_after_15_idle_minutes():
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=1)):
        client = extranet_client(account)
    with at(MONDAY + datetime.timedelta(days=1, minutes=14)):
        assert client.get("/extranet/").status_code == 200
    with at(MONDAY + datetime.timedelta(days=1, minutes=30)):
        response = client.get("/extranet/")
        assert response.status_code == 302
        assert "session ended" in client.get(response["Location"]).content.decode()


def test_an_agent_no_longer_certified_cannot_use_the_extranet():
    account = active_account(when=datetime.datetime.now(tz=LA))
    client = extranet_client(account)
    account.agent.certification_status = "suspended"
    account.agent.save()
    assert client.get("/extranet/").status_code == 302, "the session ends"
    refused = Client().post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
    assert refused.status_code == 400 and "certified agents" in refused.content.decode()


def test_a_signed_in_session_cannot_guess_the_current_password_while_the_account_is_locked():
    account = active_account(when=MONDAY - datetime.timedelta(days=2))
    session = extranet_client(account)
    for _n in range(3):
        Client().post("/extranet/sign-in/", {"username": account.username, "password": "wrong"})
    assert account.status() == ExtranetAccount.Status.LOCKED
    guess = session.post("/extranet/password/", {"current_password": "Another-Guess-1", "new_password": OTHER,
                                                 "confirm_password": OTHER})  # fmt: skip
    assert guess.status_code == 302 and guess["Location"] == "/extranet/sign-in/", "not checked: the session ends"
    assert session.get("/extranet/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.lock_refused", object_label=account.username).exists()
