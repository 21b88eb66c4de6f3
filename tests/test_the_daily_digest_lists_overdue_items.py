"""The daily digest names a helper's overdue items too, first, with how many days each is overdue, by case number
only; a helper whose items are all overdue still gets it."""

import datetime
import zoneinfo

import pytest
from django.core import mail

from consumers.models import Verification
from consumers.services import send_verification_digests
from portal.models import MailboxMessage

from .factories import VerificationFactory, agent_in, delegate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 11, 18, 6, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))),
]
TODAY = datetime.date(2026, 11, 18)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_overdue_items_come_first_with_the_days_overdue(world, django_capture_on_commit_callbacks):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    VerificationFactory(case=case, due_date=days(3))
    VerificationFactory(case=case, due_date=days(-12), kind=Verification.Kind.CITIZENSHIP)
    # Submitted and past its date: awaiting the review, not the helper's to chase (issue 18): not listed.
    VerificationFactory(case=case, due_date=days(-1), kind=Verification.Kind.RESIDENCY, status="submitted")
    VerificationFactory(case=case, due_date=days(-30), status=Verification.Status.VERIFIED)  # closed: not listed
    VerificationFactory(case=case, due_date=days(30))  # not yet near
    with django_capture_on_commit_callbacks(execute=True):
        assert send_verification_digests(today=TODAY) == 1
    message = MailboxMessage.objects.get(recipient=world["agent"].user)
    assert message.subject == "1 conditional-eligibility item is overdue, 1 due within 10 days"
    assert message.body.splitlines() == [
        "Overdue:",
        f"Case {case.case_number}: Citizenship was due 2026-11-06 (12 days overdue)",
        "",
        "Due within 10 days:",
        f"Case {case.case_number}: Income due 2026-11-21 (3 days left)",
    ]
    # No consumer's name, nor anything of the case but its number.
    assert case.first_name not in message.body and case.last_name not in message.body
    (email,) = mail.outbox
    assert email.to == [world["agent"].user.email] and case.case_number not in email.body + email.subject


def test_a_helper_with_only_overdue_items_gets_the_digest(world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    VerificationFactory(case=case, due_date=days(-40))
    assert send_verification_digests(today=TODAY) == 1
    message = MailboxMessage.objects.get(recipient=world["agent"].user)
    assert message.subject == "1 conditional-eligibility item is overdue"
    assert message.body.splitlines() == [
        "Overdue:",
        f"Case {case.case_number}: Income was due 2026-10-09 (40 days overdue)",
    ]


def test_overdue_items_of_cases_no_longer_delegated_are_nobodys(world):
    ended = delegate(agent=world["agent"], agency=world["agency"], status="ended", end_reason="consumer_request").case
    pending = delegate(agent=world["agent"], agency=world["agency"], status="pending").case
    VerificationFactory(case=ended, due_date=days(-2))
    VerificationFactory(case=pending, due_date=days(-2))
    assert send_verification_digests(today=TODAY) == 0
    assert not MailboxMessage.objects.exists()


def test_a_spanish_speaking_helper_reads_the_digest_in_spanish(world):
    helper = agent_in(world["agency"])
    helper.user.preferred_language = "es"
    helper.user.save()
    case = delegate(agent=helper, agency=world["agency"]).case
    VerificationFactory(case=case, due_date=days(2))
    assert send_verification_digests(today=TODAY) == 1
    message = MailboxMessage.objects.get(recipient=helper.user)
    assert message.subject == "1 pendiente de elegibilidad condicional vence dentro de 10 días"
