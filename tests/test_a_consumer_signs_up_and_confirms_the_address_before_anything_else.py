"""A consumer makes their own account: the address is confirmed by an e-mailed link before they can sign in; the
password follows the portal's rules; nobody can tell from the answer whether an address already had an account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from portal.models import AuditEvent, User

from .factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.django_db

GOOD = "Maple-Harbor-2027!"


def _sign_up(client, email="lucia@example.com", password=GOOD, **extra):
    data = {"first_name": "Lucía", "last_name": "Ramírez", "email": email, "password1": password,
            "password2": password, **extra}  # fmt: skip
    return client.post("/accounts/signup/", data)


def _link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_a_consumer_signs_up_confirms_the_address_then_signs_in(client):
    response = _sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="lucia@example.com")
    assert user.is_consumer and not user.is_staff and (user.first_name, user.last_name) == ("Lucía", "Ramírez")
    assert client.get("/my-case/").status_code == 302, "not signed in before the address is confirmed"
    page = client.get("/accounts/confirm-email/").content.decode()
    assert "We sent a link to the address you gave." in page
    [message] = mail.outbox
    assert message.to == ["lucia@example.com"] and "Confirm your e-mail address" in message.subject
    link = _link_in(message)

    # Signing in before confirming stops at the same page.
    response = client.post("/accounts/login/", {"login": "lucia@example.com", "password": GOOD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    path = link.split("testserver", 1)[-1]
    assert "Confirm that lucia@example.com is your address." in client.get(path).content.decode()
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    response = client.post("/accounts/login/", {"login": "lucia@example.com", "password": GOOD}, follow=True)
    assert response.redirect_chain[-1][0] == "/my-case/link/", "no second factor required of a consumer"
    assert "Link my case" in response.content.decode()
    assert {"auth.signed_up", "auth.signed_in"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_a_password_the_portal_refuses_is_said_beside_its_field_and_the_rest_is_kept(client):
    response = _sign_up(client, password="password")
    page = response.content.decode()
    assert response.status_code == 200 and not User.objects.filter(email="lucia@example.com").exists()
    assert 'aria-invalid="true"' in page and "This password is too common." in page
    assert 'value="lucia@example.com"' in page and 'value="Ramírez"' in page
    assert not mail.outbox


def test_signing_up_with_an_address_that_has_an_account_looks_the_same_and_tells_its_owner(client):
    agent = AgentFactory()
    response = _sign_up(client, email=agent.user.email.upper())
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact=agent.user.email).count() == 1
    agent.user.refresh_from_db()
    assert not agent.user.is_consumer and agent.user.check_password(PASSWORD), "the agent's account is untouched"
    [message] = mail.outbox
    assert message.to == [agent.user.email] and "already has one" in message.body


def test_an_agent_signs_in_with_no_confirmation_asked(client):
    agent = AgentFactory()
    response = client.post("/accounts/login/", {"login": agent.user.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/security/two-factor/setup/"), "on to the second factor"
    assert not mail.outbox


def test_a_consumer_who_signs_up_in_spanish_is_written_to_and_shown_the_portal_in_spanish(client):
    client.cookies["django_language"] = "es"
    _sign_up(client)
    assert User.objects.get(email="lucia@example.com").preferred_language == "es"
    [message] = mail.outbox
    assert "Confirme su correo electrónico" in message.subject, message.subject


def test_a_consumers_sign_in_is_locked_after_three_failures_like_everyones(client):
    from .factories import consumer

    person = consumer()
    for _ in range(3):
        client.post("/accounts/login/", {"login": person.email, "password": "not-it-at-all"})
    page = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD}).content.decode()
    assert "Sign-in is blocked for 60 minutes" in page
    assert "_auth_user_id" not in client.session
