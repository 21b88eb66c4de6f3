"""A WebSocket into a chat opens only for the chat's person or the member who has it, signed in past their second
factor, from the portal's own page; and a connection that was allowed stops the moment it no longer is."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model

from agencies.models import Membership
from portal.models import AuditEvent
from servicecenter import services
from servicecenter.models import ChatMessage

from .chat_support import OPEN, chat_member, connected, db, receive_until, refused, session_of
from .factories import UserFactory, agency_with_manager, agent_in, consumer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN)]


@pytest.fixture
def chat():
    agency, _manager = agency_with_manager()
    agent = agent_in(agency, first_name="Rosa")
    conversation = services.open_chat(person=agent.user, language="en")
    return {"agency": agency, "agent": agent, "conversation": conversation, "path": f"/ws/chat/{conversation.pk}/"}


def test_the_chats_own_person_is_let_in(chat):
    session = session_of(chat["agent"].user)

    async def scenario():
        communicator = await connected(chat["path"], session=session)
        await communicator.send_json_to({"type": "hello", "after": 0})
        state = await receive_until(communicator, "state")
        assert state["state"]["status"] == "waiting" and state["state"]["place"] == 1
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_nobody_signed_in_gets_no_websocket(chat):
    assert async_to_sync(refused)(chat["path"])
    assert async_to_sync(refused)("/ws/chat/console/")


def test_another_person_gets_no_websocket_to_the_chat(chat):
    other = agent_in(chat["agency"])  # the same agency's agent: still not their chat
    stranger = consumer()
    assert async_to_sync(refused)(chat["path"], session=session_of(other.user))
    assert async_to_sync(refused)(chat["path"], session=session_of(stranger, second_factor=False))
    assert AuditEvent.objects.filter(action="chat.refused", actor=other.user).exists()


def test_a_person_short_of_their_second_factor_gets_no_websocket(chat):
    assert async_to_sync(refused)(chat["path"], session=session_of(chat["agent"].user, second_factor=False))


def test_a_page_of_another_site_gets_no_websocket(chat):
    session = session_of(chat["agent"].user)
    assert async_to_sync(refused)(chat["path"], session=session, origin="https://evil.example")
    assert async_to_sync(refused)(chat["path"], session=session, origin=None)


def test_service_center_staff_outside_the_chat_group_get_no_websocket(chat):
    plain_staff = UserFactory(is_staff=True)
    assert async_to_sync(refused)(chat["path"], session=session_of(plain_staff))
    assert async_to_sync(refused)("/ws/chat/console/", session=session_of(plain_staff))


def test_a_member_gets_no_websocket_to_a_chat_they_have_not_taken(chat):
    member = chat_member()
    assert async_to_sync(refused)(chat["path"], session=session_of(member))
    assert not async_to_sync(refused)("/ws/chat/console/", session=session_of(member))


def test_a_consumer_whose_address_is_not_confirmed_gets_no_websocket():
    unconfirmed = consumer(confirmed=False)
    assert async_to_sync(refused)("/ws/chat/1/", session=session_of(unconfirmed, second_factor=False))


def test_signing_out_ends_what_an_open_websocket_may_do(chat):
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = session_of(chat["agent"].user)

    async def scenario():
        communicator = await connected(chat["path"], session=session)
        await db(lambda: SessionStore(session).delete())()  # signed out in another tab
        await communicator.send_json_to({"type": "message", "client_id": None, "body": "still there?"})
        answer = await receive_until(communicator, "refused")
        assert answer["end"] is True
        assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"

    async_to_sync(scenario)()
    assert not ChatMessage.objects.filter(body="still there?").exists()


def test_an_agent_made_inactive_mid_chat_can_write_no_more(chat):
    session = session_of(chat["agent"].user)

    async def scenario():
        communicator = await connected(chat["path"], session=session)
        user = chat["agent"].user
        await db(lambda: get_user_model().objects.filter(pk=user.pk).update(is_active=False))()
        await communicator.send_json_to({"type": "message", "client_id": None, "body": "hello?"})
        assert (await receive_until(communicator, "refused"))["end"] is True
        await communicator.disconnect()

    async_to_sync(scenario)()
    assert not ChatMessage.objects.filter(body="hello?").exists()


def test_an_agent_removed_from_their_agency_keeps_their_chat_as_an_agent(chat):
    """Leaving an agency is not leaving the portal: an agent with no agency may still ask the service center."""
    Membership.objects.filter(user=chat["agent"].user).update(status=Membership.Status.INACTIVE)
    session = session_of(chat["agent"].user)

    async def scenario():
        communicator = await connected(chat["path"], session=session)
        await communicator.send_json_to({"type": "message", "client_id": None, "body": "I left my agency"})
        message = await receive_until(communicator, "message")
        assert message["message"]["body"] == "I left my agency"
        await communicator.disconnect()

    async_to_sync(scenario)()
