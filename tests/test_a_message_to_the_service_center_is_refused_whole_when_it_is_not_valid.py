"""A message to the service center that does not validate (an over-long subject or message, nothing written) is
refused with each error beside its field and what was typed kept; nothing of it is saved."""

import pytest
from django.test import Client

from securemailbox.models import BODY_MAX_LENGTH, Thread, ThreadMessage

from .factories import agency_with_manager, sign_in
from .securemailbox_support import written

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    _agency, manager = agency_with_manager()
    return manager.user


def test_an_over_long_subject_is_refused_beside_its_field(manager):
    response = sign_in(Client(), manager).post(
        "/mailbox/service-center/write/", {"subject": "S" * 201, "body": "Kept as typed"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_subject_error"' in page and "at most 200 characters" in page
    assert "Kept as typed" in page
    assert not Thread.objects.exists() and not ThreadMessage.objects.exists()


def test_an_empty_message_and_an_over_long_one_are_refused(manager):
    client = sign_in(Client(), manager)
    empty = client.post("/mailbox/service-center/write/", {"subject": "Kept subject", "body": "  "})
    assert empty.status_code == 400 and 'id="id_body_error"' in empty.content.decode()
    assert 'value="Kept subject"' in empty.content.decode()
    long = client.post("/mailbox/service-center/write/", {"subject": "S", "body": "b" * (BODY_MAX_LENGTH + 1)})
    assert long.status_code == 400 and not Thread.objects.exists()


def test_an_over_long_reply_is_refused_and_adds_nothing(manager):
    thread = written(manager)
    response = sign_in(Client(), manager).post(
        f"/mailbox/service-center/{thread.pk}/", {"body": "b" * (BODY_MAX_LENGTH + 1)}
    )
    assert response.status_code == 400 and 'id="reply_body_error"' in response.content.decode()
    assert thread.messages.count() == 1
