"""Extranet passwords: the rules and their messages, no reuse of the last 24, one change a day, 60 days."""

import datetime

import pytest
from django.test import Client

from extranet import services
from extranet.models import PasswordHistory, PasswordLink

from .extranet_support import GOOD, IN_THE_WEEK_OF_MONDAY, MONDAY, OTHER, active_account, at, extranet_client
from .factories import AgentFactory

pytestmark = IN_THE_WEEK_OF_MONDAY


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "at least 12 characters"),
        ("alllowercase-42", "an upper-case letter"),
        ("ALLUPPERCASE-42", "a lower-case letter"),
        ("No-Digits-Here", "a digit"),
        ("NoSymbols12345", "a symbol"),
        ("Password1234!", None),  # long enough and varied: accepted unless common
    ],
)
def test_every_password_rule_has_a_clear_message(password, message):
    account = services.account_for(AgentFactory())
    if message is None:
        services.check_new_password(account, password, change=False)
        return
    with pytest.raises(Exception) as error:
        services.check_new_password(account, password, change=False)
    assert message in " ".join(error.value.messages)


def test_none_of_the_last_24_passwords_may_be_reused():
    account = services.account_for(AgentFactory())
    passwords = [f"Harbor-Light-{n:02d}" for n in range(25)]
    moment = MONDAY
    for password in passwords:
        moment += datetime.timedelta(days=2)
        with at(moment):
            services.set_password(account, password, how="change")
    assert PasswordHistory.objects.filter(account=account).count() == 24
    with pytest.raises(Exception, match="have not used before"):
        services.check_new_password(account, passwords[1], change=False)  # the 24th most recent
    services.check_new_password(account, passwords[0], change=False)  # the 25th most recent: allowed again


def test_the_password_can_be_changed_once_a_day(mailoutbox):
    account = active_account()
    with at(MONDAY + datetime.timedelta(hours=23)):
        client = extranet_client(account)
        refused = client.post("/extranet/password/", {"current_password": GOOD, "new_password": OTHER,
                                                      "confirm_password": OTHER})  # fmt: skip
    assert refused.status_code == 400 and "once a day" in refused.content.decode()
    account.refresh_from_db()
    assert account.check_password(GOOD)


def test_changing_the_password_ends_other_sessions_and_links(client):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=2)):
        ours, theirs = extranet_client(account), extranet_client(account)
        services.issue_link(account, PasswordLink.Purpose.RESET)
        changed = ours.post("/extranet/password/", {"current_password": GOOD, "new_password": OTHER,
                                                    "confirm_password": OTHER})  # fmt: skip
        assert changed.status_code == 200
        assert ours.get("/extranet/").status_code == 200, "the session that changed it continues"
        assert theirs.get("/extranet/").status_code == 302, "every other session ends"
    assert not PasswordLink.objects.filter(account=account, used_at=None, revoked_at=None).exists()


def test_the_password_expires_on_day_60_and_the_reminder_goes_on_day_50_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=49, hours=23)), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 0
    with at(MONDAY + datetime.timedelta(days=50)), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 1
        assert services.send_expiry_reminders() == 0
    with at(MONDAY + datetime.timedelta(days=55)), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders() == 0, "once per password"
    assert len(mailoutbox) == 1 and "expires soon" in mailoutbox[0].subject and "2027" in mailoutbox[0].body
    with at(MONDAY + datetime.timedelta(days=59, hours=23)):
        session = extranet_client(account)
    with at(MONDAY + datetime.timedelta(days=60)):
        assert session.get("/extranet/").status_code == 302, "the session ends with the password"
        refused = Client().post("/extranet/sign-in/", {"username": account.username, "password": GOOD})
    page = refused.content.decode()
    assert refused.status_code == 400 and "expired" in page and "/extranet/reset/" in page
