"""Find Local Help pages through every listing nearest first, 20 a page, with the count of them all: read as the
listings' ids in order (one narrow query that also counts) and then the page's listings in full."""

import re

import pytest

from agents.models import Language

from .factories import AgencyLocationFactory, agency_with_manager, agent_in

pytestmark = pytest.mark.django_db


def test_25_helpers_are_two_pages_in_distance_order():
    agency, _manager = agency_with_manager()
    expected = []
    for n in range(25):  # one a little further north each time, from the Capitol
        location = AgencyLocationFactory(agency=agency, zip_code="95814", county="Sacramento", city="Sacramento",
                                         latitude=f"{38.5767 + n * 0.01:.6f}", longitude="-121.4934",
                                         name=f"Office {n:02d}")  # fmt: skip
        agent = agent_in(agency, first_name="Helper", last_name=f"Number{n:02d}")
        agent.languages.set(Language.objects.filter(code="en"))
        agent.subsite_locations.add(location)
        expected.append(f"Number{n:02d}")
    from django.test import Client

    client = Client()
    first = client.get("/find-local-help/", {"zip_code": "95814", "miles": 50}).content.decode()
    second = client.get("/find-local-help/", {"zip_code": "95814", "miles": 50, "page": 2}).content.decode()
    shown = re.findall(r"<h2>Helper (Number\d\d)</h2>", first) + re.findall(r"<h2>Helper (Number\d\d)</h2>", second)
    assert shown == expected
    assert len(re.findall(r"<h2>Helper ", first)) == 20
    assert "25 helpers near Sacramento" in first
