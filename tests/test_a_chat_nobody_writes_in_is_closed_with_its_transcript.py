"""A chat in progress that nobody wrote in for CHAT_IDLE_MINUTES is closed by the scheduled task, and a chat still
waiting when the service center closes for the day is closed then; the person gets the transcript either way. A
person waiting their turn while the service center is open is never timed out, and a chat in use is left alone."""

import datetime

import pytest
import time_machine

from portal.models import AuditEvent, MailboxMessage
from servicecenter import services
from servicecenter.models import ChatMessage, Conversation
from servicecenter.tasks import close_idle_chats

from .chat_support import EVENING, OPEN, chat_member
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(OPEN)]


def test_idle_chats_in_progress_close_and_waiting_ones_wait_until_the_day_ends(settings):
    settings.CHAT_IDLE_MINUTES = 30
    agency, _manager = agency_with_manager()
    waiting = services.open_chat(person=agent_in(agency).user, language="en")
    talking_person = agent_in(agency).user
    talking = services.open_chat(person=talking_person, language="en")
    services.take(conversation_id=talking.pk, member=chat_member())
    with time_machine.travel(OPEN + datetime.timedelta(minutes=25), tick=False):
        services.write(conversation_id=talking.pk, author=talking_person, side="person", body="Still here",
                       client_id=None)  # fmt: skip
    with time_machine.travel(OPEN + datetime.timedelta(minutes=31), tick=False):
        assert close_idle_chats() == 0  # the one in use wrote 6 minutes ago; the other is waiting its turn
    with time_machine.travel(OPEN + datetime.timedelta(minutes=56), tick=False):
        assert close_idle_chats() == 1  # 31 minutes after its last message
        assert close_idle_chats() == 0
    assert Conversation.objects.get(pk=talking.pk).status == Conversation.Status.CLOSED
    assert Conversation.objects.get(pk=waiting.pk).status == Conversation.Status.WAITING
    transcript = MailboxMessage.objects.get(recipient=talking_person)
    assert "The chat was closed after 30 minutes without a message." in transcript.shown_body
    audit = AuditEvent.objects.get(action="chat.closed", object_id=str(talking.pk))
    assert audit.actor is None and audit.details["idle_minutes"] == 30

    with time_machine.travel(EVENING, tick=False):
        assert close_idle_chats() == 1
    assert Conversation.objects.get(pk=waiting.pk).status == Conversation.Status.CLOSED
    assert ChatMessage.objects.get(conversation=waiting, event=ChatMessage.Event.TIMED_OUT).author == waiting.person
    told = MailboxMessage.objects.get(recipient=waiting.person).shown_body
    assert "The service center closed for the day before a member could take the chat." in told
