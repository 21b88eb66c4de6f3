"""An agent in no agency has no agency location, so Find Local Help (which searches by place) could never find them.
They add their own office, checked and placed like an agency's location, and are found there; until then their
profile says they cannot be found, and what to do."""

import pytest
from django.test import Client

from agencies.models import AgencyLocation, Membership
from portal.models import AuditEvent

from .factories import AgencyLocationFactory, AgentFactory, MembershipFactory, agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db

OFFICE = {
    "name": "Vandermolen Insurance", "street": "2801 K Street", "city": "Sacramento", "zip_code": "95816",
    "county": "Sacramento", "phone": "916-555-0142", "is_listed": "on",
    "hours-TOTAL_FORMS": "1", "hours-INITIAL_FORMS": "0",
    "hours-0-weekday": "1", "hours-0-opens_at": "09:00", "hours-0-closes_at": "17:00",
}  # fmt: skip


@pytest.fixture
def independent(client):
    agent = AgentFactory(last_name="Vandermolen")
    sign_in(client, agent.user)
    return agent


def found_near(client, zip_code="95814", miles=5):
    """Whether a consumer (a client of their own: no one's flash message on the page) finds the agent."""
    page = Client().get("/find-local-help/", {"zip_code": zip_code, "miles": miles}).content.decode()
    return "Vandermolen" in page


def test_without_an_office_the_agent_is_told_they_cannot_be_found_yet(client, independent):
    page = client.get("/agent/profile/").content.decode()
    assert "Consumers cannot find you in Find Local Help yet" in page
    assert "you have no office location" in page and 'href="/agent/profile/office/"' in page
    assert "Consumers find you in Find Local Help at" not in page
    assert not found_near(client)


def test_with_an_office_the_agent_appears_in_a_search_by_a_nearby_zip(client, independent):
    response = client.post("/agent/profile/office/", OFFICE)
    assert response.status_code == 302, response.content.decode()
    office = AgencyLocation.objects.get(owner=independent.user)
    assert office.agency is None and office.latitude is not None, "placed at its ZIP code, like an agency location"
    assert office.hours.count() == 1
    assert AuditEvent.objects.filter(action="agency.location_changed").exists()
    results = client.get("/find-local-help/", {"zip_code": "95814", "miles": 5}).content.decode()
    assert "Vandermolen" in results and "2801 K Street" in results and "Independent" in results
    page = client.get("/agent/profile/").content.decode()
    assert "Consumers find you in Find Local Help at" in page and "Vandermolen Insurance" in page
    assert "cannot find you" not in page
    assert client.get(f"/find-local-help/{independent.pk}/request/").status_code == 200, "and may be asked for help"


def test_a_changed_zip_code_moves_the_office(client, independent):
    client.post("/agent/profile/office/", OFFICE)
    assert client.post("/agent/profile/office/", {**OFFICE, "zip_code": "93721", "city": "Fresno",
                                                   "county": "Fresno"}).status_code == 302  # fmt: skip
    assert AgencyLocation.objects.filter(owner=independent.user).count() == 1, "one office, changed"
    assert not found_near(client, "95814") and found_near(client, "93721")


def test_a_zip_code_outside_california_is_refused_beside_its_field(client, independent):
    response = client.post("/agent/profile/office/", {**OFFICE, "zip_code": "10001"})
    page = response.content.decode()
    assert response.status_code == 200 and "10001 is not a California ZIP code." in page
    assert 'value="2801 K Street"' in page, "the input is kept"
    assert not AgencyLocation.objects.filter(owner=independent.user).exists()


def test_an_unlisted_office_is_not_searched_and_the_profile_says_so(client, independent):
    client.post("/agent/profile/office/", {key: value for key, value in OFFICE.items() if key != "is_listed"})
    assert not found_near(client)
    assert "your office location is not shown there" in client.get("/agent/profile/").content.decode()


def test_an_agent_who_chose_not_to_be_shown_is_told_so(client, independent):
    client.post("/agent/profile/office/", OFFICE)
    independent.is_listed = False
    independent.save()
    assert not found_near(client)
    assert "you chose not to be shown" in client.get("/agent/profile/").content.decode()


def test_in_an_agency_the_own_office_is_not_searched_and_not_the_agencys_to_drop(client, independent):
    client.post("/agent/profile/office/", OFFICE)
    agency, manager = agency_with_manager()
    membership = MembershipFactory(user=independent.user, agency=agency)
    assert not found_near(client), "in an agency, consumers find them at its locations"
    assert client.get("/agent/profile/office/").status_code == 404
    subsite = AgencyLocationFactory(agency=agency, name="Agency office")
    sign_in(client, manager.user)
    data = {"first_name": "Ottoline", "last_name": "Vandermolen", "phone": "916-555-0101",
            "subsite_locations": [subsite.pk], "is_listed": "on"}  # fmt: skip
    assert client.post(f"/agency/agents/{independent.pk}/", data).status_code == 302
    Membership.objects.filter(pk=membership.pk).update(status="inactive")
    assert found_near(client), "back in no agency, their own office is theirs again"


def test_an_agency_agent_at_no_listed_location_is_told_to_choose_one(client):
    agency, _ = agency_with_manager()
    agent = agent_in(agency, last_name="Pendergrass")
    sign_in(client, agent.user)
    page = client.get("/agent/profile/").content.decode()
    assert "you are at none of your agency's listed locations" in page and "/agent/profile/office/" not in page
    agent.subsite_locations.add(AgencyLocationFactory(agency=agency, name="Pendergrass office"))
    page = client.get("/agent/profile/").content.decode()
    assert "Consumers find you in Find Local Help at" in page and "Pendergrass office" in page
