"""A chat's transcript is the person's (in their Secure Mailbox) and the service center's supervisors' (audited);
nobody else reads one, and nobody, not even the database's own role, changes or deletes a chat's messages."""

import pytest
from django.db import connection
from django.db.utils import DatabaseError

from portal.models import AuditEvent
from servicecenter import services
from servicecenter.models import ChatMessage, ChatMessageIsKept

from .chat_support import OPEN, chat_member
from .factories import UserFactory, agency_with_manager, agent_in, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(OPEN)]


@pytest.fixture
def ended():
    agency, manager = agency_with_manager()
    person = agent_in(agency).user
    member = chat_member()
    chat = services.open_chat(person=person, language="en")
    services.take(conversation_id=chat.pk, member=member)
    services.write(
        conversation_id=chat.pk, author=person, side="person", body="My book is empty this week.", client_id=None
    )
    services.close(conversation=chat, by=member)
    return {"chat": chat, "person": person, "member": member, "manager": manager.user}


def test_a_supervisor_reads_any_transcript_and_it_is_audited(ended, client):
    supervisor = chat_member(first_name="Sam", shown_name="Sam S.", supervisor=True)
    sign_in(client, supervisor)
    page = client.get(f"/service-center/chat/{ended['chat'].pk}/transcript/").content.decode()
    assert "My book is empty this week." in page
    assert AuditEvent.objects.filter(action="chat.transcript_viewed", actor=supervisor).count() == 1
    admin_page = client.get(f"/admin/servicecenter/conversation/{ended['chat'].pk}/change/")
    assert admin_page.status_code == 200 and "My book is empty this week." in admin_page.content.decode()
    assert AuditEvent.objects.filter(action="chat.transcript_viewed", actor=supervisor).count() == 2


@pytest.mark.parametrize("who", ["member", "person", "manager", "plain staff"])
def test_nobody_else_reads_a_transcript(ended, client, who):
    user = ended.get(who) or UserFactory(is_staff=True)
    sign_in(client, user)
    assert client.get(f"/service-center/chat/{ended['chat'].pk}/transcript/").status_code == 404
    admin_page = client.get(f"/admin/servicecenter/conversation/{ended['chat'].pk}/change/")
    assert admin_page.status_code in (302, 403, 404)
    assert "My book is empty this week." not in admin_page.content.decode()


def test_the_person_reads_it_in_their_mailbox_only(ended, client):
    from portal.models import MailboxMessage

    transcript = MailboxMessage.objects.get(recipient=ended["person"])
    sign_in(client, ended["manager"])
    assert client.get(f"/mailbox/{transcript.pk}/").status_code == 404


def test_a_chats_messages_are_kept_as_written(ended):
    message = ChatMessage.objects.filter(conversation=ended["chat"]).first()
    message.body = "changed"
    with pytest.raises(ChatMessageIsKept):
        message.save()
    with pytest.raises(ChatMessageIsKept):
        ChatMessage.objects.filter(pk=message.pk).delete()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE servicecenter_chatmessage SET body = 'changed'")


def test_a_transcript_read_among_the_mailbox_messages_in_admin_is_audited_and_cannot_be_changed(ended, client):
    from portal.models import MailboxMessage

    supervisor = chat_member(first_name="Sam", shown_name="Sam S.", supervisor=True)
    transcript = MailboxMessage.objects.get(recipient=ended["person"])
    sign_in(client, supervisor)
    page = client.get(f"/admin/portal/mailboxmessage/{transcript.pk}/change/")
    assert page.status_code == 200 and "My book is empty this week." in page.content.decode()
    assert AuditEvent.objects.filter(action="mailbox.message_read_in_admin", actor=supervisor).count() == 1
    client.post(f"/admin/portal/mailboxmessage/{transcript.pk}/change/", {"subject": "changed", "body": "changed"})
    client.post(f"/admin/portal/mailboxmessage/{transcript.pk}/delete/", {"post": "yes"})
    transcript.refresh_from_db()
    assert "My book is empty this week." in transcript.body
