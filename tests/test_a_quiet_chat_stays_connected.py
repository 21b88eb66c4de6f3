"""A chat where nobody writes for a while keeps its connection: the channel layer's blocking read waits longer than
its own five-second pop (redis-py 8 cuts reads off at five seconds unless told otherwise, which tore every quiet
WebSocket down: django/channels_redis#422)."""

import pytest
from asgiref.sync import async_to_sync

from servicecenter import services

from .chat_support import OPEN, connected, receive_until, session_of
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN), pytest.mark.slow]


def test_a_chat_quiet_for_seven_seconds_still_delivers():
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    chat = services.open_chat(person=person, language="en")
    session = session_of(person)

    async def scenario():
        communicator = await connected(f"/ws/chat/{chat.pk}/", session=session)
        assert await communicator.receive_nothing(timeout=7)  # quiet, and the application still running
        await communicator.send_json_to({"type": "message", "client_id": None, "body": "still here"})
        assert (await receive_until(communicator, "message"))["message"]["body"] == "still here"
        await communicator.disconnect()

    async_to_sync(scenario)()
