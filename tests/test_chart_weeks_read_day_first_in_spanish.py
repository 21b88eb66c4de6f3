"""The dashboard's "items due, by week" chart names each week by its Monday in the reader's order: day first in
Spanish (30/11), beside day-first dates, month first in English (11/30) (issue 18: weeks were month-first)."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client

from .factories import VerificationFactory, agency_with_manager, delegate, sign_in

DAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(DAY)]


@pytest.mark.parametrize("language, week", [("es", "30/11"), ("en", "11/30")])
def test_the_week_of_30_november_reads_in_the_readers_order(language, week):
    agency, manager = agency_with_manager()
    case = delegate(agent=manager, agency=agency).case
    VerificationFactory(case=case, due_date=datetime.date(2026, 12, 3))  # in the week of Monday 30 November 2026
    client = sign_in(Client(), manager.user)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get("/agency/").content.decode()
    links = re.findall(r'<a href="[^"]*due_week=2026-11-30[^"]*">([^<]*)</a>', page)
    assert links == [f"{week}: 1"]
    assert f'class="bar-label">{week}<' in page
