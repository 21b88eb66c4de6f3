"""A person's messages are held to what anyone can read (MESSAGES_PER_MINUTE in all their tabs together) and
"is typing" is passed on at most once a second; the service center's members, who write in many chats, are not
held back."""

import pytest
from asgiref.sync import async_to_sync

from servicecenter import services
from servicecenter.consumers import MESSAGES_PER_MINUTE
from servicecenter.models import ChatMessage

from .chat_support import OPEN, chat_member, connected, everything, receive_until, session_of
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN, tick=False)]


def test_messages_beyond_the_minutes_share_are_refused_and_not_kept():
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    chat = services.open_chat(person=person, language="en")
    session = session_of(person)

    async def scenario():
        first = await connected(f"/ws/chat/{chat.pk}/", session=session)
        second = await connected(f"/ws/chat/{chat.pk}/", session=session)  # another tab counts with the first
        for n in range(MESSAGES_PER_MINUTE):
            tab = first if n % 2 else second
            await tab.send_json_to({"type": "message", "client_id": None, "body": f"message {n}"})
            await receive_until(tab, "message", where=lambda data, n=n: data["message"]["body"] == f"message {n}")
        await first.send_json_to({"type": "message", "client_id": "5d0c1f3e-7b2a-4c8d-9e6f-1a3b5c7d9e01",
                                  "body": "one too many"})  # fmt: skip
        refused = await receive_until(first, "refused")
        assert refused["client_id"] == "5d0c1f3e-7b2a-4c8d-9e6f-1a3b5c7d9e01" and "Wait a moment" in refused["reason"]
        assert not refused.get("end")  # the chat goes on
        for tab in (first, second):
            await tab.disconnect()

    async_to_sync(scenario)()
    assert ChatMessage.objects.filter(conversation=chat, side="person").count() == MESSAGES_PER_MINUTE
    assert not ChatMessage.objects.filter(body="one too many").exists()


def test_a_member_writing_in_many_chats_is_not_held_back():
    agency, _manager = agency_with_manager()
    member = chat_member()
    chats = []
    for _ in range(3):
        chat = services.open_chat(person=agent_in(agency).user, language="en")
        services.take(conversation_id=chat.pk, member=member)
        chats.append(chat)
    session = session_of(member)

    async def scenario():
        for chat in chats:
            tab = await connected(f"/ws/chat/{chat.pk}/", session=session)
            for n in range(MESSAGES_PER_MINUTE // 2):
                await tab.send_json_to({"type": "message", "client_id": None, "body": f"answer {n}"})
            heard = [item for item in await everything(tab, timeout=1) if item["type"] == "message"]
            assert len({item["message"]["id"] for item in heard}) == MESSAGES_PER_MINUTE // 2
            await tab.disconnect()

    async_to_sync(scenario)()


def test_is_typing_is_passed_on_at_most_once_a_second():
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    member = chat_member()
    chat = services.open_chat(person=person, language="en")
    services.take(conversation_id=chat.pk, member=member)
    person_session, member_session = session_of(person), session_of(member)

    async def scenario():
        typist = await connected(f"/ws/chat/{chat.pk}/", session=person_session)
        reader = await connected(f"/ws/chat/{chat.pk}/", session=member_session)
        for _ in range(20):
            await typist.send_json_to({"type": "typing"})
        typing = [item for item in await everything(reader, timeout=0.5) if item["type"] == "typing"]
        assert len(typing) == 1
        for tab in (typist, reader):
            await tab.disconnect()

    async_to_sync(scenario)()
