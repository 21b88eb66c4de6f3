"""The service center may answer in admin too: the thread's messages are shown as written and one answer is written
below them; it is the same answer as on the portal's page (the thread answered, the person told, audited), and
reading the thread there is audited."""

import pytest
from django.core import mail
from django.test import Client

from portal.models import AuditEvent
from securemailbox.models import ThreadMessage

from .factories import agency_with_manager, agent_in, delegate, sign_in
from .securemailbox_support import chat_staff, written

pytestmark = pytest.mark.django_db


def test_an_answer_written_in_admin_reaches_the_person(django_capture_on_commit_callbacks):
    agency, manager = agency_with_manager()
    case = delegate(agent=agent_in(agency), agency=agency).case
    thread = written(manager.user, subject="Book question", body="Why is my book empty?", case=case)
    staff = chat_staff()
    client = sign_in(Client(), staff)
    url = f"/admin/securemailbox/thread/{thread.pk}/change/"
    page = client.get(url).content.decode()
    assert "Why is my book empty?" in page and case.case_number in page and "messages-0-body" in page
    assert f"/admin/consumers/consumercase/{case.pk}/change/" in page
    assert case.first_name not in page
    assert AuditEvent.objects.filter(action="mailbox.thread_read_by_staff", details__contains={"in": "admin"}).exists()

    form = {"messages-TOTAL_FORMS": "1", "messages-INITIAL_FORMS": "0", "messages-MIN_NUM_FORMS": "0",
            "messages-MAX_NUM_FORMS": "1", "messages-0-body": "It fills on Monday.", "_save": "Save"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    answer = ThreadMessage.objects.get(from_service_center=True)
    assert (answer.author, answer.body) == (staff, "It fills on Monday.")
    thread.refresh_from_db()
    assert thread.awaiting_answer_since is None and thread.answered_at is not None
    assert AuditEvent.objects.filter(action="mailbox.answered", object_id=str(thread.pk), actor=staff).exists()
    (email,) = mail.outbox
    assert email.to == [manager.user.email] and "It fills on Monday" not in email.body
