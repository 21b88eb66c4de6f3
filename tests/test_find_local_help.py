"""Find Local Help: public, nearest first, only certified and listed helpers, filtered as asked."""

import pytest

from agencies.models import Membership
from agents.models import Language, ProductExpertise

from .factories import AgencyLocationFactory, agency_with_manager, agent_in

pytestmark = pytest.mark.django_db


def helper_at(zip_code, county, city, *, last_name, languages=("en",), kind="agent", agency=None, **fields):
    agency = agency or agency_with_manager()[0]
    location = AgencyLocationFactory(agency=agency, zip_code=zip_code, county=county, city=city, name=f"{city} office")
    agent = agent_in(agency, last_name=last_name, kind=kind, **fields)
    agent.languages.set(Language.objects.filter(code__in=languages))
    agent.subsite_locations.add(location)
    return agent


@pytest.fixture
def helpers():
    return {
        "sacramento": helper_at("95814", "Sacramento", "Sacramento", last_name="Capitol", languages=("en", "es")),
        "davis": helper_at("95616", "Yolo", "Davis", last_name="Aggie", languages=("en", "vi"), kind="cec"),
        "fresno": helper_at("93721", "Fresno", "Fresno", last_name="Raisin"),
    }


def search(client, **params):
    return client.get("/find-local-help/", params).content.decode()


def test_anyone_can_search_and_results_are_nearest_first(client, helpers):
    page = search(client, zip_code="95814", miles=25)
    assert page.index("Capitol") < page.index("Aggie")
    assert "Raisin" not in page
    assert "2 helpers near Sacramento" in page
    assert "Sacramento office" in page and "1415 L Street" in page and "916-555-0100" in page


def test_distance_widens_the_search(client, helpers):
    # Fresno is about 160 miles from Sacramento: outside 100 miles; from Fresno itself, at 0.
    assert "Raisin" not in search(client, zip_code="95814", miles=100)
    near_fresno = search(client, zip_code="93721", miles=5)
    assert "Raisin" in near_fresno and "Capitol" not in near_fresno


def test_filters_by_language_type_and_expertise(client, helpers):
    assert "Aggie" in search(client, zip_code="95814", miles=50, language="vi")
    assert "Capitol" not in search(client, zip_code="95814", miles=50, language="vi")
    assert "Capitol" not in search(client, zip_code="95814", miles=50, kind="cec")
    helpers["sacramento"].product_expertise.set(ProductExpertise.objects.filter(code="small-business"))
    only_small_business = search(client, zip_code="95814", miles=50, expertise="small-business")
    assert "Capitol" in only_small_business and "Aggie" not in only_small_business


def test_only_certified_listed_active_helpers_appear(client, helpers):
    agency = helpers["sacramento"].user.memberships.get().agency
    hidden = [
        helper_at("95814", "Sacramento", "Sacramento", last_name="Pending", agency=agency,
                  certification_status="pending", certified_on=None),
        helper_at("95814", "Sacramento", "Sacramento", last_name="Unlisted", agency=agency, is_listed=False),
        helper_at("95814", "Sacramento", "Sacramento", last_name="Gone", agency=agency),
    ]  # fmt: skip
    Membership.objects.filter(user=hidden[2].user).update(status="inactive")
    page = search(client, zip_code="95814", miles=25)
    assert "Capitol" in page
    for agent in hidden:
        assert agent.last_name not in page


def test_a_zip_code_outside_california_gets_a_clear_message(client, helpers):
    assert "10001 is not a California ZIP code." in search(client, zip_code="10001")
    assert "Enter a five-digit ZIP code" in search(client, zip_code="9581")


def test_the_number_of_queries_does_not_grow_with_the_helpers(client, django_assert_max_num_queries):
    agency, _ = agency_with_manager()
    for n in range(60):
        helper_at(
            "95814", "Sacramento", "Sacramento", last_name=f"Helper{n:02d}", agency=agency, languages=("en", "es")
        )
    with django_assert_max_num_queries(8):
        page = search(client, zip_code="95814", miles=10)
    assert "Page 1 of 3" in page
