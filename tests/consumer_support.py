"""A consumer with their own account, their case, and a helper: what the consumer tests share."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consumers.services import generate_access_code

from .factories import (
    AgencyLocationFactory,
    ConsumerCaseFactory,
    EnrollmentFactory,
    UserFactory,
    VerificationFactory,
    agency_with_manager,
    agent_in,
)


@pytest.fixture
def household():
    """Rosa Delgado of Golden Bear Insurance, listed in Find Local Help; a case (Quintessa Vandermolen) with a current
    enrollment and an open income item; and the access code Customer Service gave for it."""
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    helper = agent_in(agency, first_name="Rosa", last_name="Delgado", phone="559-555-0101")
    helper.subsite_locations.add(AgencyLocationFactory(agency=agency))
    case = ConsumerCaseFactory(first_name="Quintessa", last_name="Vandermolen")
    case.current_enrollment = EnrollmentFactory(case=case)
    case.save()
    item = VerificationFactory(case=case)
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={"name": True})
    return {"agency": agency, "manager": manager, "helper": helper, "case": case, "item": item, "code": code}


def pdf(name="paystub.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj\n%%EOF\n", content_type="application/pdf")
