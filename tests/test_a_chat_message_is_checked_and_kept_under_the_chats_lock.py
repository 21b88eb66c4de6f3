"""A message is refused whole when it is too long or the chat is long enough, and none lands after its chat was
closed, however close together the two come."""

import pytest

from servicecenter import services
from servicecenter.models import ChatMessage, Conversation

from .chat_support import OPEN, chat_member
from .concurrency_support import at_once
from .factories import agency_with_manager, agent_in

pytestmark = pytest.mark.frozen_at(OPEN)


@pytest.fixture
def chat(db):
    agency, _manager = agency_with_manager()
    person = agent_in(agency).user
    member = chat_member()
    conversation = services.open_chat(person=person, language="en")
    services.take(conversation_id=conversation.pk, member=member)
    return {"person": person, "member": member, "chat": conversation}


@pytest.mark.django_db
def test_a_message_too_long_is_refused_not_cut(chat):
    with pytest.raises(services.ChatRefused) as refused:
        services.write(conversation_id=chat["chat"].pk, author=chat["person"], side="person",
                       body="x" * (services.MAX_MESSAGE_LENGTH + 1), client_id=None)  # fmt: skip
    assert "2000 characters at most" in str(refused.value.args[0]).replace(",", "")
    assert not ChatMessage.objects.filter(conversation=chat["chat"], side="person").exists()


@pytest.mark.django_db
def test_a_chat_long_enough_takes_no_more(chat, monkeypatch):
    monkeypatch.setattr(services, "MAX_MESSAGES_PER_CHAT", 3)  # the "taken" line is one
    for n in range(2):
        services.write(conversation_id=chat["chat"].pk, author=chat["person"], side="person", body=f"m{n}",
                       client_id=None)  # fmt: skip
    with pytest.raises(services.ChatRefused):
        services.write(
            conversation_id=chat["chat"].pk, author=chat["person"], side="person", body="m2", client_id=None
        )


@pytest.mark.django_db(transaction=True)
def test_no_message_lands_after_the_chat_closed(chat):
    conversation, person, member = chat["chat"], chat["person"], chat["member"]

    def write(n):
        try:
            return services.write(conversation_id=conversation.pk, author=person, side="person", body=f"late {n}",
                                  client_id=None)  # fmt: skip
        except services.ChatRefused as refused:
            return refused

    at_once([lambda: services.close(conversation=conversation, by=member)] + [lambda n=n: write(n) for n in range(4)])
    closed = ChatMessage.objects.get(conversation=conversation, event=ChatMessage.Event.CLOSED)
    assert not ChatMessage.objects.filter(conversation=conversation, side="person", id__gt=closed.id).exists()
    assert Conversation.objects.get(pk=conversation.pk).status == "closed"
    from portal.models import MailboxMessage

    transcript = MailboxMessage.objects.get(recipient=person).shown_body
    kept = ChatMessage.objects.filter(conversation=conversation, side="person").values_list("body", flat=True)
    assert all(body in transcript for body in kept)  # every message kept is in the transcript sent
