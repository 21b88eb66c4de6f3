"""Consumers of an agency that turned reminders on are e-mailed 15, 5 and 1 days before an open item is due, each
reminder once, in their language, naming only their first name and the due date."""

import datetime
import threading
import zoneinfo

import pytest
from django.conf import settings
from django.core import mail

from consumers import services
from consumers.models import Verification, VerificationReminder
from consumers.services import send_deadline_reminders

from .factories import AgencyFactory, ConsumerCaseFactory, VerificationFactory, agent_in, delegate

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 18, 9, 0, tzinfo=LA))]
DUE = datetime.date(2026, 12, 3)


def before(days: int) -> datetime.date:
    return DUE - datetime.timedelta(days=days)


def remind(days_before: int, capture) -> list:
    """Run the day's reminders `days_before` the due date; the e-mails they sent."""
    mail.outbox.clear()
    with capture(execute=True):
        send_deadline_reminders(today=before(days_before))
    return list(mail.outbox)


@pytest.fixture
def helped(db):
    """A consumer with an e-mail address, helped by an agent of an agency that sends reminders, with an item due."""
    agency = AgencyFactory(remind_consumers=True)
    case = ConsumerCaseFactory(first_name="María", last_name="Quintero-Soto", email="maria@example.com",
                               street="742 Evergreen Terrace", zip_code="93721")  # fmt: skip
    delegate(case, agent=agent_in(agency), agency=agency)
    item = VerificationFactory(case=case, due_date=DUE, kind=Verification.Kind.LAWFUL_PRESENCE)
    return {"agency": agency, "case": case, "item": item}


def test_the_consumer_is_reminded_15_5_and_1_days_before_once_each(helped, django_capture_on_commit_callbacks):
    sent = {days: remind(days, django_capture_on_commit_callbacks) for days in range(20, -3, -1)}
    assert {days: len(emails) for days, emails in sent.items() if emails} == {15: 1, 5: 1, 1: 1}
    assert remind(15, django_capture_on_commit_callbacks) == [], "run twice the same day: still one e-mail"
    (email,) = sent[15]
    assert email.to == ["maria@example.com"] and email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.subject == "Reminder: a document for your health coverage is due on Dec. 3, 2026"
    assert email.body.startswith("Hello María,\n\n")
    assert "It is due on Dec. 3, 2026, in 15 days." in email.body
    assert "in 1 day." in sent[1][0].body
    assert list(VerificationReminder.objects.values_list("days_before", "due_date", "sent_on")) == [
        (15, DUE, before(15)), (5, DUE, before(5)), (1, DUE, before(1)),
    ]  # fmt: skip


def test_the_reminder_names_only_the_first_name_and_the_due_date(helped, django_capture_on_commit_callbacks):
    (email,) = remind(5, django_capture_on_commit_callbacks)
    case = helped["case"]
    text = email.subject + email.body
    for private in (case.last_name, case.case_number, case.street, case.zip_code, case.city, "Lawful presence",
                    "lawful", str(case.date_of_birth.year)):  # fmt: skip
        assert private not in text, private
    assert "[Agency Portal]" not in email.subject, "a consumer does not know the portal by name"


def test_a_spanish_speaking_consumer_is_written_to_in_spanish(helped, django_capture_on_commit_callbacks):
    helped["case"].preferred_language = "es"
    helped["case"].save()
    (email,) = remind(15, django_capture_on_commit_callbacks)
    assert "3 de diciembre de 2026" in email.subject and "3 de diciembre de 2026" in email.body
    assert "Dec." not in email.subject + email.body


def test_a_language_the_portal_has_no_translation_for_falls_back_to_english(
    helped, django_capture_on_commit_callbacks
):
    helped["case"].preferred_language = "vi"
    helped["case"].save()
    (email,) = remind(15, django_capture_on_commit_callbacks)
    assert email.subject == "Reminder: a document for your health coverage is due on Dec. 3, 2026"
    assert email.body.startswith("Hello María,")


def test_an_agency_that_has_not_turned_reminders_on_sends_none(helped, django_capture_on_commit_callbacks):
    helped["agency"].remind_consumers = False
    helped["agency"].save()
    assert [remind(days, django_capture_on_commit_callbacks) for days in (15, 5, 1)] == [[], [], []]
    assert not VerificationReminder.objects.exists()


def test_no_reminder_without_an_email_address_or_an_active_delegation(helped, django_capture_on_commit_callbacks):
    agency = helped["agency"]
    no_email = ConsumerCaseFactory(email="")
    delegate(no_email, agent=agent_in(agency), agency=agency)
    pending = ConsumerCaseFactory(email="pending@example.com")
    delegate(pending, agent=agent_in(agency), agency=agency, status="pending")
    ended = ConsumerCaseFactory(email="ended@example.com")
    delegate(ended, agent=agent_in(agency), agency=agency, status="ended", end_reason="consumer_request")
    unaffiliated = ConsumerCaseFactory(email="alone@example.com")
    delegate(unaffiliated, agent=agent_in(AgencyFactory(remind_consumers=True)), agency=None)
    nobody = ConsumerCaseFactory(email="nobody@example.com")
    for case in (no_email, pending, ended, unaffiliated, nobody):
        VerificationFactory(case=case, due_date=DUE)
    assert [email.to for email in remind(15, django_capture_on_commit_callbacks)] == [["maria@example.com"]]


