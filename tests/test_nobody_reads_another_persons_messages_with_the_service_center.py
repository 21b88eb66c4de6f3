"""A thread with the service center is its person's and the service center's: another person's thread is not found
(reading, writing in it, closing it); staff outside the chat group neither list nor answer threads; those who answer
open the waiting threads and their own; supervisors read any."""

import pytest
from django.test import Client

from portal.models import AuditEvent
from securemailbox import services
from securemailbox.models import Thread, ThreadMessage

from .factories import UserFactory, agency_with_manager, agent_in, consumer, consumer_signed_in, sign_in
from .securemailbox_support import chat_staff, plain_staff, supervisor, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs():
    agency, manager = agency_with_manager()
    thread = written(manager.user, subject="Private matter", body="Only for the service center.")
    return thread


def test_another_persons_thread_is_not_found(theirs):
    agency, _manager = agency_with_manager()
    client = sign_in(Client(), agent_in(agency).user)
    assert client.get(f"/mailbox/service-center/{theirs.pk}/").status_code == 404
    assert client.post(f"/mailbox/service-center/{theirs.pk}/", {"body": "Hi"}).status_code == 404
    assert client.post(f"/mailbox/service-center/{theirs.pk}/close/").status_code == 404
    assert ThreadMessage.objects.filter(thread=theirs).count() == 1
    theirs.refresh_from_db()
    assert theirs.closed_at is None
    assert "Private matter" not in client.get("/mailbox/").content.decode()
    assert "Private matter" not in client.get("/mailbox/service-center/").content.decode()


def test_a_consumer_does_not_read_an_agents_thread_nor_the_staff_pages(theirs):
    client = consumer_signed_in(consumer())
    assert client.get(f"/mailbox/service-center/{theirs.pk}/").status_code == 404
    assert client.get(f"/mailbox/service-center/to-answer/{theirs.pk}/").status_code == 404
    assert client.get("/mailbox/service-center/to-answer/").status_code == 403


def test_the_person_does_not_reach_their_own_thread_through_the_staff_pages(theirs):
    client = sign_in(Client(), theirs.person)
    assert client.get("/mailbox/service-center/to-answer/").status_code == 403
    assert client.get(f"/mailbox/service-center/to-answer/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"/mailbox/service-center/to-answer/{theirs.pk}/", {"body": "I answer myself"}).status_code == 404
    )
    assert not ThreadMessage.objects.filter(from_service_center=True).exists()


def test_staff_outside_the_chat_group_neither_list_nor_read_nor_answer(theirs):
    client = sign_in(Client(), plain_staff())
    assert client.get("/mailbox/service-center/to-answer/").status_code == 403
    assert client.get(f"/mailbox/service-center/to-answer/{theirs.pk}/").status_code == 404
    assert client.post(f"/mailbox/service-center/to-answer/{theirs.pk}/", {"body": "Answer"}).status_code == 404
    assert client.post(f"/mailbox/service-center/to-answer/{theirs.pk}/close/").status_code == 404
    assert client.get(f"/admin/securemailbox/thread/{theirs.pk}/change/").status_code in (403, 302)
    assert not ThreadMessage.objects.filter(from_service_center=True).exists()
    assert not AuditEvent.objects.filter(action="mailbox.thread_read_by_staff").exists()
    with pytest.raises(services.MailboxError):
        services.answer(thread=theirs, staff=UserFactory(is_staff=True), body="Not mine to answer")


def test_people_without_chat_do_not_write_to_the_service_center():
    for user, client in ((UserFactory(), None), (consumer(confirmed=False), None), (plain_staff(), None)):
        client = consumer_signed_in(user) if user.is_consumer else sign_in(Client(), user)
        assert client.get("/mailbox/service-center/write/").status_code == 404, user
        assert client.post("/mailbox/service-center/write/", {"subject": "Hi", "body": "Hi"}).status_code == 404
        assert "Write to the Service Center" not in client.get("/mailbox/").content.decode()
    assert not Thread.objects.exists()


def test_who_answers_opens_the_waiting_threads_and_their_own_and_a_supervisor_any(theirs):
    ana, ben = chat_staff(), chat_staff()
    answered_by_ana = written(theirs.person, subject="Answered by Ana")
    services.answer(thread=answered_by_ana, staff=ana, body="Done.")
    ana_client, ben_client = sign_in(Client(), ana), sign_in(Client(), ben)
    assert ben_client.get(f"/mailbox/service-center/to-answer/{theirs.pk}/").status_code == 200, "waiting"
    assert ana_client.get(f"/mailbox/service-center/to-answer/{answered_by_ana.pk}/").status_code == 200
    assert ben_client.get(f"/mailbox/service-center/to-answer/{answered_by_ana.pk}/").status_code == 404
    assert (
        sign_in(Client(), supervisor()).get(f"/mailbox/service-center/to-answer/{answered_by_ana.pk}/").status_code
        == 200
    )


def test_admin_lists_only_the_threads_its_reader_may_read(theirs):
    other = written(theirs.person, subject="Answered elsewhere")
    services.answer(thread=other, staff=chat_staff(), body="Done.")
    listing = sign_in(Client(), chat_staff()).get("/admin/securemailbox/thread/").content.decode()
    assert "Private matter" in listing and "Answered elsewhere" not in listing
    everything = sign_in(Client(), supervisor()).get("/admin/securemailbox/thread/").content.decode()
    assert "Private matter" in everything and "Answered elsewhere" in everything
