"""What the Book of Business tests share: an agency's book of three cases and another agency's one (`book`)."""

import datetime

import pytest
from django.utils import timezone

from .factories import (
    ConsumerCaseFactory,
    EnrollmentFactory,
    VerificationFactory,
    agency_with_manager,
    agent_in,
    delegate,
)


def case_for(agent, agency, *, issuer="Blue Shield of California", tier="silver", **case_fields):
    case = ConsumerCaseFactory(**case_fields)
    enrollment = EnrollmentFactory(case=case, issuer=issuer, metal_tier=tier)
    case.current_enrollment = enrollment
    case.save()
    delegate(case, agent=agent, agency=agency)
    return case


@pytest.fixture
def book():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency, last_name="Delgado"), agent_in(agency, last_name="Li")
    cases = {
        "ana": case_for(rosa, agency, first_name="Ana", last_name="Alvarez", preferred_language="es", county="Fresno",
                        issuer="Kaiser Permanente", tier="gold"),
        "ben": case_for(rosa, agency, first_name="Ben", last_name="Brown", county="Sacramento"),
        "cho": case_for(li, agency, first_name="Cho", last_name="Chen", preferred_language="cmn", county="Alameda",
                        tier="bronze"),
    }  # fmt: skip
    VerificationFactory(case=cases["ben"], due_date=timezone.localdate() + datetime.timedelta(days=5))
    other_agency, _ = agency_with_manager()
    outsider = case_for(agent_in(other_agency), other_agency, first_name="Zed", last_name="Outsider")
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "cases": cases, "outsider": outsider}


def names(response):
    return [row.case.first_name for row in response.context["page"].object_list]
