"""An item whose documents are submitted waits for the marketplace's review, not for the helper (issue 18): past
its due date it is "Awaiting review" on the case page, not a red "overdue"; Today, the Book of Business's
overdue filter and the daily digest do not count it as overdue. One still waiting for documents is overdue."""

import datetime

import pytest
from django.core import mail
from django.test import Client

from consumers.models import Verification
from consumers.services import send_verification_digests
from portal.models import MailboxMessage

from .factories import VerificationFactory, delegate, sign_in

pytestmark = pytest.mark.django_db

LATE = datetime.date(2026, 11, 1)


@pytest.fixture
def cases(world):
    submitted = delegate(agent=world["agent"], agency=world["agency"]).case
    waiting = delegate(agent=world["agent"], agency=world["agency"]).case
    VerificationFactory(case=submitted, due_date=LATE, status=Verification.Status.SUBMITTED)
    VerificationFactory(case=waiting, due_date=LATE, status=Verification.Status.OPEN)
    return {"submitted": submitted, "waiting": waiting}


def test_on_the_case_page_a_submitted_item_awaits_review(world, cases):
    client = sign_in(Client(), world["agent"].user)
    submitted = client.get(f"/cases/{cases['submitted'].pk}/").content.decode()
    assert "Awaiting review" in submitted and "days overdue" not in submitted
    waiting = client.get(f"/cases/{cases['waiting'].pk}/").content.decode()
    assert "days overdue" in waiting and "Awaiting review" not in waiting


def test_today_and_the_book_count_only_the_item_still_waiting_for_documents(world, cases):
    client = sign_in(Client(), world["manager"].user)
    today = client.get("/today/")
    assert today.context["work"].overdue == 1
    assert [item.case_id for item in today.context["work"].overdue_items] == [cases["waiting"].pk]
    book = client.get("/book/?overdue=on")
    assert [row.case_id for row in book.context["page"].object_list] == [cases["waiting"].pk]


def test_the_daily_digest_does_not_chase_a_submitted_item(world, cases, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_verification_digests()
    assert len(mail.outbox) == 1
    [message] = MailboxMessage.objects.filter(recipient=world["agent"].user)
    assert message.subject.startswith("1 conditional-eligibility item is overdue")
    assert cases["waiting"].case_number in message.body
    assert cases["submitted"].case_number not in message.body
