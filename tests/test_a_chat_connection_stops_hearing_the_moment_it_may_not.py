"""A connection that only listens stops the moment its right ends: the member who handed a chat over hears nothing
more of it; a person who signs out or is made Inactive loses every chat connection; an expired session is caught
at the next event by the connection's own re-check."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client

from servicecenter import consumers, services
from servicecenter.models import Conversation

from .chat_support import OPEN, chat_member, connected, db, receive_until, session_of
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN)]


@pytest.fixture
def chat():
    agency, _manager = agency_with_manager()
    rosa = agent_in(agency).user
    ana, ben = chat_member(), chat_member(first_name="Ben", shown_name="Ben T.")
    conversation = services.open_chat(person=rosa, language="en")
    services.take(conversation_id=conversation.pk, member=ana)
    return {"rosa": rosa, "ana": ana, "ben": ben, "chat": conversation, "path": f"/ws/chat/{conversation.pk}/"}


def test_the_member_who_handed_a_chat_over_hears_no_more_of_it(chat):
    ana_session, rosa_session = session_of(chat["ana"]), session_of(chat["rosa"])

    async def scenario():
        member = await connected(chat["path"], session=ana_session)
        person = await connected(chat["path"], session=rosa_session)
        conversation = chat["chat"]
        await db(lambda: services.hand_over(conversation=conversation, member=chat["ana"], to=chat["ben"]))()
        state = await receive_until(member, "state")
        assert state["state"]["staff_id"] == chat["ben"].pk
        assert (await receive_until(member, "refused"))["end"] is True
        assert (await member.receive_output(timeout=5))["type"] == "websocket.close"
        await person.send_json_to({"type": "message", "client_id": None, "body": "a secret after the hand-over"})
        await receive_until(person, "message", where=lambda data: data["message"]["body"].startswith("a secret"))
        await person.disconnect()

    async_to_sync(scenario)()


def test_signing_out_closes_every_chat_connection_of_the_person(chat):
    client = Client()
    from .factories import sign_in

    sign_in(client, chat["rosa"])
    rosa_session = client.cookies["sessionid"].value

    async def scenario():
        tabs = [await connected(chat["path"], session=rosa_session) for _ in range(2)]
        await db(lambda: client.post("/accounts/logout/"))()
        for tab in tabs:
            assert (await receive_until(tab, "refused"))["end"] is True
            assert (await tab.receive_output(timeout=5))["type"] == "websocket.close"

    async_to_sync(scenario)()


def test_a_person_made_inactive_loses_their_chat_connection(chat):
    rosa_session = session_of(chat["rosa"])

    async def scenario():
        tab = await connected(chat["path"], session=rosa_session)

        def deactivate():
            chat["rosa"].is_active = False
            chat["rosa"].save()

        await db(deactivate)()
        assert (await receive_until(tab, "refused"))["end"] is True

    async_to_sync(scenario)()


def test_a_listening_connection_checks_its_session_again(chat, monkeypatch):
    monkeypatch.setattr(consumers, "RECHECK_EVERY", 0)
    rosa_session, ana_session = session_of(chat["rosa"]), session_of(chat["ana"])

    async def scenario():
        person = await connected(chat["path"], session=rosa_session)
        member = await connected(chat["path"], session=ana_session)
        await db(lambda: SessionStore(rosa_session).delete())()  # the session ended (idle, elsewhere)
        await member.send_json_to({"type": "message", "client_id": None, "body": "are you still there?"})
        first = await person.receive_json_from(timeout=5)  # not the message: the end of the connection
        assert first["type"] == "refused" and first["end"] is True
        assert (await person.receive_output(timeout=5))["type"] == "websocket.close"
        await member.disconnect()

    async_to_sync(scenario)()


def test_the_end_of_a_chat_closes_its_connections(chat):
    rosa_session = session_of(chat["rosa"])

    async def scenario():
        tab = await connected(chat["path"], session=rosa_session)
        conversation = chat["chat"]
        await db(lambda: services.close(conversation=conversation, by=chat["ana"]))()
        assert (await receive_until(tab, "state"))["state"]["status"] == "closed"
        assert (await tab.receive_output(timeout=5))["type"] == "websocket.close"

    async_to_sync(scenario)()
    assert Conversation.objects.get(pk=chat["chat"].pk).status == "closed"
