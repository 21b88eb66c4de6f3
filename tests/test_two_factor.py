"""Every portal user and every admin user has a second factor, and nobody skips it."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEvent

from .factories import PASSWORD, UserFactory, agency_with_manager, current_code, verified_device

pytestmark = pytest.mark.django_db


def password_sign_in(client, user, follow=True):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=follow)


def test_first_sign_in_enrols_an_authenticator_then_shows_recovery_codes_once(client):
    _, manager = agency_with_manager(public_name="Golden Bear Insurance")
    response = password_sign_in(client, manager.user)
    assert response.redirect_chain[-1][0].startswith("/security/two-factor/setup/")
    page = response.content.decode()
    assert "Set up your second factor" in page
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=manager.user, confirmed=False)

    wrong = client.post("/security/two-factor/setup/", {"code": "000000", "next": "/"})
    assert "That code did not work." in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    too_fast = client.post("/security/two-factor/setup/", {"code": current_code(device), "next": "/"})
    assert "refused for a few seconds after a wrong one" in too_fast.content.decode()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5), tick=False):
        done = client.post("/security/two-factor/setup/", {"code": current_code(device), "next": "/"}, follow=True)
        page = done.content.decode()
    assert "Your recovery codes" in page
    codes = list(StaticToken.objects.filter(device__user=manager.user).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    again = client.get("/security/two-factor/recovery-codes/").content.decode()
    assert not any(code in again for code in codes)

    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == "/today/"
    assert "Golden Bear Insurance" in landing.content.decode()
    assert AuditEvent.objects.filter(action="otp.enrolled", actor=manager.user).exists()


def test_second_factor_cannot_be_skipped_by_going_straight_to_a_data_page(client):
    _, manager = agency_with_manager()
    verified_device(manager.user)
    password_sign_in(client, manager.user, follow=False)
    for url in ["/agency/", "/agency/agents/", "/delegations/mine/", "/mailbox/", "/security/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/security/two-factor/verify/"), url


def test_user_without_a_device_is_sent_to_enrol_before_any_page_with_data(client):
    _, manager = agency_with_manager()
    password_sign_in(client, manager.user, follow=False)
    response = client.get("/agency/agents/")
    assert response["Location"].startswith("/security/two-factor/setup/")


def test_verification_with_the_authenticator_code_opens_the_page_asked_for(client):
    _, manager = agency_with_manager()
    device = verified_device(manager.user)
    password_sign_in(client, manager.user, follow=False)
    refused = client.post("/security/two-factor/verify/", {"code": "123456", "next": "/agency/agents/"})
    assert "That code did not work." in refused.content.decode()
    assert AuditEvent.objects.filter(action="otp.verify_failed", actor=manager.user).exists()
    device.refresh_from_db()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5), tick=False):
        code = current_code(device)
        response = client.post("/security/two-factor/verify/", {"code": code, "next": "/agency/agents/"})
        assert response["Location"] == "/agency/agents/"
        assert client.get("/agency/agents/").status_code == 200
    assert AuditEvent.objects.filter(action="otp.verified", actor=manager.user).exists()


def test_verification_does_not_redirect_to_another_site(client):
    _, manager = agency_with_manager()
    device = verified_device(manager.user)
    password_sign_in(client, manager.user, follow=False)
    response = client.post(
        "/security/two-factor/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_recovery_code_works_once_and_is_recorded(client):
    from portal.two_factor import issue_recovery_codes

    _, manager = agency_with_manager()
    verified_device(manager.user)
    code = issue_recovery_codes(user=manager.user)[0]
    password_sign_in(client, manager.user, follow=False)
    response = client.post("/security/two-factor/verify/", {"code": code, "next": "/agency/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/agency/"
    assert "9 are left" in response.content.decode()
    event = AuditEvent.objects.get(action="otp.recovery_code_used")
    assert event.actor == manager.user and event.details == {"left": 9}

    client.post("/accounts/logout/")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30), tick=False):
        password_sign_in(client, manager.user, follow=False)
        again = client.post("/security/two-factor/verify/", {"code": code, "next": "/agency/"})
    assert "That code did not work." in again.content.decode()


def test_admin_needs_the_second_factor_too(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    verified_device(staff)
    password_sign_in(client, staff, follow=False)
    response = client.get("/admin/")
    assert response["Location"].startswith("/security/two-factor/verify/")


def test_admin_login_goes_through_the_portals_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_refuses_an_unverified_staff_session_even_past_the_middleware(rf):
    from django.contrib import admin
    from django_otp.middleware import OTPMiddleware

    staff = UserFactory(is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = staff
    request.session = {}
    OTPMiddleware(lambda r: None)(request)
    assert not admin.site.has_permission(request)
