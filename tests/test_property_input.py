"""Property-based tests (hypothesis): any input to a parser, a file writer or a public form is either
accepted as something valid or refused with a message, and leaves no row or file behind."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bookofbusiness import exports
from portal import uploads, validators

ANY_TEXT = st.text(max_size=60)
FORMULA_STARTS = set(exports.FORMULA_STARTS)
DB_EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize(
    ("normalize", "validate", "pattern"),
    [
        (validators.normalize_fein, validators.validate_fein, r"^\d{9}$"),
        (validators.normalize_zip_code, validators.validate_zip_code, r"^\d{5}$"),
        (validators.normalize_case_number, validators.validate_case_number, r"^\d{10}$"),
        (validators.normalize_phone, validators.validate_phone, r"^\d{3}-\d{3}-\d{4}$"),
        (validators.normalize_license_number, validators.validate_license_number, r"^[0-9][0-9A-Z]\d{5}$"),
    ],
)
@given(text=ANY_TEXT)
def test_every_identifier_parser_accepts_a_canonical_value_or_refuses_with_a_message(normalize, validate, pattern,
                                                                                     text):  # fmt: skip
    import re

    value = normalize(text)
    try:
        validate(value)
    except ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages)
        return
    assert re.match(pattern, value), value


@given(text=st.text())
def test_no_neutralised_value_starts_like_a_formula(text):
    value = exports.neutralise(text)
    assert value[:1] not in FORMULA_STARTS
    assert value.replace("'", "") == text.replace("'", ""), "only apostrophes are added"
    if text[:1] in FORMULA_STARTS:
        assert value.startswith("'" + text[0])


def _book_row(first, last, street):
    cells = dict.fromkeys(exports.BOOK_FIELDS)
    cells.update({"case__case_number": "4000000001", "case__first_name": first, "case__last_name": last,
                  "case__street": street, "agent__first_name": "Ana", "agent__last_name": "Li", "household_size": 1,
                  "open_items": 0})  # fmt: skip
    return cells


# Names and streets as people type them: any printable character of any script, formula payloads included.
PEOPLE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=40) | st.sampled_from(
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
)


@given(first=PEOPLE_TEXT, last=PEOPLE_TEXT, street=PEOPLE_TEXT)
@settings(max_examples=60, deadline=None)
def test_any_name_round_trips_through_csv_and_xlsx_neutralised(first, last, street):
    row = _book_row(first, last, street)
    text = "".join(exports.csv_lines([row]))
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    headers = exports.headers()
    got = dict(zip(headers, parsed[1], strict=True))
    for header, value in (("First name", first), ("Last name", last), ("Street", street)):
        assert got[header] == exports.neutralise(value)
    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes([row]))).active
    cells = {sheet.cell(1, c).value: sheet.cell(2, c).value for c in range(1, sheet.max_column + 1)}
    for header, value in (("First name", first), ("Last name", last), ("Street", street)):
        assert excel_shows(cells[header] or "") == exports.neutralise(value)


def excel_shows(stored: str) -> str:
    """A cell's text as Excel shows it: OOXML writes control characters as _xHHHH_ (openpyxl reads inline
    strings without undoing that)."""
    import re

    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), stored)


@given(content=st.binary(max_size=64), name=st.sampled_from(["proof.pdf", "photo.jpg", "scan.png", "x"]))
def test_an_upload_is_judged_by_its_content_not_its_name(content, name):
    upload = SimpleUploadedFile(name, content)
    starts = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
    try:
        checked = uploads.check_upload(upload)
    except ValidationError as error:
        assert error.messages
        assert not content or not content.startswith(starts)
        return
    assert content.startswith(starts) and checked.size == len(content)


# -- public and signed-in forms, through the pages -----------------------------------------------------


@pytest.mark.django_db
@given(case_number=ANY_TEXT, access_code=ANY_TEXT)
@DB_EXAMPLES
def test_request_help_refuses_any_wrong_pair_on_the_page_and_creates_nothing(client, helper, case_number,
                                                                             access_code):  # fmt: skip
    from delegations.models import Delegation

    response = client.post(f"/find-local-help/{helper.pk}/request/", {"case_number": case_number,
                                                                       "access_code": access_code})  # fmt: skip
    assert response.status_code in (200, 400, 429)
    assert Delegation.objects.count() == 0


@pytest.mark.django_db
@given(username=ANY_TEXT, password=st.text(max_size=300))
@DB_EXAMPLES
def test_extranet_sign_in_answers_any_input_with_a_message(client, username, password):
    response = client.post("/extranet/sign-in/", {"username": username, "password": password})
    assert response.status_code in (400, 200)
    assert "form-errors" in response.content.decode() or "field-error" in response.content.decode()


@pytest.mark.django_db
@given(first=PEOPLE_TEXT, last=st.text(max_size=300), email=ANY_TEXT)
@DB_EXAMPLES
def test_add_new_agent_saves_valid_names_intact_and_refuses_the_rest_with_nothing_saved(manager_client, first, last,
                                                                                        email):  # fmt: skip
    from agents.models import Agent

    before = Agent.objects.count()
    response = manager_client.post("/agency/agents/add/", {"license_number": "1Z77777", "first_name": first,
                                                           "last_name": last, "email": email,
                                                           "phone": "916-555-0100"})  # fmt: skip
    if response.status_code == 302:
        agent = Agent.objects.get(license_number="1Z77777")
        assert (agent.first_name, agent.last_name) == (first.strip(), last.strip())
        agent.user.delete()
        agent.delete()
    else:
        assert response.status_code in (200, 400) and "field-error" in response.content.decode()
        assert Agent.objects.count() == before


@pytest.mark.django_db
@given(income=st.one_of(ANY_TEXT, st.decimals(allow_nan=True, allow_infinity=True).map(str),
                       st.decimals(min_value=0, max_value=10**7, places=2).map(str)),
       since=st.one_of(ANY_TEXT, st.dates().map(str)))  # fmt: skip
@DB_EXAMPLES
def test_a_reported_income_change_keeps_any_money_and_date_exactly_or_says_what_is_wrong(agent_case, income, since):
    """Money and dates typed into Report a change: a valid pair is stored as typed (the amount to the cent, the
    date as a date, not in the future); anything else is named beside its field on the case page, and nothing is
    saved."""
    import datetime
    from decimal import Decimal, InvalidOperation

    from django.utils import timezone

    from consumers.forms import ChangeReportForm
    from consumers.models import ChangeReport

    client, case = agent_case
    page = client.post(f"/cases/{case.pk}/changes/", {"kind": "income", "annual_income": income,
                                                      "effective_on": since}, follow=True)  # fmt: skip
    report = ChangeReport.objects.filter(case=case).first()
    if report is not None:
        fields = ChangeReportForm.base_fields
        assert report.details == {"annual_income": str(fields["annual_income"].clean(income)),
                                  "effective_on": fields["effective_on"].clean(since).isoformat()}  # fmt: skip
        report.delete()
    else:
        assert page.status_code == 400 and 'class="field-error' in page.content.decode(), "said beside its field"
        try:
            amount = Decimal(income.strip())
            valid_amount = amount.is_finite() and 0 <= amount < 10**8 and -amount.as_tuple().exponent <= 2
        except InvalidOperation:
            valid_amount = False
        try:
            valid_date = datetime.date.fromisoformat(since.strip()) <= timezone.localdate()  # not in the future
        except ValueError:
            valid_date = False
        assert not (valid_amount and valid_date), "a valid change was refused"


@given(since=ANY_TEXT, within=ANY_TEXT)
@DB_EXAMPLES
@pytest.mark.django_db
def test_the_book_of_business_filters_take_any_dates_and_days_with_a_message_never_an_error(agent_case, since,
                                                                                           within):  # fmt: skip
    client, _case = agent_case
    response = client.get("/book/", {"delegated_from": since, "due_within": within})
    assert response.status_code == 200
    if response.context["form"].errors:  # said beside the field and named above the book, still shown
        html = response.content.decode()
        assert "field-error" in html and "This link asks for" in html
        assert len(response.context["page"].object_list) <= 1


@pytest.fixture
def agent_case(client):
    from .factories import agency_with_manager, agent_in, delegate, sign_in

    agency, _manager = agency_with_manager()
    agent = agent_in(agency)
    case = delegate(agent=agent, agency=agency).case
    return sign_in(client, agent.user), case


@pytest.fixture
def helper():
    from .factories import AgencyLocationFactory, agency_with_manager, agent_in

    agency, _manager = agency_with_manager()
    agent = agent_in(agency)
    agent.subsite_locations.add(AgencyLocationFactory(agency=agency))
    return agent


@pytest.fixture
def manager_client(client):
    from .factories import agency_with_manager, sign_in

    agency, manager = agency_with_manager()
    return sign_in(client, manager.user)
