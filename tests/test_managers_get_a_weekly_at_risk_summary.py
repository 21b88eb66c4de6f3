"""Mondays, each Agency Manager is told how much of the agency is at risk, counted as their Today page counts it:
items overdue, requests waiting too long, renewals not started in the renewal window; counts only, a link to
Today, nothing for an agency with nothing at risk."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail

from agencies.models import Membership
from bookofbusiness.services import send_at_risk_summaries
from consumers.models import ConsumerCase
from portal.models import MailboxMessage

from .factories import (
    AgentFactory,
    ConsumerCaseFactory,
    MembershipFactory,
    VerificationFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
MONDAY = datetime.datetime(2026, 11, 23, 7, 15, tzinfo=LA)  # the renewal window is open (1 October – 31 January)
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(MONDAY)]
TODAY_URL = settings.PORTAL_BASE_URL.rstrip("/") + "/today/"


@pytest.fixture
def at_risk():
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    rosa = agent_in(agency)
    # Names no generated person carries, so the greeting's name can never look like a consumer's.
    late = delegate(ConsumerCaseFactory(first_name="Quintessa", last_name="Vandermolen"), agent=rosa,
                    agency=agency).case  # not started renewing (the default)  # fmt: skip
    VerificationFactory(case=late, due_date=datetime.date(2026, 11, 10))
    VerificationFactory(case=late, due_date=datetime.date(2026, 11, 1))
    VerificationFactory(case=late, due_date=datetime.date(2026, 11, 25))  # due soon: not at risk yet
    renewed = delegate(ConsumerCaseFactory(renewal_status=ConsumerCase.RenewalStatus.RENEWED, first_name="Ottoline",
                                           last_name="Pendergrass"), agent=rosa, agency=agency).case  # fmt: skip
    VerificationFactory(case=renewed, due_date=datetime.date(2026, 11, 20), status="verified")  # closed
    # Waiting since Wednesday: over two business days. Since Friday: not yet.
    delegate(agent=rosa, agency=agency, status="pending", requested_at=datetime.datetime(2026, 11, 18, 10, tzinfo=LA))
    delegate(agent=rosa, agency=agency, status="pending", requested_at=datetime.datetime(2026, 11, 20, 10, tzinfo=LA))
    return {"agency": agency, "manager": manager, "cases": [late, renewed]}


def test_each_manager_gets_the_counts_and_a_link_to_today(at_risk, django_capture_on_commit_callbacks):
    agency = at_risk["agency"]
    second = AgentFactory()
    MembershipFactory(user=second.user, agency=agency, role=Membership.Role.MANAGER)
    admin_staff_in(agency, can_view_book=True)  # not a manager: no summary
    with django_capture_on_commit_callbacks(execute=True):
        assert send_at_risk_summaries() == 2
    messages = MailboxMessage.objects.order_by("recipient_id")
    assert [message.recipient for message in messages] == sorted([at_risk["manager"].user, second.user],
                                                                  key=lambda user: user.pk)  # fmt: skip
    for message in messages:
        assert message.subject == "This week: 4 cases or requests at risk in your agency"
        assert message.body.splitlines() == [
            "What is at risk at Golden Bear Insurance this week:",
            "- 2 conditional-eligibility items overdue",
            "- 1 request waiting over 2 business days",
            "- 1 renewal not started, and the renewal window is open",
            "",
            f"See each of them on Today: {TODAY_URL}",
        ]
    assert sorted(email.to[0] for email in mail.outbox) == sorted([at_risk["manager"].user.email, second.user.email])
    # Counts only: no consumer, case or agent is named, in the message or the e-mail.
    for case in at_risk["cases"]:
        for text in [*(m.body + m.subject for m in messages), *(e.body + e.subject for e in mail.outbox)]:
            assert case.case_number not in text and case.last_name not in text and case.first_name not in text


def test_the_counts_are_those_of_the_today_page(at_risk, client):
    from .factories import sign_in

    sign_in(client, at_risk["manager"].user)
    page = client.get("/today/").content.decode()
    send_at_risk_summaries()
    body = MailboxMessage.objects.get(recipient=at_risk["manager"].user).body
    for figure in ("2", "1"):
        assert f"<strong>{figure}</strong>" in page and f"- {figure} " in body


def test_an_agency_with_nothing_at_risk_gets_nothing():
    agency, _manager = agency_with_manager()
    rosa = agent_in(agency)
    fine = delegate(ConsumerCaseFactory(renewal_status=ConsumerCase.RenewalStatus.IN_PROGRESS), agent=rosa,
                    agency=agency).case  # fmt: skip
    VerificationFactory(case=fine, due_date=datetime.date(2026, 12, 15))
    delegate(agent=rosa, agency=agency, status="pending", requested_at=datetime.datetime(2026, 11, 23, 6, tzinfo=LA))
    assert send_at_risk_summaries() == 0
    assert not MailboxMessage.objects.exists()


@pytest.mark.frozen_at(datetime.datetime(2026, 6, 1, 7, 15, tzinfo=LA))
def test_outside_the_renewal_window_renewals_are_not_at_risk():
    agency, manager = agency_with_manager()
    delegate(agent=agent_in(agency), agency=agency)  # not started renewing, but the window is closed
    assert send_at_risk_summaries() == 0
    VerificationFactory(case=delegate(agent=agent_in(agency), agency=agency).case, due_date=datetime.date(2026, 5, 1))
    assert send_at_risk_summaries() == 1
    assert MailboxMessage.objects.get(recipient=manager.user).body.splitlines()[1:3] == [
        "- 1 conditional-eligibility item overdue",
        "- 0 requests waiting over 2 business days",
    ]
    assert "renewal" not in MailboxMessage.objects.get().body


def test_a_former_or_uncertified_manager_gets_nothing(at_risk):
    Membership.objects.filter(user=at_risk["manager"].user).update(status=Membership.Status.INACTIVE)
    assert send_at_risk_summaries() == 0
    uncertified = AgentFactory(certification_status="decertified")
    MembershipFactory(user=uncertified.user, agency=at_risk["agency"], role=Membership.Role.MANAGER)
    assert send_at_risk_summaries() == 0, "a manager no longer certified is shown no consumer's figures"


def test_other_agencies_are_counted_apart(at_risk):
    other, other_manager = agency_with_manager(public_name="Other Agency")
    VerificationFactory(case=delegate(agent=agent_in(other), agency=other).case, due_date=datetime.date(2026, 11, 2))
    assert send_at_risk_summaries() == 2
    body = MailboxMessage.objects.get(recipient=other_manager.user).body
    assert body.splitlines()[:2] == [
        "What is at risk at Other Agency this week:",
        "- 1 conditional-eligibility item overdue",
    ]


def test_the_summary_goes_out_mondays_at_7_15_in_california(at_risk):
    from bookofbusiness.tasks import at_risk_summaries

    entry = settings.CELERY_BEAT_SCHEDULE["at-risk-summaries"]
    schedule = entry["schedule"]
    assert entry["task"] == "bookofbusiness.tasks.at_risk_summaries"
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {7}, {15})
    assert at_risk_summaries.apply().get() == 1
