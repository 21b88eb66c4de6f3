"""An agent asks the service center: they wait their turn, a named member takes the chat, both write as the other
reads, "is typing" shows, either may end it, and the agent finds the transcript in their Secure Mailbox."""

import pytest
from asgiref.sync import async_to_sync

from portal.models import AuditEvent, MailboxMessage
from servicecenter import services
from servicecenter.models import ChatMessage, Conversation

from .chat_support import OPEN, chat_member, connected, db, everything, receive_until, session_of
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(OPEN)]


@pytest.fixture
def people():
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado", license_number="0A12345")
    return {"agency": agency, "manager": manager, "rosa": rosa, "ana": chat_member(shown_name="Ana R.")}


def test_an_agent_waits_their_turn_then_talks_with_the_member_who_took_the_chat(people):
    rosa, ana, manager = people["rosa"].user, people["ana"], people["manager"].user
    first = services.open_chat(person=manager, language="en")  # someone asked before Rosa
    chat = services.open_chat(person=rosa, language="en")
    rosa_session, ana_session = session_of(rosa), session_of(ana)
    path = f"/ws/chat/{chat.pk}/"

    async def scenario():
        agent = await connected(path, session=rosa_session)
        await agent.send_json_to({"type": "hello", "after": 0})
        assert (await receive_until(agent, "state"))["state"]["place"] == 2
        console = await connected("/ws/chat/console/", session=ana_session)
        queue = await receive_until(console, "queue")
        assert [row["id"] for row in queue["queue"]["waiting"]] == [first.pk, chat.pk]

        await db(lambda: services.take(conversation_id=first.pk, member=ana))()  # the first in line is taken
        places = await receive_until(agent, "places")
        assert places["places"]["en"] == [chat.pk]  # Rosa is next now
        await db(lambda: services.close(conversation=Conversation.objects.get(pk=first.pk), by=ana))()

        await agent.send_json_to({"type": "message", "client_id": "6f1c0b5e-8a4e-4a57-9f3e-0c7d2f1e9a01",
                                  "body": "Hi, my extranet password expired."})  # fmt: skip
        assert (await receive_until(agent, "message"))["message"]["body"] == "Hi, my extranet password expired."

        await db(lambda: services.take(conversation_id=chat.pk, member=ana))()
        state = await receive_until(agent, "state")
        assert state["state"]["status"] == "active" and state["state"]["staff"] == "Ana R."
        member = await connected(path, session=ana_session)
        await member.send_json_to({"type": "hello", "after": 0})
        history = [item for item in await everything(member) if item["type"] == "message"]
        assert [item["message"]["body"] for item in history if item["message"]["side"] == "person"] == [
            "Hi, my extranet password expired."
        ]

        await member.send_json_to({"type": "typing"})
        assert (await receive_until(agent, "typing"))["side"] == "staff"
        await member.send_json_to({"type": "message", "client_id": "1d3b7e9a-0c4f-4b6e-8a2d-5f9e7c1b3a02",
                                   "body": "I can send you a reset link."})  # fmt: skip
        said = await receive_until(agent, "message", where=lambda data: data["message"]["side"] == "staff")
        assert said["message"]["author"] == "Ana R." and said["message"]["body"] == "I can send you a reset link."
        await agent.send_json_to({"type": "typing"})
        assert (await receive_until(member, "typing"))["side"] == "person"

        await agent.send_json_to({"type": "close"})
        assert (await receive_until(member, "state"))["state"]["status"] == "closed"
        assert (await receive_until(agent, "state"))["state"]["status"] == "closed"
        for communicator in (agent, member):  # an ended chat's connections end with it
            assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"
        await console.disconnect()
        with pytest.raises(services.ChatRefused, match="closed"):
            await db(lambda: services.write(conversation_id=chat.pk, author=ana, side="staff", body="one more thing",
                                            client_id=None))()  # fmt: skip

    async_to_sync(scenario)()

    chat.refresh_from_db()
    assert chat.status == Conversation.Status.CLOSED and chat.closed_by == rosa
    transcript = MailboxMessage.objects.get(recipient=rosa)
    assert "Your Online Chat with the Service Center" in transcript.shown_subject
    assert "Hi, my extranet password expired." in transcript.shown_body
    assert "Ana R.: I can send you a reset link." in transcript.shown_body
    assert "one more thing" not in transcript.shown_body
    actions = list(AuditEvent.objects.filter(object_id=str(chat.pk), action__startswith="chat.")
                   .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert actions == ["chat.opened", "chat.taken", "chat.closed"]


def test_the_member_sees_who_the_person_is_and_no_case(people, client):
    from .factories import ConsumerCaseFactory, delegate, sign_in

    rosa = people["rosa"]
    case = ConsumerCaseFactory(first_name="Quintessa", last_name="Vandermolen")
    delegate(case, agent=rosa, agency=people["agency"])
    chat = services.open_chat(person=rosa.user, language="en")
    services.take(conversation_id=chat.pk, member=people["ana"])
    sign_in(client, people["ana"])
    page = client.get("/service-center/chat/").content.decode()
    assert "Rosa Delgado" in page and "Golden Bear Insurance" in page and "0A12345" in page
    assert "Agent" in page
    assert "Vandermolen" not in page and case.case_number not in page


def test_a_member_ends_a_chat_and_the_person_still_gets_the_transcript(people):
    chat = services.open_chat(person=people["rosa"].user, language="en")
    services.take(conversation_id=chat.pk, member=people["ana"])
    services.write(conversation_id=chat.pk, author=people["rosa"].user, side="person", body="Thanks!", client_id=None)
    services.close(conversation=chat, by=people["ana"])
    services.close(conversation=chat, by=people["rosa"].user)  # the person's click, a moment later: nothing more
    assert MailboxMessage.objects.filter(recipient=people["rosa"].user).count() == 1
    assert ChatMessage.objects.filter(conversation=chat, event=ChatMessage.Event.CLOSED).count() == 1


def test_a_member_has_several_chats_at_once_on_the_console(people, client):
    from .factories import sign_in

    others = [agent_in(people["agency"], first_name=name, last_name="Quist") for name in ("Wei", "Pat", "Lia")]
    chats = [services.open_chat(person=agent.user, language="en") for agent in others]
    for chat in chats:
        services.take(conversation_id=chat.pk, member=people["ana"])
    sign_in(client, people["ana"])
    page = client.get("/service-center/chat/").content.decode()
    for chat, agent in zip(chats, others, strict=True):
        assert f'data-socket-path="/ws/chat/{chat.pk}/"' in page
        assert f"Chat with {agent.first_name} Quist" in page
