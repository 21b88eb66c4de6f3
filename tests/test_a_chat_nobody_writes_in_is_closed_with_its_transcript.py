"""A chat nobody wrote in for CHAT_IDLE_MINUTES (the person shut the tab while waiting, or both left it open) is
closed by the scheduled task, and the person still gets its transcript; a chat in use is left alone."""

import datetime

import pytest
import time_machine

from portal.models import AuditEvent, MailboxMessage
from servicecenter import services
from servicecenter.models import ChatMessage, Conversation
from servicecenter.tasks import close_idle_chats

from .chat_support import OPEN, chat_member
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(OPEN)]


def test_only_the_chats_without_a_message_for_the_idle_time_are_closed(settings):
    settings.CHAT_IDLE_MINUTES = 30
    agency, _manager = agency_with_manager()
    left_waiting = services.open_chat(person=agent_in(agency).user, language="en")
    talking_person = agent_in(agency).user
    talking = services.open_chat(person=talking_person, language="en")
    services.take(conversation_id=talking.pk, member=chat_member())
    with time_machine.travel(OPEN + datetime.timedelta(minutes=25), tick=False):
        services.write(
            conversation_id=talking.pk, author=talking_person, side="person", body="Still here", client_id=None
        )
    with time_machine.travel(OPEN + datetime.timedelta(minutes=31), tick=False):
        assert close_idle_chats() == 1
    assert Conversation.objects.get(pk=left_waiting.pk).status == Conversation.Status.CLOSED
    assert Conversation.objects.get(pk=talking.pk).status == Conversation.Status.ACTIVE
    event = ChatMessage.objects.get(conversation=left_waiting, event=ChatMessage.Event.TIMED_OUT)
    assert event.author == left_waiting.person
    transcript = MailboxMessage.objects.get(recipient=left_waiting.person)
    assert "The chat was closed after 30 minutes without a message." in transcript.shown_body
    audit = AuditEvent.objects.get(action="chat.closed", object_id=str(left_waiting.pk))
    assert audit.actor is None and audit.details["idle_minutes"] == 30
    with time_machine.travel(OPEN + datetime.timedelta(minutes=56), tick=False):
        assert close_idle_chats() == 1  # the one in use, 31 minutes after its last message
        assert close_idle_chats() == 0
