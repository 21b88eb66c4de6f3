"""Extranet password reset: the same answer for any username, links that die after a day or a newer link."""

import datetime
import re

from extranet import services
from extranet.models import PasswordLink

from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY, OTHER, active_account, at, extranet_client

pytestmark = IN_THE_WEEK_OF_MONDAY


def test_reset_answers_the_same_for_any_username_and_mails_only_real_accounts(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    account = active_account()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/extranet/reset/", {"username": account.username.lower()})
        unknown = client.post("/extranet/reset/", {"username": "CC_9Z99999"})
    scrub = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|<meta name="csrf-token" content="[^"]+">')
    assert known.status_code == unknown.status_code == 200
    assert scrub.sub("", known.content.decode()) == scrub.sub("", unknown.content.decode())
    assert [message.to for message in mailoutbox] == [[account.agent.email]]
    assert "only once" in mailoutbox[0].body and "24 hours" in mailoutbox[0].body


def test_a_reset_link_dies_after_24_hours_and_when_a_newer_one_is_sent(client):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=3)):
        old = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]
        new = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]
        assert client.get(f"/extranet/set-password/{old}/").status_code == 410
        assert client.get(f"/extranet/set-password/{new}/").status_code == 200
    with at(MONDAY + datetime.timedelta(days=4, minutes=1)):
        assert client.get(f"/extranet/set-password/{new}/").status_code == 410


def test_an_expired_password_is_replaced_through_the_reset_link(client):
    account = active_account()
    with at(MONDAY + datetime.timedelta(days=61)):
        token = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]
        saved = client.post(f"/extranet/set-password/{token}/", {"new_password": OTHER, "confirm_password": OTHER})
        assert saved.status_code == 200
        assert extranet_client(account, OTHER).get("/extranet/").status_code == 200
