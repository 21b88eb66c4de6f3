"""A person writes to the service center from their Secure Mailbox; the service center answers from its list of
messages to answer; the person is told by e-mail (that an answer arrived, nothing more), sees it marked in their
mailbox and header, and reads it."""

import datetime

import pytest
from django.core import mail
from django.test import Client

from portal.models import AuditEvent
from securemailbox.models import Thread, ThreadMessage

from .factories import agency_with_manager, agent_in, consumer, consumer_signed_in, delegate, sign_in
from .securemailbox_support import chat_staff, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    agency, manager = agency_with_manager(public_name="Golden Poppy Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    case = delegate(agent=rosa, agency=agency).case
    return {"agency": agency, "manager": manager, "rosa": rosa, "case": case}


def test_an_agent_writes_about_a_case_and_reads_the_answer(agency, django_capture_on_commit_callbacks):
    rosa, case = agency["rosa"], agency["case"]
    client = sign_in(Client(), rosa.user)
    mailbox = client.get("/mailbox/").content.decode()
    assert "Write to the Service Center" in mailbox
    form = client.get("/mailbox/service-center/write/").content.decode()
    assert f'<option value="{case.case_number}">{case.case_number}</option>' in form
    assert "Do not type a Social Security number" in form

    response = client.post(
        "/mailbox/service-center/write/",
        {"subject": "Renewal question", "body": "The renewal form does not open.", "case": case.case_number},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mailbox/service-center/{thread.pk}/"
    assert (thread.person, thread.case, thread.language) == (rosa.user, case, "en")
    assert thread.awaiting_answer_since is not None and thread.closed_at is None
    page = client.get(response["Location"]).content.decode()
    assert "The renewal form does not open." in page and "Waiting for an answer" in page
    assert f"About case {case.case_number}" in page
    assert AuditEvent.objects.filter(
        action="mailbox.thread_written", object_id=str(thread.pk), actor=rosa.user
    ).exists()

    # The service center's list, the longest waiting first, with how long each has waited.
    staff = sign_in(Client(), chat_staff(first_name="Ana", last_name="Ruiz"))
    listing = staff.get("/mailbox/service-center/to-answer/").content.decode()
    assert "Renewal question" in listing and rosa.user.get_full_name() in listing and "minute" in listing
    reading = staff.get(f"/mailbox/service-center/to-answer/{thread.pk}/").content.decode()
    assert (
        rosa.user.get_full_name() in reading and rosa.license_number in reading and "Golden Poppy Insurance" in reading
    )
    assert f"/admin/consumers/consumercase/{case.pk}/change/" in reading and case.case_number in reading
    assert case.first_name not in reading and case.last_name not in reading, "the case's data is admin's, audited"
    assert AuditEvent.objects.filter(action="mailbox.thread_read_by_staff", object_id=str(thread.pk)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        answered = staff.post(f"/mailbox/service-center/to-answer/{thread.pk}/", {"body": "Try it again now: fixed."})
    assert answered.status_code == 302 and answered["Location"] == "/mailbox/service-center/to-answer/"
    thread.refresh_from_db()
    assert thread.awaiting_answer_since is None and thread.answered_at is not None
    reply = ThreadMessage.objects.get(from_service_center=True)
    assert reply.body == "Try it again now: fixed." and reply.author.first_name == "Ana"
    assert AuditEvent.objects.filter(action="mailbox.answered", object_id=str(thread.pk)).exists()
    assert "Renewal question" not in staff.get("/mailbox/service-center/to-answer/").content.decode()

    # Told by e-mail: that an answer arrived and where, never the answer, the subject or the case.
    (email,) = mail.outbox
    assert email.to == [rosa.user.email]
    assert "The Service Center answered your message" in email.subject
    assert f"/mailbox/service-center/{thread.pk}/" in email.body
    for secret in ("fixed", "Renewal question", case.case_number):
        assert secret not in email.body and secret not in email.subject

    # Marked in the mailbox and counted in the header until read.
    mailbox = client.get("/mailbox/")
    assert mailbox.context["unread_replies"] == 1
    assert 'class="unread"' in mailbox.content.decode() and "New answer" in mailbox.content.decode()
    page = client.get(f"/mailbox/service-center/{thread.pk}/").content.decode()
    assert "Try it again now: fixed." in page and "Service Center" in page and "Ana" not in page
    assert client.get("/mailbox/").context["unread_replies"] == 0


def test_a_person_writes_again_and_waits_again_until_they_close_it(agency):
    manager = agency["manager"].user
    thread = written(manager, subject="Roster", body="How do I add an agent?")
    staff = chat_staff()
    from securemailbox import services

    services.answer(thread=thread, staff=staff, body="Agency > Agents > Add.")
    client = sign_in(Client(), manager)
    client.post(f"/mailbox/service-center/{thread.pk}/", {"body": "And an Admin Staff member?"})
    thread.refresh_from_db()
    first_wait = thread.awaiting_answer_since
    assert first_wait is not None, "waiting again"
    client.post(f"/mailbox/service-center/{thread.pk}/", {"body": "Also: can they export?"})
    thread.refresh_from_db()
    assert thread.awaiting_answer_since == first_wait, "the wait is counted from the oldest unanswered message"
    assert list(thread.messages.values_list("from_service_center", flat=True)) == [False, True, False, False]
    assert AuditEvent.objects.filter(action="mailbox.person_replied").count() == 2

    closed = client.post(f"/mailbox/service-center/{thread.pk}/close/")
    assert closed.status_code == 302
    thread.refresh_from_db()
    assert thread.closed_at is not None and thread.closed_by == manager and thread.awaiting_answer_since is None
    assert AuditEvent.objects.get(action="mailbox.thread_closed").details == {"by": "person"}
    assert "This conversation is closed." in client.get(f"/mailbox/service-center/{thread.pk}/").content.decode()


def test_a_consumer_writes_in_spanish_and_is_told_in_spanish(django_capture_on_commit_callbacks):
    agency, _manager = agency_with_manager()
    case = delegate(agent=agent_in(agency), agency=agency).case
    me = consumer(case, first_name="Lucía", preferred_language="es")
    client = consumer_signed_in(me)
    client.cookies["django_language"] = "es"
    assert client.get("/mailbox/service-center/write/").status_code == 200
    client.post("/mailbox/service-center/write/", {"subject": "Mi cobertura", "body": "¿Cuándo empieza?",
                                                    "case": case.case_number})  # fmt: skip
    thread = Thread.objects.get(person=me)
    assert (thread.language, thread.case) == ("es", case)
    from securemailbox import services

    with django_capture_on_commit_callbacks(execute=True):
        services.answer(thread=thread, staff=chat_staff(), body="El 1 de enero.")
    (email,) = mail.outbox
    assert "Lucía" in email.body and "El 1 de enero" not in email.body
    assert "Agency Portal" not in email.subject, "consumers do not know the portal by name"


def test_the_staff_list_shows_the_longest_waiting_first(agency):
    older = written(agency["rosa"].user, subject="Older question")
    newer = written(agency["manager"].user, subject="Newer question")
    Thread.objects.filter(pk=older.pk).update(
        awaiting_answer_since=older.awaiting_answer_since - datetime.timedelta(hours=26)
    )
    listing = sign_in(Client(), chat_staff()).get("/mailbox/service-center/to-answer/")
    assert [thread.pk for thread in listing.context["page"]] == [older.pk, newer.pk]
    assert "1\xa0day" in listing.content.decode()
