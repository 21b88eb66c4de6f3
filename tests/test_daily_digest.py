"""The daily digest: each helper's conditional-eligibility items overdue or due within 10 days, read in one query."""

import datetime

import pytest
from django.utils import timezone

from consumers.models import Verification
from consumers.services import send_verification_digests
from portal.models import MailboxMessage

from .factories import VerificationFactory, agent_in, delegate

pytestmark = pytest.mark.django_db


def test_daily_digest_lists_items_due_within_10_days_once_per_helper(world):
    today = timezone.localdate()
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    VerificationFactory(case=case, due_date=today + datetime.timedelta(days=3))
    VerificationFactory(case=case, due_date=today + datetime.timedelta(days=9), kind=Verification.Kind.CITIZENSHIP)
    VerificationFactory(case=case, due_date=today + datetime.timedelta(days=30))
    assert send_verification_digests(today=today) == 1
    message = MailboxMessage.objects.get(recipient=world["agent"].user)
    assert message.subject == "2 conditional-eligibility items are due within 10 days"
    assert f"Case {case.case_number}: Income due" in message.body and "(3 days left)" in message.body


def test_the_digest_reads_every_helpers_items_in_one_query(world, django_assert_max_num_queries):
    today = timezone.localdate()
    helpers = [world["agent"], *(agent_in(world["agency"]) for _ in range(5))]
    for helper in helpers:
        case = delegate(agent=helper, agency=world["agency"]).case
        VerificationFactory(case=case, due_date=today + datetime.timedelta(days=2))
        VerificationFactory(case=case, due_date=today - datetime.timedelta(days=4))  # overdue: in the same read
    # Two reads in all, then one message (and its notice) per helper.
    with django_assert_max_num_queries(2 + 2 * len(helpers) + 2):
        assert send_verification_digests(today=today) == len(helpers)
