"""A dropped connection loses nothing and doubles nothing: the browser sends its unconfirmed messages again with
their own ids and asks for everything after the last message it has."""

import pytest
from asgiref.sync import async_to_sync

from servicecenter import services
from servicecenter.models import ChatMessage

from .chat_support import OPEN, chat_member, connected, everything, receive_until, session_of
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN)]

SAME_ID = "0b6f9c3e-2d1a-4e8b-9c7f-3a5e1d2b4c06"


def test_a_message_sent_again_on_a_new_connection_is_one_message():
    agency, _manager = agency_with_manager()
    rosa, ana = agent_in(agency).user, chat_member()
    chat = services.open_chat(person=rosa, language="en")
    services.take(conversation_id=chat.pk, member=ana)
    path, rosa_session, ana_session = f"/ws/chat/{chat.pk}/", session_of(rosa), session_of(ana)

    async def scenario():
        member = await connected(path, session=ana_session)
        first = await connected(path, session=rosa_session)
        await first.send_json_to({"type": "message", "client_id": SAME_ID, "body": "Are you there?"})
        kept = await receive_until(first, "message")
        await first.disconnect()  # the answer may have been lost on the way: the browser cannot tell

        again = await connected(path, session=rosa_session)
        await again.send_json_to({"type": "hello", "after": 0})
        await again.send_json_to({"type": "message", "client_id": SAME_ID, "body": "Are you there?"})
        received = await everything(again)
        ids = [item["message"]["id"] for item in received if item["type"] == "message"]
        assert ids.count(kept["message"]["id"]) == 2  # in the history, and as the answer to the resend: same id
        assert {item["message"]["id"] for item in received if item["type"] == "message"
                and item["message"]["body"] == "Are you there?"} == {kept["message"]["id"]}  # fmt: skip

        # The member's connection heard it once.
        heard = [item for item in await everything(member) if item["type"] == "message"]
        assert [item["message"]["body"] for item in heard] == ["Are you there?"]

        # What was said while the person was away reaches them on reconnecting, after their last message.
        await member.send_json_to({"type": "message", "client_id": "7c2e4a6b-1f3d-4b5a-8e9c-0d2f4a6b8c07",
                                   "body": "Yes, I am here."})  # fmt: skip
        await receive_until(member, "message", where=lambda data: data["message"]["body"] == "Yes, I am here.")
        await again.disconnect()
        last = await connected(path, session=rosa_session)
        await last.send_json_to({"type": "hello", "after": kept["message"]["id"]})
        after = [item["message"]["body"] for item in await everything(last) if item["type"] == "message"]
        assert after == ["Yes, I am here."]
        for communicator in (member, last):
            await communicator.disconnect()

    async_to_sync(scenario)()
    assert ChatMessage.objects.filter(conversation=chat, body="Are you there?").count() == 1


def test_a_message_id_that_is_no_uuid_is_still_kept_once_per_send():
    agency, _manager = agency_with_manager()
    rosa = agent_in(agency).user
    chat = services.open_chat(person=rosa, language="en")
    message, created = services.write(conversation_id=chat.pk, author=rosa, side="person", body="hi", client_id="nope")
    assert created and message.client_id is None
