"""A waiting chat is taken by one member only, however many click Take at once; a person has one open chat only,
however many tabs start one at once; a message sent twice at once is kept once."""

import uuid

import pytest

from portal.models import AuditEvent
from servicecenter import services
from servicecenter.models import ChatMessage, Conversation

from .chat_support import OPEN, chat_member
from .concurrency_support import at_once
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN)]


def test_members_taking_one_chat_at_once_leave_it_with_one_of_them():
    agency, _manager = agency_with_manager()
    chat = services.open_chat(person=agent_in(agency).user, language="en")
    members = [chat_member(first_name=f"Member{n}", shown_name=f"Member {n}") for n in range(4)]
    outcomes = at_once([lambda m=m: services.take(conversation_id=chat.pk, member=m) for m in members])
    taken = [outcome for outcome in outcomes if isinstance(outcome, Conversation)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, services.ChatRefused)]
    assert len(taken) == 1 and len(refused) == 3, outcomes
    chat.refresh_from_db()
    assert chat.staff == taken[0].staff
    assert ChatMessage.objects.filter(conversation=chat, event=ChatMessage.Event.TAKEN).count() == 1
    assert AuditEvent.objects.filter(action="chat.taken", object_id=str(chat.pk)).count() == 1


def test_members_taking_the_next_chat_at_once_each_take_another():
    agency, _manager = agency_with_manager()
    chats = [services.open_chat(person=agent_in(agency).user, language="en") for _ in range(3)]
    members = [chat_member(first_name=f"Member{n}", shown_name=f"Member {n}") for n in range(3)]
    outcomes = at_once([lambda m=m: services.take_next(member=m) for m in members])
    assert sorted(outcome.pk for outcome in outcomes) == sorted(chat.pk for chat in chats), outcomes
    assert len({outcome.staff_id for outcome in outcomes}) == 3


def test_starting_a_chat_in_several_tabs_at_once_opens_one():
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    outcomes = at_once([lambda: services.open_chat(person=person, language="en") for _ in range(4)])
    assert all(isinstance(outcome, Conversation) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == 1
    assert Conversation.objects.filter(person=person).count() == 1
    assert AuditEvent.objects.filter(action="chat.opened", actor=person).count() == 1


def test_one_message_sent_on_two_connections_at_once_is_kept_once():
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    chat = services.open_chat(person=person, language="en")
    same = str(uuid.uuid4())
    outcomes = at_once([lambda: services.write(conversation_id=chat.pk, author=person, side="person", body="Hello",
                                               client_id=same) for _ in range(3)])  # fmt: skip
    assert len({message.pk for message, _created in outcomes}) == 1, outcomes
    assert [created for _message, created in outcomes].count(True) == 1
    assert ChatMessage.objects.filter(conversation=chat).count() == 1
