"""The addresses a page sends people back to (when the session ends, after switching language) are its own path
on this site, never another site's, whatever path was requested."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from .factories import agency_with_manager, sign_in

pytestmark = pytest.mark.django_db


def return_addresses(html: str) -> list[str]:
    return re.findall(r'data-session-expired-url="([^"]*)"', html) + re.findall(r'name="next" value="([^"]*)"', html)


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "//evil.example/%2F.."])
def test_a_path_that_reads_as_another_site_sends_people_home(client, path):
    sign_in(client, agency_with_manager()[1].user)
    response = client.get("/", PATH_INFO=path)  # as a raw request line, not read as a URL by the test client
    addresses = return_addresses(response.content.decode())
    # Where a browser on this site goes when it follows each address (backslashes read as slashes, as browsers do).
    landing = [urlsplit(urljoin("https://portal.example/here", address.replace("\\", "/"))) for address in addresses]
    assert addresses and all(place.netloc == "portal.example" for place in landing), addresses


def test_a_page_of_the_portal_sends_people_back_to_itself(client):
    sign_in(client, agency_with_manager()[1].user)
    addresses = return_addresses(client.get("/book/?sort=county").content.decode())
    assert addresses and all(address == "/book/?sort=county" for address in addresses), addresses