def test_a_closed_item_gets_no_more_reminders(helped, django_capture_on_commit_callbacks):
    assert len(remind(15, django_capture_on_commit_callbacks)) == 1
    item = helped["item"]
    item.status = Verification.Status.VERIFIED
    item.save()
    assert remind(5, django_capture_on_commit_callbacks) == [] and remind(1, django_capture_on_commit_callbacks) == []
    item.status = Verification.Status.EXPIRED
    item.save()
    assert remind(1, django_capture_on_commit_callbacks) == []


def test_a_submitted_item_is_still_open_and_reminded(helped, django_capture_on_commit_callbacks):
    helped["item"].status = Verification.Status.SUBMITTED
    helped["item"].save()
    assert len(remind(5, django_capture_on_commit_callbacks)) == 1


def test_an_item_due_in_the_past_gets_none(helped, django_capture_on_commit_callbacks):
    helped["item"].due_date = before(16)  # yesterday, seen from the run 15 days before DUE
    helped["item"].save()
    assert remind(15, django_capture_on_commit_callbacks) == []


def test_a_missed_day_is_made_up_the_next_day_only(helped, django_capture_on_commit_callbacks):
    # The run 15 days before did not happen: the next day's sends that reminder, saying how near the date is.
    (late,) = remind(14, django_capture_on_commit_callbacks)
    assert "It is due on Dec. 3, 2026, in 14 days." in late.body
    assert remind(13, django_capture_on_commit_callbacks) == []
    # Two days missed: the 5-day reminder is not sent 3 days before, and never a stale 15-day one.
    assert remind(3, django_capture_on_commit_callbacks) == []
    # The day itself: the 1-day reminder missed the day before is sent on the due date, once.
    (today,) = remind(0, django_capture_on_commit_callbacks)
    assert "It is due today, Dec. 3, 2026." in today.body
    assert remind(0, django_capture_on_commit_callbacks) == []
    assert sorted(VerificationReminder.objects.values_list("days_before", "sent_on")) == [
        (1, before(0)), (15, before(14)),
    ]  # fmt: skip


def test_a_stale_15_day_reminder_is_never_sent_once_the_5_day_one_is_nearer(
    helped, django_capture_on_commit_callbacks
):
    # Nothing ran from 15 days before until 5 days before: only the 5-day reminder goes, and one e-mail in all.
    emails = remind(5, django_capture_on_commit_callbacks)
    assert len(emails) == 1 and "in 5 days." in emails[0].body
    assert list(VerificationReminder.objects.values_list("days_before", flat=True)) == [5]


def test_the_items_to_remind_of_are_read_in_one_query(helped, django_capture_on_commit_callbacks,
                                                        django_assert_max_num_queries):  # fmt: skip
    agency = helped["agency"]
    for n in range(4):
        case = ConsumerCaseFactory(email=f"consumer{n}@example.com")
        delegate(case, agent=agent_in(agency), agency=agency)
        VerificationFactory(case=case, due_date=DUE)
    # One read; then per reminder its claim (a read and an insert, in a savepoint).
    with django_assert_max_num_queries(1 + 5 * 5), django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders(today=before(15)) == 5
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_email(monkeypatch):
    agency = AgencyFactory(remind_consumers=True)
    case = ConsumerCaseFactory(first_name="Ana", email="ana@example.com")
    delegate(case, agent=agent_in(agency), agency=agency)
    VerificationFactory(case=case, due_date=DUE)
    # Both runs have read the item (no reminder yet) before either claims it: the database decides.
    both_read = threading.Barrier(2, timeout=20)
    claim = services.claim_reminder

    def claim_together(**kwargs):
        both_read.wait()
        return claim(**kwargs)

    monkeypatch.setattr(services, "claim_reminder", claim_together)
    from django.db import close_old_connections, connection

    outcomes = []

    def run():
        close_old_connections()
        try:
            outcomes.append(send_deadline_reminders(today=before(15)))
        except Exception as error:  # noqa: BLE001 - the test says what went wrong
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [0, 1], outcomes
    assert [email.to for email in mail.outbox] == [["ana@example.com"]]
    assert VerificationReminder.objects.count() == 1


@pytest.mark.frozen_at(datetime.datetime(2026, 11, 28, 9, 0, tzinfo=LA))  # 5 days before DUE
def test_the_reminders_go_out_every_morning_at_nine(helped, django_capture_on_commit_callbacks):
    from consumers.tasks import deadline_reminders

    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    schedule = entry["schedule"]
    assert entry["task"] == "consumers.tasks.deadline_reminders"
    assert (schedule.hour, schedule.minute, len(schedule.day_of_week)) == ({9}, {0}, 7)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders.apply().get() == 1
    assert "in 5 days." in mail.outbox[0].body


def test_items_of_a_case_due_the_same_day_make_one_email(helped, django_capture_on_commit_callbacks):
    VerificationFactory(case=helped["case"], due_date=DUE, kind=Verification.Kind.INCOME)
    VerificationFactory(case=helped["case"], due_date=DUE - datetime.timedelta(days=3))  # its own day
    assert len(remind(15, django_capture_on_commit_callbacks)) == 1
    assert VerificationReminder.objects.filter(days_before=15, due_date=DUE).count() == 2
    assert len(remind(15, django_capture_on_commit_callbacks)) == 0
