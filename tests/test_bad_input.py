"""Malformed identifiers are refused with a message that says what a good one looks like."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from agencies.models import Agency
from agents.models import Agent
from portal import validators

from .factories import AgencyFactory, UserFactory, sign_in


@pytest.mark.parametrize("typed, stored", [("0h12345", "0H12345"), (" 1H 12345 ", "1H12345"), ("4012345", "4012345")])
def test_license_number_is_tidied_then_accepted(typed, stored):
    value = validators.normalize_license_number(typed)
    validators.validate_license_number(value)
    assert value == stored


@pytest.mark.parametrize("typed", ["", "H12345", "0H1234", "0H123456", "AH12345", "0H1234X", "0H-12345X"])
def test_malformed_license_number_is_refused_with_the_expected_format(typed):
    with pytest.raises(ValidationError, match="seven characters, such as 0H12345"):
        validators.validate_license_number(validators.normalize_license_number(typed))


@given(st.text(max_size=20))
def test_any_text_is_either_a_valid_license_number_or_refused_cleanly(text):
    value = validators.normalize_license_number(text)
    try:
        validators.validate_license_number(value)
    except ValidationError:
        return
    assert validators.LICENSE_NUMBER_RE.match(value)


@pytest.mark.parametrize("typed", ["12-3456789", "123456789", " 12 3456789 "])
def test_fein_typed_with_or_without_dash_is_stored_as_nine_digits(typed):
    value = validators.normalize_fein(typed)
    validators.validate_fein(value)
    assert value == "123456789"
    assert validators.format_fein(value) == "12-3456789"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12-34567", "nine digits"),
        ("12345678901", "nine digits"),
        ("AB-CDEFGHI", "nine digits"),
        ("00-1234567", "not a valid FEIN prefix"),
        ("07-1234567", "not a valid FEIN prefix"),
    ],
)
def test_malformed_fein_is_refused_with_a_clear_message(typed, message):
    with pytest.raises(ValidationError, match=message):
        validators.validate_fein(validators.normalize_fein(typed))


@pytest.mark.parametrize("typed", ["9581", "958144", "ABCDE", "95 814", ""])
def test_malformed_zip_code_is_refused(typed):
    with pytest.raises(ValidationError, match="five-digit ZIP code"):
        validators.validate_zip_code(validators.normalize_zip_code(typed))


def test_zip_plus_four_keeps_the_five_digit_zip():
    assert validators.normalize_zip_code("95814-1234") == "95814"


def test_zip_code_outside_california_is_refused_for_a_california_address():
    validators.validate_california_zip_code("95814")
    with pytest.raises(ValidationError, match="is not a California ZIP code"):
        validators.validate_california_zip_code("10001")


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, user)
    return client


def agency_form(**overrides):
    data = {
        "kind": "insurance_agency",
        "legal_name": "Sierra Health Insurance, LLC",
        "public_name": "Sierra Health Insurance",
        "fein": "12-3456789",
        "license_number": "0C54321",
        "phone": "(916) 555-0199",
        "email": "office@sierra.example",
        "certification_status": "pending",
        "locations-TOTAL_FORMS": "0",
        "locations-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_saves_an_agency_with_fein_typed_with_a_dash_and_shows_it_so(staff_client):
    response = staff_client.post("/admin/agencies/agency/add/", agency_form())
    assert response.status_code == 302
    agency = Agency.objects.get()
    assert (agency.fein, agency.phone, agency.fein_display) == ("123456789", "916-555-0199", "12-3456789")
    listing = staff_client.get("/admin/agencies/agency/")
    assert "12-3456789" in listing.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("fein", "12-34567", "Enter the FEIN as nine digits, such as 12-3456789."),
        ("fein", "00-1234567", "00 is not a valid FEIN prefix."),
        ("license_number", "ZZ-99", "Enter a California insurance license number"),
        ("email", "office-at-sierra", "Enter a valid email address."),
        ("phone", "555-0199", "Enter a ten-digit US phone number"),
        ("license_number", "", "An insurance agency needs its agency license number."),
    ],
)
def test_admin_refuses_a_malformed_agency_with_the_reason_on_the_page(staff_client, field, value, message):
    response = staff_client.post("/admin/agencies/agency/add/", agency_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_a_second_agency_with_the_same_fein(staff_client):
    AgencyFactory(fein="123456789")
    response = staff_client.post("/admin/agencies/agency/add/", agency_form(license_number="0C99999"))
    assert "An agency with this FEIN already exists." in response.content.decode()
    assert Agency.objects.count() == 1


@pytest.mark.django_db
def test_admin_refuses_a_malformed_zip_code_for_a_location(staff_client):
    agency = AgencyFactory()
    response = staff_client.post(
        "/admin/agencies/agencylocation/add/",
        {
            "agency": agency.pk,
            "name": "Downtown",
            "street": "1 K Street",
            "city": "Sacramento",
            "zip_code": "9581",
            "county": "Sacramento",
            "phone": "916-555-0100",
            "is_listed": "on",
            "hours-TOTAL_FORMS": "0",
            "hours-INITIAL_FORMS": "0",
        },
    )
    assert "Enter a five-digit ZIP code, such as 95814." in response.content.decode()
    assert not agency.locations.exists()


def agent_form(user, **overrides):
    data = {
        "user": user.pk,
        "kind": "agent",
        "first_name": "Rosa",
        "last_name": "Delgado",
        "email": "rosa@example.com",
        "phone": "916-555-0142",
        "license_number": "0h12345",
        "biography": "",
        "is_listed": "on",
        "preferred_language": "en",
        "certification_changes-TOTAL_FORMS": "0",
        "certification_changes-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_adds_an_agent_with_license_typed_in_lower_case(staff_client):
    user = UserFactory()
    response = staff_client.post("/admin/agents/agent/add/", agent_form(user))
    assert response.status_code == 302
    agent = Agent.objects.get()
    assert agent.license_number == "0H12345"
    assert list(agent.certification_changes.values_list("from_status", "to_status")) == [("", "pending")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("license_number", "12345", "Enter a California insurance license number: seven characters"),
        ("email", "rosa@", "Enter a valid email address."),
        ("biography", "x" * 501, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_admin_refuses_a_malformed_agent_with_the_reason_on_the_page(staff_client, field, value, message):
    response = staff_client.post("/admin/agents/agent/add/", agent_form(UserFactory(), **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Agent.objects.exists()
