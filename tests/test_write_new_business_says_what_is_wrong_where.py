"""Write new business with impossible values: each is named on its own field, the person's input is kept,
nothing is saved, and no database message ever reaches the page (issue 18)."""

import pytest
from django.test import Client

from consumers.models import ConsumerCase

from .cases_support import new_business_data
from .factories import sign_in

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    forms = response.context["applicant"], response.context["coverage"]
    return {name: [str(e) for e in errors] for form in forms for name, errors in form.errors.items()}


def submit(world, **changes):
    client = sign_in(Client(), world["agent"].user)
    data = new_business_data()
    data.update(changes)
    return client.post("/cases/new/", data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"coverage-monthly_premium": "-5.00", "coverage-aptc": "0"}, "monthly_premium", "cannot be negative"),
        ({"coverage-aptc": "-1.00"}, "aptc", "APTC cannot be negative"),
        ({"coverage-plan_year": "1999"}, "plan_year", "from 2014 on"),
        ({"coverage-plan_year": "2026"}, "coverage_start", "within 2026"),
        ({"applicant-date_of_birth": "2030-01-01"}, "date_of_birth", "in the future"),
        ({"applicant-zip_code": "90012", "applicant-county": "Alpine"}, "county", "in Los Angeles County, not Alpine"),
    ],
)
def test_each_impossible_value_is_named_on_its_field(world, changes, field, message):
    response = submit(world, **changes)
    assert response.status_code == 200
    errors = errors_of(response)
    assert field in errors and any(message in error for error in errors[field]), errors
    page = response.content.decode()
    assert "Constraint" not in page and "violated" not in page, "no database message on the page"
    assert 'value="Ortega"' in page, "the person's input is kept"
    assert not ConsumerCase.objects.filter(last_name="Ortega").exists()


def test_a_household_member_born_in_the_future_is_refused(world):
    response = submit(world, **{"household-0-date_of_birth": "2031-06-01"})
    assert "in the future" in response.content.decode()
    assert not ConsumerCase.objects.filter(last_name="Ortega").exists()
