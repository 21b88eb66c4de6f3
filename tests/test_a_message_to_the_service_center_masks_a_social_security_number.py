"""What is written to or by the service center never keeps a number shaped like a Social Security number: the
form says not to type one, and the subject and every message are stored masked."""

import pytest
from django.test import Client

from portal.models import AuditEvent
from securemailbox import services
from securemailbox.models import Thread, ThreadMessage

from .factories import agency_with_manager, agent_in, sign_in
from .securemailbox_support import chat_staff

pytestmark = pytest.mark.django_db

MASK = "•••-••-••••"


@pytest.fixture
def agent():
    agency, _manager = agency_with_manager()
    return agent_in(agency)


def test_the_subject_and_the_message_are_stored_masked(agent):
    client = sign_in(Client(), agent.user)
    assert "Do not type a Social Security number" in client.get("/mailbox/service-center/write/").content.decode()
    client.post(
        "/mailbox/service-center/write/",
        {"subject": "SSN 123-45-6789 wrong", "body": "Her number is 123 45 6789, his 987.65.4321; case 4001234567."},
    )
    thread = Thread.objects.get()
    assert thread.subject == f"SSN {MASK} wrong"
    assert thread.messages.get().body == f"Her number is {MASK}, his {MASK}; case 4001234567."
    assert AuditEvent.objects.get(action="mailbox.thread_written").details["ssn_masked"] is True
    page = client.get(f"/mailbox/service-center/{thread.pk}/").content.decode()
    assert "6789" not in page and "4321" not in page


def test_a_reply_and_an_answer_are_stored_masked(agent):
    thread = services.write_to_service_center(person=agent.user, subject="Question", body="Hello")
    client = sign_in(Client(), agent.user)
    client.post(f"/mailbox/service-center/{thread.pk}/", {"body": "Forgot: 123456789"})
    services.answer(thread=thread, staff=chat_staff(), body="Please never send 123-45-6789 here.")
    bodies = list(ThreadMessage.objects.filter(thread=thread).values_list("body", flat=True))
    assert bodies == ["Hello", f"Forgot: {MASK}", f"Please never send {MASK} here."]


def test_a_subject_of_the_full_length_stays_within_it_once_masked(agent):
    subject = "x" * 189 + " 123456789"  # 199 characters; masked, 201
    client = sign_in(Client(), agent.user)
    client.post("/mailbox/service-center/write/", {"subject": subject, "body": "Hello"})
    stored = Thread.objects.get().subject
    assert len(stored) == 200 and "123456789" not in stored
