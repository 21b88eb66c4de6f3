"""The pages anyone can open speak to the consumers who read them (issue 18): their footer points to Find Local
Help instead of warning about "authorized work"; the warning stays for the portal's people, signed in or at the
sign-in pages."""

import pytest
from django.test import Client

from .factories import agency_with_manager, sign_in

pytestmark = pytest.mark.django_db

WARNING = "Use it only for authorized work"
FOR_CONSUMERS = "Looking for help with your health coverage?"


@pytest.mark.parametrize("path", ["/find-local-help/", "/help/", "/help/cases/"])
def test_a_public_page_points_a_consumer_to_find_local_help(client, path):
    html = client.get(path).content.decode()
    assert FOR_CONSUMERS in html and WARNING not in html
    assert '<a href="/find-local-help/">Find Local Help</a> lists certified helpers near you' in html


def test_in_spanish_too(client):
    client.cookies["django_language"] = "es"
    html = client.get("/help/").content.decode()
    assert "¿Busca ayuda con su cobertura de salud?" in html


@pytest.mark.parametrize("path", ["/accounts/login/", "/extranet/sign-in/"])
def test_the_sign_in_pages_keep_the_warning(client, path):
    html = client.get(path).content.decode()
    assert WARNING in html and FOR_CONSUMERS not in html


def test_signed_in_people_read_the_warning():
    client = sign_in(Client(), agency_with_manager()[1].user)
    html = client.get("/help/").content.decode()
    assert WARNING in html and FOR_CONSUMERS not in html
