"""A person who asks for Spanish waits in the Spanish line and is taken only by a member who takes Spanish chats;
a chat is handed over only to a colleague who answers chat (and, for Spanish, speaks it), and the person is told."""

import pytest

from portal.models import AuditEvent
from servicecenter import selectors, services
from servicecenter.models import ChatMessage, Conversation

from .chat_support import OPEN, chat_member
from .factories import UserFactory, agency_with_manager, agent_in, consumer, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(OPEN)]


@pytest.fixture
def line():
    agency, _manager = agency_with_manager()
    english = services.open_chat(person=agent_in(agency).user, language="en")
    spanish = services.open_chat(person=consumer(preferred_language="es"), language="es")
    return {"english": english, "spanish": spanish, "agency": agency}


def test_each_language_has_its_own_line(line):
    later = services.open_chat(person=agent_in(line["agency"]).user, language="en")
    assert selectors.place_in_queue(line["spanish"]) == 1
    assert selectors.place_in_queue(later) == 2


def test_a_member_who_takes_no_spanish_chats_cannot_take_a_spanish_one(line):
    ana = chat_member()
    with pytest.raises(services.ChatRefused):
        services.take(conversation_id=line["spanish"].pk, member=ana)
    assert services.take_next(member=ana).pk == line["english"].pk
    assert services.take_next(member=ana) is None  # the Spanish chat waits for a Spanish speaker
    assert list(selectors.queue(spanish=False)) == []


def test_a_member_who_takes_spanish_chats_is_given_the_longest_waiting_of_either(line):
    lucia = chat_member(first_name="Lucía", shown_name="Lucía M.", spanish=True)
    assert services.take_next(member=lucia).pk == line["english"].pk
    assert services.take_next(member=lucia).pk == line["spanish"].pk


def test_the_console_offers_take_only_where_the_member_may(line, client):
    ana = chat_member()
    sign_in(client, ana)
    page = client.get("/service-center/chat/").content.decode()
    assert f"/service-center/chat/{line['english'].pk}/take/" in page
    assert f"/service-center/chat/{line['spanish'].pk}/take/" not in page
    response = client.post(f"/service-center/chat/{line['spanish'].pk}/take/", follow=True)
    assert "This person asked for Spanish" in response.content.decode()
    assert Conversation.objects.get(pk=line["spanish"].pk).status == "waiting"


def test_a_member_hands_a_chat_to_a_colleague_and_the_person_reads_who(line, client):
    ana, ben = chat_member(), chat_member(first_name="Ben", shown_name="Ben T.")
    services.take(conversation_id=line["english"].pk, member=ana)
    sign_in(client, ana)
    response = client.post(f"/service-center/chat/{line['english'].pk}/hand-over/", {"to": ben.pk}, follow=True)
    assert "The chat is Ben T.&#x27;s now." in response.content.decode()
    chat = Conversation.objects.get(pk=line["english"].pk)
    assert chat.staff == ben
    event = ChatMessage.objects.get(conversation=chat, event=ChatMessage.Event.HANDED_OVER)
    assert (event.author_name, event.body) == ("Ana R.", "Ben T.")
    assert AuditEvent.objects.get(action="chat.handed_over").details["to"] == ben.email
    with pytest.raises(services.ChatRefused):  # no longer Ana's to write in
        services.write(conversation_id=chat.pk, author=ana, side="staff", body="still me", client_id=None)


@pytest.mark.parametrize("who", ["plain staff", "an agent", "inactive member", "themselves"])
def test_a_chat_is_handed_only_to_a_colleague_who_answers_chat(line, who):
    ana = chat_member()
    services.take(conversation_id=line["english"].pk, member=ana)
    to = {
        "plain staff": lambda: UserFactory(is_staff=True),
        "an agent": lambda: agent_in(line["agency"]).user,
        "inactive member": lambda: chat_member(first_name="Gone", shown_name="Gone G."),
        "themselves": lambda: ana,
    }[who]()
    if who == "inactive member":
        to.is_active = False
        to.save()
    with pytest.raises(services.ChatRefused):
        services.hand_over(conversation=line["english"], member=ana, to=to)
    assert Conversation.objects.get(pk=line["english"].pk).staff == ana


def test_a_spanish_chat_is_handed_only_to_a_spanish_speaker(line):
    lucia, ben = chat_member(spanish=True, shown_name="Lucía M."), chat_member(first_name="Ben", shown_name="Ben T.")
    services.take(conversation_id=line["spanish"].pk, member=lucia)
    with pytest.raises(services.ChatRefused):
        services.hand_over(conversation=line["spanish"], member=lucia, to=ben)


def test_a_member_cannot_hand_over_a_chat_that_is_not_theirs(line, client):
    ana, ben = chat_member(), chat_member(first_name="Ben", shown_name="Ben T.")
    services.take(conversation_id=line["english"].pk, member=ana)
    sign_in(client, ben)
    assert client.post(f"/service-center/chat/{line['english'].pk}/hand-over/", {"to": ben.pk}).status_code == 404
    assert client.post(f"/chat/{line['english'].pk}/end/").status_code == 404
    assert Conversation.objects.get(pk=line["english"].pk).status == "active"
