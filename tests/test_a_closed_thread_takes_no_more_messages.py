"""Once closed (by its person or by the service center), a thread takes no more messages from either side: the
answer is refused on the page, in the service and in admin, and nothing is saved."""

import pytest
from django.core import mail
from django.test import Client

from securemailbox import services
from securemailbox.models import ThreadMessage

from .factories import agency_with_manager, sign_in
from .securemailbox_support import chat_staff, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    _agency, manager = agency_with_manager()
    thread = written(manager.user, subject="Done with this")
    staff = chat_staff()
    services.close(thread=thread, by=staff)
    return thread, staff


def test_answering_a_closed_thread_is_refused(closed, django_capture_on_commit_callbacks):
    thread, staff = closed
    client = sign_in(Client(), staff)
    assert "This thread is closed" in client.get(f"/mailbox/service-center/to-answer/{thread.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mailbox/service-center/to-answer/{thread.pk}/", {"body": "Late answer"})
    assert response.status_code == 400 and "it can no longer be answered" in response.content.decode()
    assert ThreadMessage.objects.filter(thread=thread).count() == 1
    assert mail.outbox == []
    with pytest.raises(services.ThreadClosed):
        services.answer(thread=thread, staff=staff, body="Late answer")


def test_the_person_cannot_write_in_a_closed_thread(closed):
    thread, _staff = closed
    client = sign_in(Client(), thread.person)
    page = client.get(f"/mailbox/service-center/{thread.pk}/").content.decode()
    assert "This conversation is closed." in page and 'name="body"' not in page
    response = client.post(f"/mailbox/service-center/{thread.pk}/", {"body": "One more thing"})
    assert response.status_code == 400 and "Write a new message" in response.content.decode()
    assert ThreadMessage.objects.filter(thread=thread).count() == 1


def test_closing_twice_changes_nothing_and_a_closed_thread_waits_for_nothing(closed):
    thread, staff = closed
    thread.refresh_from_db()
    first = thread.closed_at
    services.close(thread=thread, by=thread.person)
    thread.refresh_from_db()
    assert thread.closed_at == first and thread.closed_by == staff and thread.awaiting_answer_since is None
    assert thread not in services.Thread.objects.filter(awaiting_answer_since__isnull=False)
    assert "Done with this" not in sign_in(Client(), staff).get("/mailbox/service-center/to-answer/").content.decode()


def test_admin_offers_no_answer_on_a_closed_thread(closed):
    thread, staff = closed
    page = sign_in(Client(), staff).get(f"/admin/securemailbox/thread/{thread.pk}/change/").content.decode()
    assert "messages-0-body" not in page
