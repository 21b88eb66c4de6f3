"""Passwords: strong, reset only by a single-use link that expires, never revealing who has an account."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from portal.models import AuditEvent

from .factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sierra-Nevada-Trail-42"


@pytest.mark.parametrize(
    "password, message",
    [
        ("Short-1!", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("123456789012", "This password is entirely numeric."),
        ("rosalind.delgado", "The password is too similar to the"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, message):
    user = UserFactory.build(email="rosalind.delgado@example.com", first_name="Rosalind", last_name="Delgado")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(message in text for text in refused.value.messages)


def test_a_long_uncommon_password_is_accepted():
    validate_password(NEW_PASSWORD, UserFactory.build(email="rosa@example.com"))


def reset_link(client, email) -> str:
    # The request queues the e-mail; the task (run here, in-process) sends it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": email})
    link = re.escape(settings.PORTAL_BASE_URL.rstrip("/")) + r"(/accounts/password/reset/key/\S+/)"
    return re.search(link, mail.outbox[-1].body).group(1)


def choose_password(client, link):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )


def test_reset_answers_the_same_whether_or_not_the_account_exists(client, django_capture_on_commit_callbacks):
    UserFactory(email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": "known@example.com"}, follow=True)
        unknown = client.post("/accounts/password/reset/", {"email": "unknown@example.com"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    strip = lambda page: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|content="[^"]{30,}"', "", page)  # noqa: E731
    assert strip(known.content.decode()) == strip(unknown.content.decode())
    assert [message.to for message in mail.outbox] == [["known@example.com"]]


def test_reset_link_works_once(client):
    user = UserFactory(email="known@example.com")
    link = reset_link(client, user.email)
    done = choose_password(client, link)
    assert "Your password is now changed." in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=user).exists()
    again = client.get(link, follow=True)
    assert "The password reset link was invalid" in again.content.decode()


def test_reset_link_dies_after_an_hour(client):
    user = UserFactory(email="known@example.com")
    link = reset_link(client, user.email)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        late = client.get(link, follow=True)
    assert "The password reset link was invalid" in late.content.decode()
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)
