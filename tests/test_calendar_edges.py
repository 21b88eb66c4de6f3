"""The days that break calendars: the portal counts days in California, whatever the server's clock says.

New Year's Eve after 16:00 Pacific is already next year in UTC; a Sunday evening in California is Monday in UTC;
29 February comes once in four years; one night a year has 23 hours and another 25. (`make test-dates` also runs
the whole suite on these dates.)
"""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from agents.models import ExpiryReminder
from agents.services import send_expiry_reminders
from consumers.models import Verification
from consumers.services import send_verification_digests
from extranet import services as extranet
from portal import lockout

from .factories import (
    AgentFactory,
    ConsumerCaseFactory,
    VerificationFactory,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
NEW_YEARS_EVE = datetime.datetime(2027, 12, 31, 16, 30, tzinfo=LA)  # 2028-01-01 00:30 UTC
SUNDAY_EVENING = datetime.datetime(2027, 3, 7, 17, 0, tzinfo=LA)  # Monday 01:00 UTC
LEAP_DAY = datetime.datetime(2028, 2, 29, 12, 0, tzinfo=LA)
SPRING_FORWARD = datetime.datetime(2027, 3, 14, 1, 30, tzinfo=LA)  # at 02:00 the clocks jump to 03:00
FALL_BACK = datetime.datetime(2027, 11, 7, 1, 30, tzinfo=LA)  # 01:30 PDT; an hour later it is 01:30 PST


def weekly_run_says() -> str:
    out = io.StringIO()
    call_command("run_weekly_extracts", stdout=out)
    return out.getvalue()


@pytest.mark.frozen_at(NEW_YEARS_EVE)
def test_on_new_years_eve_afternoon_the_export_and_the_weekly_run_are_dated_in_california(client):
    agency, manager = agency_with_manager()
    delegate(agent=agent_in(agency), agency=agency)
    sign_in(client, manager.user)
    response = client.get("/book/export/csv/")
    assert 'filename="book-of-business-2027-12-31.csv"' in response["Content-Disposition"]
    assert weekly_run_says().startswith("Week of 2027-12-27:"), "Friday 31 December is in the week of Monday 27th"


@pytest.mark.frozen_at(NEW_YEARS_EVE)
def test_on_new_years_eve_an_item_due_that_day_is_due_today_not_overdue(client):
    agency, manager = agency_with_manager()
    case = delegate(agent=manager, agency=agency).case
    item = VerificationFactory(case=case, due_date=datetime.date(2027, 12, 31))
    assert item.days_left() == 0
    sign_in(client, manager.user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "overdue" not in page.lower()


@pytest.mark.frozen_at(SUNDAY_EVENING)
def test_on_sunday_evening_in_california_the_weekly_run_is_for_the_week_ending_that_day():
    assert weekly_run_says().startswith("Week of 2027-03-01:"), "not next week's Monday, which it already is in UTC"


@pytest.mark.frozen_at(LEAP_DAY)
def test_on_a_leap_day_days_left_and_the_ten_day_digest_count_the_29th(django_capture_on_commit_callbacks):
    agency, manager = agency_with_manager()
    case = delegate(agent=manager, agency=agency).case
    tomorrow = VerificationFactory(case=case, due_date=datetime.date(2028, 3, 1))
    last_in_digest = VerificationFactory(case=case, due_date=datetime.date(2028, 3, 10))
    VerificationFactory(case=case, due_date=datetime.date(2028, 3, 11))  # eleven days: not yet
    assert tomorrow.days_left() == 1 and last_in_digest.days_left() == 10
    with django_capture_on_commit_callbacks(execute=True):
        assert send_verification_digests() == 1
    body = manager.user.mailbox_messages.get().body
    assert body.count(case.case_number) == 2, "the items due 1 and 10 March, not the one due 11 March"


@pytest.mark.frozen_at(LEAP_DAY)
def test_on_a_leap_day_reminders_go_thirty_days_before_an_expiry(django_capture_on_commit_callbacks):
    agency, _ = agency_with_manager()
    thirty_days = agent_in(agency, license_expires_on=datetime.date(2028, 3, 30))
    agent_in(agency, license_expires_on=datetime.date(2028, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_expiry_reminders() == 1
    assert ExpiryReminder.objects.get().agent == thirty_days


@pytest.mark.frozen_at(LEAP_DAY)
def test_an_extranet_password_chosen_on_a_leap_day_lasts_sixty_days():
    account = extranet.account_for(AgentFactory())
    extranet.set_password(account, "Sunny-Harbor-42", how="onboarding")
    account.refresh_from_db()
    assert account.password_expires_at.astimezone(LA).date() == datetime.date(2028, 4, 29)


@pytest.mark.frozen_at(SPRING_FORWARD)
def test_on_the_23_hour_night_an_item_due_tomorrow_has_one_day_left():
    case = ConsumerCaseFactory()
    item = VerificationFactory(case=case, due_date=datetime.date(2027, 3, 15))
    assert item.days_left() == 1 and item.status in Verification.OPEN_STATUSES


@pytest.mark.frozen_at(FALL_BACK, tick=False)
def test_a_lock_on_the_25_hour_night_lasts_sixty_real_minutes_though_the_clock_repeats_an_hour(client):
    user = agency_with_manager()[1].user
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    assert lockout.active_lock(user.email)
    # 59 minutes later the wall clock says 01:29 again, now PST: still locked; at 60 minutes, free.
    # (Real minutes are added in UTC: an aware datetime plus a timedelta moves its wall clock, not real time.)
    locked_at = FALL_BACK.astimezone(datetime.UTC)
    assert (locked_at + datetime.timedelta(minutes=59)).astimezone(LA).strftime("%H:%M %Z") == "01:29 PST"
    with time_machine.travel(locked_at + datetime.timedelta(minutes=59), tick=False):
        assert lockout.active_lock(user.email)
    with time_machine.travel(locked_at + datetime.timedelta(minutes=60, seconds=1), tick=False):
        assert lockout.active_lock(user.email) is None


def test_a_membership_started_on_new_years_eve_evening_starts_that_day_whatever_the_process_time_zone(client):
    # Travelling to a UTC moment also sets the process's time zone to UTC (as on a server left in UTC): the
    # portal's day must still be California's.
    with time_machine.travel(NEW_YEARS_EVE.astimezone(datetime.UTC), tick=False):
        agency, manager = agency_with_manager()
        rosa = agent_in(agency)
        assert rosa.user.memberships.get().started_on == datetime.date(2027, 12, 31)
        sign_in(client, manager.user)
        client.post(f"/agency/agents/{rosa.pk}/status/", {"status": "inactive"})
        membership = rosa.user.memberships.get()
        assert (membership.status, membership.ended_on) == ("inactive", datetime.date(2027, 12, 31))
