"""What the tests of an agent's day share: an agency with its manager and a listed agent (`world`), a PDF, the audit trail."""

import pytest

from portal.models import AuditEvent

from .factories import AgencyLocationFactory, agency_with_manager, agent_in

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def world():
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    agent = agent_in(agency, first_name="Rosa", last_name="Delgado")
    agent.subsite_locations.add(AgencyLocationFactory(agency=agency))
    return {"agency": agency, "manager": manager, "agent": agent}


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def new_business_data(**applicant):
    data = {
        "applicant-first_name": "Luis", "applicant-last_name": "Ortega", "applicant-date_of_birth": "1979-03-14",
        "applicant-email": "luis@example.com", "applicant-phone": "559-555-0177", "applicant-street": "12 Vine St",
        "applicant-city": "Fresno", "applicant-zip_code": "93721", "applicant-county": "Fresno",
        "applicant-preferred_language": "es", "applicant-max_aptc": "350.00", "applicant-cost_sharing_level": "87",
        "household-TOTAL_FORMS": "2", "household-INITIAL_FORMS": "0",
        "household-0-first_name": "Ana", "household-0-last_name": "Ortega", "household-0-date_of_birth": "2015-06-01",
        "household-0-relationship": "child", "household-0-seeks_coverage": "on",
        "coverage-plan_year": "2027", "coverage-issuer": "Anthem Blue Cross", "coverage-plan_name": "Silver 70 EPO",
        "coverage-metal_tier": "silver", "coverage-monthly_premium": "640.00", "coverage-aptc": "350.00",
        "coverage-coverage_start": "2027-01-01", "coverage-coverage_end": "2027-12-31",
        "consent-attested": "on",
    }  # fmt: skip
    data.update({f"applicant-{key}": value for key, value in applicant.items()})
    return data
