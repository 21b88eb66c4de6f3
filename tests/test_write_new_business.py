"""Write new business: a case delegated to the agent at once, a duplicate applicant warned of, bad coverage refused."""

import datetime

import pytest

from consumers.models import ConsumerCase

from .cases_support import new_business_data
from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_agent_writes_new_business_delegated_to_them_at_once(client, world):
    sign_in(client, world["agent"].user)
    response = client.post("/cases/new/", new_business_data())
    case = ConsumerCase.objects.get(last_name="Ortega")
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.household_members.get().first_name == "Ana"
    assert case.enrollments.get().net_premium == 290
    delegation = case.delegations.get()
    assert (delegation.status, delegation.origin, delegation.agent, delegation.agency) == (
        "active", "new_business", world["agent"], world["agency"],
    )  # fmt: skip
    assert case in ConsumerCase.objects.filter(delegations__agent=world["agent"], delegations__status="active")


def test_a_duplicate_applicant_gets_a_warning_before_a_second_case(client, world):
    ConsumerCaseFactory(
        first_name="Luis", last_name="Ortega", date_of_birth=datetime.date(1979, 3, 14), zip_code="93721"
    )
    sign_in(client, world["agent"].user)
    warned = client.post("/cases/new/", new_business_data()).content.decode()
    assert "already has a case that is not in your book" in warned
    assert ConsumerCase.objects.get().case_number not in warned, "another's case number is not the agent's to read"
    assert ConsumerCase.objects.count() == 1
    client.post("/cases/new/", {**new_business_data(), "confirm_duplicate": "yes"})
    assert ConsumerCase.objects.count() == 2


def test_new_business_with_aptc_above_premium_is_refused(client, world):
    sign_in(client, world["agent"].user)
    page = client.post("/cases/new/", {**new_business_data(), "coverage-aptc": "900.00"}).content.decode()
    assert "APTC cannot be more than the monthly premium." in page
    assert not ConsumerCase.objects.exists()


def test_the_duplicate_warning_names_only_cases_the_agent_may_see(client, world):
    mine = delegate(
        ConsumerCaseFactory(first_name="Luis", last_name="Ortega", date_of_birth=datetime.date(1979, 3, 14),
                            zip_code="93721"),
        agent=world["agent"], agency=world["agency"],
    ).case  # fmt: skip
    other_agency, _ = agency_with_manager()
    theirs = delegate(
        ConsumerCaseFactory(first_name="Luis", last_name="Ortega", date_of_birth=datetime.date(1979, 3, 14),
                            zip_code="93721"),
        agent=agent_in(other_agency), agency=other_agency,
    ).case  # fmt: skip
    sign_in(client, world["agent"].user)
    warned = client.post("/cases/new/", new_business_data()).content.decode()
    assert mine.case_number in warned and theirs.case_number not in warned
