"""Product expertise is kept as codes and shown through the catalogue: Find Local Help and the profile forms say it
in the reader's language, in that language's alphabetical order."""

import re

import pytest

from agents.models import Language, ProductExpertise

from .factories import AgencyLocationFactory, agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def helper():
    agency, manager = agency_with_manager()
    agent = agent_in(agency, last_name="Capitol")
    agent.languages.set(Language.objects.filter(code="es"))
    agent.subsite_locations.add(AgencyLocationFactory(agency=agency, zip_code="95814", county="Sacramento"))
    agent.product_expertise.set(ProductExpertise.objects.filter(code__in=["individual-family", "vision"]))
    return {"agent": agent, "manager": manager}


def options(page: str) -> list[str]:
    select = page.split('name="expertise"', 1)[1].split("</select>", 1)[0]
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_find_local_help_says_expertise_in_spanish_and_sorts_it_so(client, helper):
    client.cookies["django_language"] = "es"
    page = client.get("/find-local-help/", {"zip_code": "95814", "miles": 25}).content.decode()
    assert "Planes individuales y familiares" in page and "Visión" in page
    assert "Individual and family plans" not in page
    assert options(page) == ["Cualquier cosa", "Dental", "Medi-Cal", "Medicare", "Pequeñas empresas (CCSB)",
                             "Planes individuales y familiares", "Visión"]  # fmt: skip


def test_find_local_help_in_english_says_the_english_names(client, helper):
    page = client.get("/find-local-help/", {"zip_code": "95814", "miles": 25}).content.decode()
    assert "Individual and family plans" in page and "Vision" in page
    assert options(page)[1:] == ["Dental", "Individual and family plans", "Medi-Cal", "Medicare",
                                 "Small business (CCSB)", "Vision"]  # fmt: skip


def test_the_managers_profile_form_offers_expertise_in_spanish(client, helper):
    sign_in(client, helper["manager"].user)
    client.cookies["django_language"] = "es"
    page = client.get(f"/agency/agents/{helper['agent'].pk}/").content.decode()
    assert "Planes individuales y familiares" in page and "Individual and family plans" not in page
