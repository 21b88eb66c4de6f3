"""The Book of Business's agent filter is read from a list of the agency's agents kept a minute. Admin Staff who may
view the book but not the roster are offered no agent list, whether the manager's list was kept before them, and
their visit never leaves an empty list kept for the manager."""

import re

import pytest

from .factories import ConsumerCaseFactory, admin_staff_in, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def agent_filter_options(client) -> list[str]:
    html = client.get("/book/").content.decode()
    select = re.search(r'<select name="agent".*?</select>', html, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(0)) if select else []


@pytest.fixture
def agency():
    agency, manager = agency_with_manager()
    rosa = agent_in(agency, first_name="Rosa", last_name="Quintero")
    delegate(ConsumerCaseFactory(), agent=rosa, agency=agency)
    return agency, manager, rosa


def staff(agency):
    return admin_staff_in(agency, can_view_book=True, can_view_roster=False)


def test_staff_without_the_roster_are_not_offered_the_managers_kept_list(client, agency):
    agency, manager, rosa = agency
    assert str(rosa.pk) in agent_filter_options(sign_in(client, manager.user))  # the list is kept now
    client.logout()

    assert agent_filter_options(sign_in(client, staff(agency))) == []


def test_a_visit_by_staff_without_the_roster_keeps_nothing_for_the_manager(client, agency):
    agency, manager, rosa = agency
    assert agent_filter_options(sign_in(client, staff(agency))) == []
    client.logout()

    assert str(rosa.pk) in agent_filter_options(sign_in(client, manager.user))
