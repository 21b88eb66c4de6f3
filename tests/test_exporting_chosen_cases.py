"""Exporting the cases ticked in the Book of Business: exactly those, within the person's book, audited; all
matching the filter is the filter's export; nothing ticked exports nothing."""

import csv
import io

import pytest

from delegations.models import Delegation
from portal.models import AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db


def rows_of(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def test_the_ticked_cases_and_only_they_are_exported_and_audited(client, book):
    cases = book["cases"]
    ticked = [Delegation.objects.get(case=cases[name], status="active").pk for name in ("ana", "cho")]
    outsider = Delegation.objects.get(case=book["outsider"], status="active").pk
    sign_in(client, book["manager"].user)
    response = client.post("/book/chosen/export/csv/", {"chosen": [*ticked, outsider], "filters": "sort=name"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    numbers = {row[0] for row in rows_of(response)}
    assert numbers == {cases["ana"].case_number, cases["cho"].case_number}, "another agency's case is not reached"
    event = AuditEvent.objects.get(action="export.created")
    assert (event.details["rows"], event.details["chosen"], event.details["format"]) == (2, 3, "csv")


def test_an_agent_exports_only_ticked_cases_of_their_own_book(client, book):
    mine = Delegation.objects.get(case=book["cases"]["ana"], status="active").pk
    colleagues = Delegation.objects.get(case=book["cases"]["cho"], status="active").pk
    sign_in(client, book["rosa"].user)
    response = client.post("/book/chosen/export/csv/", {"chosen": [mine, colleagues], "filters": ""})
    assert {row[0] for row in rows_of(response)} == {book["cases"]["ana"].case_number}


def test_all_matching_goes_to_the_filtered_export_and_nothing_ticked_to_a_message(client, book):
    sign_in(client, book["manager"].user)
    everything = client.post("/book/chosen/export/xlsx/", {"all": "1", "filters": "county=Fresno&page=2"})
    assert everything.status_code == 302 and everything["Location"] == "/book/export/xlsx/?county=Fresno"
    nothing = client.post("/book/chosen/export/csv/", {"filters": "county=Fresno"}, follow=True)
    assert "No case was chosen, so nothing was exported." in nothing.content.decode()
    assert not AuditEvent.objects.filter(action="export.created").exists()


def test_an_unknown_format_is_refused(client, book):
    sign_in(client, book["manager"].user)
    assert client.post("/book/chosen/export/pdf/", {"all": "1", "filters": ""}).status_code == 403
