"""'Forgot password' does the same work in the request whether or not an account has the address: it only hands the
address to a task. The task looks the account up, makes the link and sends the e-mail, so how quickly the page
answers says nothing of who has an account."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import tasks

from .factories import UserFactory

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "known@example.com", "unknown@example.com"


def ask_for_a_reset(client, email, django_capture_on_commit_callbacks):
    """The request alone: what it queried, rendered and sent, and the work it left for after its commit."""
    with django_capture_on_commit_callbacks() as after_commit, CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/password/reset/", {"email": email})
    return {
        "answer": (response.status_code, response.get("Location")),
        "queries": len(queries),
        "e-mail templates rendered": [t.name for t in response.templates if t.name.startswith("account/email/")],
        "e-mails sent": len(mail.outbox),
        "left for after the commit": len(after_commit),
    }, after_commit


def test_the_request_does_the_same_work_for_a_known_and_an_unknown_address(client, django_capture_on_commit_callbacks):
    UserFactory(email=KNOWN)
    client.post("/accounts/password/reset/", {"email": "warm-up@example.com"})  # the first request warms caches
    mail.outbox.clear()

    known, known_after = ask_for_a_reset(client, KNOWN, django_capture_on_commit_callbacks)
    unknown, unknown_after = ask_for_a_reset(client, UNKNOWN, django_capture_on_commit_callbacks)

    assert (
        known
        == unknown
        == {
            "answer": (302, "/accounts/password/reset/done/"),
            "queries": known["queries"],
            "e-mail templates rendered": [],
            "e-mails sent": 0,
            "left for after the commit": 1,
        }
    )
    # What is left is to queue one task with the address, and nothing else, for either.
    with mock.patch.object(tasks.send_password_reset, "apply_async") as queued:
        for callback in known_after + unknown_after:
            callback()
    assert [call.kwargs for call in queued.call_args_list] == [
        {"args": (), "kwargs": {"email": KNOWN}},
        {"args": (), "kwargs": {"email": UNKNOWN}},
    ]
    assert mail.outbox == []


def test_the_task_sends_the_link_only_to_an_account(client, django_capture_on_commit_callbacks):
    UserFactory(email=KNOWN, preferred_language="es")
    for email in ("Known@Example.com", UNKNOWN):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": email})
    assert [message.to for message in mail.outbox] == [[KNOWN]], "to the address the account holds, not as typed"
    message = mail.outbox[0]
    assert message.subject.startswith("[Agency Portal] ")
    link = re.search(
        re.escape(settings.PORTAL_BASE_URL.rstrip("/")) + r"(/accounts/password/reset/key/\S+/)", message.body
    )
    assert link, "the link points at the portal's address (PORTAL_BASE_URL), not the request's"
    assert "Agency Portal" in message.body and "restablecer" in message.body.lower(), "in the account's language"
    assert client.get(link.group(1), follow=True).status_code == 200
