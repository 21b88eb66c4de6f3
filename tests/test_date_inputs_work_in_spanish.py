"""A date input takes its value year-first, whatever the page's language: in Spanish, Report a change's "Since"
was written 01/12/2026, which the browser's date picker refuses, so the first submit always failed (issue 18)."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client

from .factories import ConsumerCaseFactory, agency_with_manager, delegate, sign_in

DAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(DAY)]


def date_values(page: str) -> dict:
    return dict(re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', page))


@pytest.mark.parametrize("language", ["en", "es"])
def test_date_inputs_are_written_year_first_in_both_languages(language):
    agency, manager = agency_with_manager()
    case = ConsumerCaseFactory()
    delegate(case, agent=manager, agency=agency)
    client = sign_in(Client(), manager.user)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert date_values(page)["effective_on"] == "2026-12-01"
    book = client.get("/book/", {"delegated_from": "2026-11-03"}).content.decode()
    assert date_values(book)["delegated_from"] == "2026-11-03"
    assert datetime.date(2026, 12, 1).isoformat() in page
