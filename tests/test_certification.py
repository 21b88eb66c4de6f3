"""Certification changes reach the agent and their manager; reminders go out 30 days before expiry."""

import datetime

import pytest
from django.core import mail

from agents.models import ExpiryReminder
from agents.services import send_expiry_reminders, set_certification
from portal.models import MailboxMessage

from .factories import UserFactory, agency_with_manager, agent_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def test_decertifying_tells_the_agent_and_their_manager_in_the_mailbox_and_by_email(
    django_capture_on_commit_callbacks,
):
    agency, manager = agency_with_manager()
    agent = agent_in(agency, first_name="Rosa", last_name="Delgado")
    with django_capture_on_commit_callbacks(execute=True):
        set_certification(agent=agent, status="decertified", by=UserFactory(is_staff=True),
                          reason="agreement_terminated", note="Agreement ended on 20 November")  # fmt: skip
    for user in (agent.user, manager.user):
        message = MailboxMessage.objects.get(recipient=user)
        assert message.subject == "Certification of Rosa Delgado: Decertified"
        assert "Reason: Agreement terminated" in message.body
        assert "Note: Agreement ended on 20 November" in message.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.user.email, manager.user.email])
    assert all("Agreement" not in m.body for m in mail.outbox), "e-mails only say a message arrived"


def test_reminders_go_30_days_before_expiry_once_per_date(django_capture_on_commit_callbacks):
    agency, manager = agency_with_manager()
    soon = agent_in(agency, license_expires_on=TODAY + datetime.timedelta(days=20))
    agent_in(agency, license_expires_on=TODAY + datetime.timedelta(days=45))
    cert = agent_in(agency, certification_expires_on=TODAY + datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_expiry_reminders(today=TODAY) == 2
    assert set(ExpiryReminder.objects.values_list("agent_id", "kind")) == {
        (soon.pk, "license"),
        (cert.pk, "certification"),
    }
    subjects = set(MailboxMessage.objects.filter(recipient=soon.user).values_list("subject", flat=True))
    assert subjects == {f"The license of {soon.full_name} expires on Dec. 13, 2026"}
    assert MailboxMessage.objects.filter(recipient=manager.user).count() == 2
    assert send_expiry_reminders(today=TODAY + datetime.timedelta(days=1)) == 0
    soon.license_expires_on = TODAY + datetime.timedelta(days=25)
    soon.save()
    assert send_expiry_reminders(today=TODAY + datetime.timedelta(days=1)) == 1, "a new date gets its own reminder"
