"""A helper writes their biography in English and in Spanish; Find Local Help shows the one in the page's language,
falling back to the other (marked with its own `lang`, so a screen reader reads it right)."""

import pytest

from agents.models import Agent
from portal.models import AuditEvent

from .factories import AgencyLocationFactory, admin_staff_in, agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db

ENGLISH = "Quintessa has helped families in Sacramento for twelve years."
SPANISH = "Quintessa ayuda a familias de Sacramento desde hace doce años."


def helper(**biographies):
    agency, _ = agency_with_manager()
    agent = agent_in(agency, last_name="Vandermolen", **biographies)
    agent.subsite_locations.add(AgencyLocationFactory(agency=agency))
    return agent


def search(client, language):
    response = client.get("/find-local-help/", {"zip_code": "95814"}, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def test_each_language_reads_its_own_biography(client):
    helper(biography=ENGLISH, biography_es=SPANISH)
    english, spanish = search(client, "en"), search(client, "es")
    assert f'<p lang="en">{ENGLISH}</p>' in english and "Quintessa ayuda" not in english
    assert f'<p lang="es">{SPANISH}</p>' in spanish and "Quintessa has helped" not in spanish


def test_without_a_spanish_biography_spanish_readers_read_the_english_one_marked_english(client):
    helper(biography=ENGLISH)
    assert f'<p lang="en">{ENGLISH}</p>' in search(client, "es")


def test_without_an_english_biography_english_readers_read_the_spanish_one_marked_spanish(client):
    helper(biography_es=SPANISH)
    assert f'<p lang="es">{SPANISH}</p>' in search(client, "en")


def test_the_choice_is_made_in_one_place():
    agent = Agent(biography=ENGLISH, biography_es="  ")
    assert agent.biography_for("es") == (ENGLISH, "en"), "a blank Spanish biography is not written"
    assert Agent(biography="", biography_es="").biography_for("en") is None


def test_the_agent_writes_both_on_their_profile_audited_by_name_only(client):
    agent = helper(biography=ENGLISH)
    sign_in(client, agent.user)
    page = client.get("/agent/profile/").content.decode()
    assert "Biography (English)" in page and "Biography (Spanish)" in page
    assert 'lang="es"' in page, "the Spanish box is marked Spanish"
    response = client.post("/agent/profile/", {"phone": agent.phone, "biography": ENGLISH, "biography_es": SPANISH,
                                                "subsite_locations": [agent.subsite_locations.get().pk],
                                                "is_listed": "on"})  # fmt: skip
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.biography_es == SPANISH
    event = AuditEvent.objects.filter(action="agent.profile_changed", object_id=str(agent.pk)).latest("pk")
    assert event.details["fields"] == ["biography_es"] and SPANISH not in str(event.details)


def test_a_spanish_biography_over_500_characters_is_refused_beside_its_field(client):
    agent = helper(biography=ENGLISH)
    sign_in(client, agent.user)
    response = client.post("/agent/profile/", {"phone": agent.phone, "biography": ENGLISH, "biography_es": "x" * 501,
                                                "is_listed": "on"})  # fmt: skip
    assert response.status_code == 200
    assert "Ensure this value has at most 500 characters (it has 501)." in response.content.decode()
    agent.refresh_from_db()
    assert agent.biography_es == ""


def test_the_agency_sees_both_biographies_on_the_agents_page(client):
    agent = helper(biography=ENGLISH, biography_es=SPANISH)
    agency = agent.user.memberships.get().agency
    sign_in(client, admin_staff_in(agency, can_view_roster=True))
    page = client.get(f"/agency/agents/{agent.pk}/").content.decode()
    assert f'<dd lang="en">{ENGLISH}</dd>' in page and f'<dd lang="es">{SPANISH}</dd>' in page


def test_service_center_staff_edit_the_spanish_biography_in_admin(client):
    from .factories import UserFactory

    agent = helper(biography=ENGLISH)
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/agents/agent/{agent.pk}/change/").content.decode()
    assert "Biography (English)" in page and "Biography (Spanish)" in page and 'name="biography_es"' in page
