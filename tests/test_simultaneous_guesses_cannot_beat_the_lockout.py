"""Guesses sent at once cannot beat the lockout, in the portal or the extranet: each is counted before its
password is checked, so of any number arriving together at most three are checked, the rest are refused as
locked, and the right password is refused once three wrong ones are counted, even while they are still
being checked (on concurrent PostgreSQL connections)."""

import pytest
from django.test import Client

from extranet.models import ExtranetAccount
from portal.models import AuditEvent, SignInFailure, SignInLock

from .concurrency_support import AtOnce, answered, at_once
from .extranet_support import GOOD, MONDAY, active_account
from .factories import PASSWORD, agency_with_manager

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(MONDAY)]

PORTAL_LOCKED = "Sign-in is blocked for 60 minutes after 3 failed attempts."
EXTRANET_LOCKED = "This account is locked after repeated failed sign-ins."


def portal_sign_in(email, password):
    client = Client()
    page = client.post("/accounts/login/", {"login": email, "password": password})
    return page.status_code, page.content.decode(), "_auth_user_id" in client.session


def extranet_sign_in(username, password):
    page = Client().post("/extranet/sign-in/", {"username": username, "password": password})
    return page.status_code, page.content.decode()


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters).count()


def test_eight_wrong_portal_guesses_at_once_are_checked_three_times_and_the_rest_refused(held_password_checks):
    email = agency_with_manager()[1].user.email
    pages = at_once([lambda n=n: portal_sign_in(email, f"wrong-password-{n}") for n in range(8)])
    assert len(set(held_password_checks.checked)) == 3, "only three guesses had their password checked"
    assert sum(PORTAL_LOCKED in content for _status, content, _in in pages) >= 5
    assert not any(signed_in for _status, _content, signed_in in pages)
    assert events("auth.sign_in_failed") == 3 and events("auth.lock_refused") == 5
    assert SignInFailure.objects.filter(identifier=email, pending=False).count() == 3
    assert SignInLock.objects.filter(identifier=email).count() == 1 and events("auth.locked") == 1
    status, content, signed_in = portal_sign_in(email, PASSWORD)
    assert PORTAL_LOCKED in content and not signed_in, "once locked, the right password is refused"


def test_the_right_portal_password_is_refused_while_three_wrong_guesses_are_being_checked(held_password_checks):
    email = agency_with_manager()[1].user.email
    wrong = AtOnce([lambda n=n: portal_sign_in(email, f"wrong-password-{n}") for n in range(7)], expected=8)
    assert held_password_checks.wait_until(lambda checks: checks.waiting + checks.answered == 7)
    status, content, signed_in = answered(lambda: portal_sign_in(email, PASSWORD))
    wrong.results()
    assert not signed_in and PORTAL_LOCKED in content
    assert PASSWORD not in held_password_checks.checked, "the right password was never checked"
    assert len(set(held_password_checks.checked)) == 3 and events("auth.signed_in") == 0
    assert SignInLock.objects.filter(identifier=email).count() == 1


def test_eight_wrong_extranet_guesses_at_once_are_checked_three_times_and_the_rest_refused(held_password_checks):
    account = active_account()
    pages = at_once([lambda n=n: extranet_sign_in(account.username, f"Wrong-Guess-{n:02d}") for n in range(8)])
    assert len(set(held_password_checks.checked)) == 3, "only three guesses had their password checked"
    assert all(status == 400 for status, _content in pages)
    assert sum(EXTRANET_LOCKED in content for _status, content in pages) >= 5
    assert events("auth.sign_in_failed", details__site="extranet") == 3
    assert events("auth.lock_refused", details__site="extranet") == 5
    assert SignInLock.objects.filter(identifier=account.lock_identifier.lower()).count() == 1
    assert account.status() == ExtranetAccount.Status.LOCKED
    status, content = extranet_sign_in(account.username, GOOD)
    assert status == 400 and EXTRANET_LOCKED in content, "once locked, the right password is refused"


def test_the_right_extranet_password_is_refused_while_three_wrong_guesses_are_being_checked(held_password_checks):
    account = active_account()
    wrong = AtOnce([lambda n=n: extranet_sign_in(account.username, f"Wrong-Guess-{n:02d}") for n in range(7)],
                   expected=8)  # fmt: skip
    assert held_password_checks.wait_until(lambda checks: checks.waiting + checks.answered == 7)
    status, content = answered(lambda: extranet_sign_in(account.username, GOOD))
    wrong.results()
    assert status == 400, "the right password did not sign in"
    assert EXTRANET_LOCKED in content
    assert GOOD not in held_password_checks.checked, "the right password was never checked"
    assert len(set(held_password_checks.checked)) == 3
    assert events("auth.signed_in", details__site="extranet") == 0
