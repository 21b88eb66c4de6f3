"""Error messages and help texts are tied to their fields: every aria-describedby names an element on the page."""

import re

import pytest

from .factories import agency_with_manager, sign_in

pytestmark = pytest.mark.django_db


def dangling_references(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    referenced = [ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()]
    return [ref for ref in referenced if ref not in ids]


def test_errors_and_help_are_tied_to_their_fields(client):
    agency, manager = agency_with_manager()
    pages = [client.post("/extranet/reset/", {"username": ""}), client.post("/extranet/sign-in/", {})]
    sign_in(client, manager.user)
    pages += [
        client.post("/agency/agents/add/", {"license_number": "bad", "email": "nope"}),
        client.post("/agency/account/locations/add/", {"zip_code": "10001"}),
        client.post("/agency/staff/", {"email": "nope"}),
    ]
    for response in pages:
        html = response.content.decode()
        assert 'aria-invalid="true"' in html, response.wsgi_request.path
        assert not dangling_references(html), (response.wsgi_request.path, dangling_references(html))
        for error_id in re.findall(r'<p class="field-error" id="([^"]+)"', html):
            assert f"{error_id}" in " ".join(re.findall(r'aria-describedby="([^"]+)"', html)), error_id
