"""Three failed sign-ins within 120 minutes lock sign-in for 60 minutes; staff can lift it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from portal import lockout
from portal.models import AuditEvent, SignInLock

from .factories import PASSWORD, UserFactory, agency_with_manager, sign_in

pytestmark = pytest.mark.django_db

LOCKED = "Sign-in is blocked for 60 minutes after 3 failed attempts."
WRONG = "The email address and/or password you specified are not correct."
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def attempt(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def manager_user(db):
    return agency_with_manager()[1].user


def test_two_failures_then_the_right_password_signs_in_and_forgets_them(client, manager_user):
    with at(0):
        assert WRONG in attempt(client, manager_user.email, "wrong-password-1").content.decode()
    with at(1):
        attempt(client, manager_user.email, "wrong-password-2")
    with at(2):
        assert attempt(client, manager_user.email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    with at(3):
        attempt(client, manager_user.email, "wrong-password-3")
    assert not SignInLock.objects.exists()


def test_third_failure_within_120_minutes_locks_sign_in_for_60_minutes(client, manager_user):
    with at(0):
        attempt(client, manager_user.email, "wrong-password-1")
    with at(60):
        attempt(client, manager_user.email, "wrong-password-2")
    with at(119):
        third = attempt(client, manager_user.email, "wrong-password-3")
    assert LOCKED in third.content.decode()
    with at(150):
        refused = attempt(client, manager_user.email, PASSWORD)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert "_auth_user_id" not in client.session
    with at(119 + 61):
        assert attempt(client, manager_user.email, PASSWORD).status_code == 302
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("auth.sign_in_failed") == 3
    assert actions.count("auth.locked") == 1
    assert "auth.lock_refused" in actions
    assert actions[-1] == "auth.signed_in"


def test_failures_spread_over_more_than_120_minutes_do_not_lock(client, manager_user):
    with at(0):
        attempt(client, manager_user.email, "wrong-password-1")
    with at(10):
        attempt(client, manager_user.email, "wrong-password-2")
    with at(131):
        response = attempt(client, manager_user.email, "wrong-password-3")
    assert WRONG in response.content.decode()
    with at(132):
        assert attempt(client, manager_user.email, PASSWORD).status_code == 302


def test_an_unknown_address_is_locked_the_same_way_so_the_message_reveals_nothing(client, manager_user):
    for minute, email in enumerate([manager_user.email, "nobody@example.com"] * 3):
        with at(minute):
            last = attempt(client, email, "wrong-password")
    with at(10):
        known = attempt(client, manager_user.email, "wrong-password").content.decode()
        unknown = attempt(client, "nobody@example.com", "wrong-password").content.decode()
    assert LOCKED in known and LOCKED in unknown
    assert last.status_code == 200


def test_staff_lift_a_lock_in_admin_and_sign_in_works_again(client, manager_user):
    for minute in range(3):
        with at(minute):
            attempt(client, manager_user.email, "wrong-password")
    lock = SignInLock.objects.get(identifier=manager_user.email)
    staff = UserFactory(is_staff=True, is_superuser=True)
    with at(5):
        sign_in(client, staff)
        response = client.post(
            "/admin/portal/signinlock/", {"action": "lift", "_selected_action": [lock.pk]}, follow=True
        )
        assert "Lifted 1 lock." in response.content.decode()
        client.post("/accounts/logout/")
        assert attempt(client, manager_user.email, PASSWORD).status_code == 302
    lock.refresh_from_db()
    assert lock.lifted_by == staff and lock.lifted_at is not None
    assert AuditEvent.objects.filter(action="auth.lock_lifted", actor=staff, object_label=manager_user.email).exists()


def test_sign_in_is_throttled_by_client_address_across_accounts(client):
    for n in range(20):
        attempt(client, f"person{n}@example.com", "wrong-password")
    response = attempt(client, "someone-else@example.com", "wrong-password")
    assert "Too many sign-in attempts from your network." in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.throttled").exists()


def test_lock_counts_ignore_case_and_spaces_in_the_address(manager_user):
    with at(0):
        for typed in [manager_user.email.upper(), f"  {manager_user.email} ", manager_user.email]:
            lockout.attempt_failed(lockout.begin_attempt(identifier=typed, client_ip="127.0.0.1"))
        assert lockout.active_lock(manager_user.email) is not None
        assert timezone.now() == START
