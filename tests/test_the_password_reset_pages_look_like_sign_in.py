"""The portal's own password-reset pages (issue 18): styled like sign-in, in the portal's words, in English and
Spanish, with the way back to sign-in; the field in the sign-in page's words; a refused address said beside it."""

import re

import pytest
from django.test import TestCase

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_forgot_password_page_is_the_portals(client):
    html = client.get("/accounts/password/reset/").content.decode()
    assert '<h1 id="reset-heading">Forgot your password?</h1>' in html
    assert '<label for="id_email">E-mail address' in html and 'class="card"' in html
    assert 'class="button button-primary">Send the link</button>' in html
    assert 'href="/accounts/login/">← Back to sign-in' in html
    assert "Forgotten your password?" not in html, "not allauth's default page"


def test_a_malformed_address_is_said_beside_the_field_and_kept(client):
    response = client.post("/accounts/password/reset/", {"email": "rosa@"})
    html = response.content.decode()
    assert 'class="field-error" id="id_email_error"' in html
    assert 'value="rosa@"' in html
    assert '<a href="#id_email">E-mail address</a>' in html, "and named in the summary"


def test_in_spanish(client):
    client.cookies["django_language"] = "es"
    html = client.get("/accounts/password/reset/").content.decode()
    assert "¿Olvidó su contraseña?" in html and "Enviar el enlace" in html and "Volver a iniciar sesión" in html


def test_choosing_the_new_password_is_styled_and_says_what_to_do_next(client):
    from django.conf import settings
    from django.core import mail

    user = UserFactory(email="ottoline@example.com")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(re.escape(settings.PORTAL_BASE_URL.rstrip("/")) + r"(/accounts/password/reset/key/\S+/)",
                     mail.outbox[-1].body).group(1)  # fmt: skip
    form = client.get(link, follow=True)
    html = form.content.decode()
    assert '<h1 id="new-password-heading">Choose a new password</h1>' in html
    assert "Save the new password" in html
    done = client.post(form.redirect_chain[-1][0], {"password1": "Ottoline-Harbor-2026!", "password2": "x"})
    assert 'class="field-error"' in done.content.decode(), "two passwords that differ: said beside the field"
