"""The Secure Mailbox shows a person their own messages and no one else's."""

import pytest

from portal.models import MailboxMessage

from .factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def test_mailbox_lists_only_my_messages_newest_first_and_marks_a_read_one(client):
    me, someone = UserFactory(), UserFactory()
    MailboxMessage.objects.create(recipient=me, subject="Older notice", body="First.")
    newer = MailboxMessage.objects.create(recipient=me, subject="Your agent was certified", body="Done.")
    MailboxMessage.objects.create(recipient=someone, subject="Not for you", body="Private.")
    sign_in(client, me)
    page = client.get("/mailbox/").content.decode()
    assert page.index("Your agent was certified") < page.index("Older notice")
    assert "Not for you" not in page
    opened = client.get(f"/mailbox/{newer.pk}/")
    assert "Done." in opened.content.decode()
    newer.refresh_from_db()
    assert newer.read_at is not None


def test_someone_elses_message_is_not_found(client):
    other = MailboxMessage.objects.create(recipient=UserFactory(), subject="Private", body="Private.")
    sign_in(client, UserFactory())
    assert client.get(f"/mailbox/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_empty_mailbox_says_what_will_arrive(client):
    sign_in(client, UserFactory())
    assert "Your Secure Mailbox is empty." in client.get("/mailbox/").content.decode()
