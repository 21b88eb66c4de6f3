"""The case page's way back (issue 18): a manager and Admin Staff go back to the agency's Book of Business (for
Admin Staff, My Delegations would be a 404), an agent to My Delegations; every way back is a page they can open."""

import re

import pytest
from django.test import Client

from .factories import admin_staff_in, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_world():
    agency, manager = agency_with_manager()
    rosa = agent_in(agency)
    case = delegate(agent=rosa, agency=agency).case
    staff = admin_staff_in(agency, can_view_book=True)
    return {"manager": manager.user, "rosa": rosa.user, "staff": staff, "case": case}


def way_back(client, case) -> tuple[str, str]:
    html = client.get(f"/cases/{case.pk}/").content.decode()
    href, label = re.search(r'<p><a href="([^"]+)">← ([^<]+)</a></p>', html).groups()
    return href, label


@pytest.mark.parametrize(
    ("who", "href", "label"),
    [("manager", "/book/", "Book of Business"), ("staff", "/book/", "Book of Business"),
     ("rosa", "/delegations/mine/", "My Delegations")],
)  # fmt: skip
def test_the_way_back_is_the_list_the_person_works_from(case_world, who, href, label):
    client = sign_in(Client(), case_world[who])
    assert way_back(client, case_world["case"]) == (href, label)
    assert client.get(href).status_code == 200, "and it opens"
