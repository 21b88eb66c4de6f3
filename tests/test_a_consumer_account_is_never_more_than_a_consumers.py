"""A consumer's own account stays a consumer's: the second-factor exemption is only for an account whose one right
is its own case; an agency cannot make it Admin Staff; an address signed up with and never confirmed is freed after
UNCONFIRMED_SIGN_UP_DAYS; confirming an address is audited."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from agencies.models import Membership
from portal.models import AuditEvent, User
from portal.services import expire_unconfirmed_sign_ups

from .factories import MembershipFactory, agency_with_manager, consumer, consumer_signed_in, sign_in

pytestmark = pytest.mark.django_db


def test_a_consumer_account_given_staff_rights_needs_its_second_factor(client):
    person = consumer()
    browser = consumer_signed_in(person)
    assert browser.get("/my-case/").status_code == 302  # to link the case: no second factor asked
    User.objects.filter(pk=person.pk).update(is_staff=True)
    person.groups.add(Group.objects.get(name="Service center: supervisor"))
    response = browser.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/security/two-factor/setup/")


def test_a_consumer_account_given_a_membership_needs_its_second_factor():
    person = consumer()
    agency, _manager = agency_with_manager()
    MembershipFactory(user=person, agency=agency, role=Membership.Role.ADMIN_STAFF, can_view_book=True)
    response = consumer_signed_in(person).get("/book/")
    assert response.status_code == 302 and response["Location"].startswith("/security/two-factor/setup/")


def test_an_agency_cannot_add_a_consumers_account_as_admin_staff():
    agency, manager = agency_with_manager()
    person = consumer(confirmed=False)
    page = sign_in(consumer_signed_in(manager.user), manager.user).post("/agency/staff/", {
        "email": person.email.upper(), "first_name": "Ann", "last_name": "Lee",
    }).content.decode()  # fmt: skip
    assert "is a consumer&#x27;s own account" in page or "is a consumer's own account" in page
    assert not Membership.objects.filter(user=person).exists()


def test_a_sign_up_never_confirmed_is_closed_and_its_address_freed(settings):
    settings.UNCONFIRMED_SIGN_UP_DAYS = 7
    old = consumer(confirmed=False, email="squatter@example.com")
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - datetime.timedelta(days=8))
    recent = consumer(confirmed=False)
    confirmed_long_ago = consumer()
    User.objects.filter(pk=confirmed_long_ago.pk).update(date_joined=timezone.now() - datetime.timedelta(days=90))
    assert expire_unconfirmed_sign_ups() == 1
    old.refresh_from_db()
    assert not old.is_active and not old.has_usable_password() and old.email != "squatter@example.com"
    assert (old.first_name, old.last_name) == ("", "") and not EmailAddress.objects.filter(user=old).exists()
    assert not User.objects.filter(email="squatter@example.com").exists(), "the address is free again"
    assert User.objects.get(pk=recent.pk).is_active and User.objects.get(pk=confirmed_long_ago.pk).is_active
    assert AuditEvent.objects.filter(action="auth.sign_up_expired", object_id=str(old.pk)).exists()
    assert expire_unconfirmed_sign_ups() == 0, "once"


def test_the_daily_run_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-unconfirmed-sign-ups"]
    assert entry["task"] == "portal.tasks.expire_unconfirmed_sign_ups"


def test_confirming_the_address_is_audited(client):
    from allauth.account.models import EmailConfirmationHMAC

    person = consumer(confirmed=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=person)).key
    client.post(f"/accounts/confirm-email/{key}/")
    assert EmailAddress.objects.get(user=person).verified
    assert AuditEvent.objects.filter(action="auth.email_confirmed", actor=person).exists()
