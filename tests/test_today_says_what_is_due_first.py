"""Today, the landing page of managers and agents: overdue items first (with days overdue, whatever week they fell
due in), what is due soon, requests waiting longer than the agency's target flagged, renewals not started in the
renewal window, the roster's expiring licenses, exports ready. Every figure links to the list behind it, which
shows the same number."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from bookofbusiness.models import BookOfBusinessExport
from bookofbusiness.selectors import business_days_before, in_renewal_window
from portal.models import AuditEvent

from .factories import (
    ConsumerCaseFactory,
    VerificationFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
WEDNESDAY = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=LA)  # in the renewal window
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(WEDNESDAY)]


@pytest.fixture
def agency():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency, last_name="Delgado"), agent_in(agency, last_name="Li")
    today = datetime.date(2026, 11, 18)
    cases = {}
    for name, agent, due in (("Longago", rosa, today - datetime.timedelta(days=29)),
                             ("Lastweek", rosa, today - datetime.timedelta(days=3)),
                             ("Soonish", li, today + datetime.timedelta(days=2)),
                             ("Nextmonth", li, today + datetime.timedelta(days=40))):  # fmt: skip
        case = ConsumerCaseFactory(last_name=name, renewal_status="renewed")
        delegate(case, agent=agent, agency=agency)
        VerificationFactory(case=case, due_date=due)
        cases[name] = case
    verified = ConsumerCaseFactory(last_name="Done")
    delegate(verified, agent=rosa, agency=agency)
    VerificationFactory(case=verified, due_date=today - datetime.timedelta(days=10), status="verified")
    monday = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=LA)
    delegate(ConsumerCaseFactory(last_name="Waitedlong"), agent=rosa, agency=agency, status="pending",
             requested_at=monday - datetime.timedelta(days=3))  # fmt: skip
    delegate(ConsumerCaseFactory(last_name="Justnow"), agent=li, agency=agency, status="pending",
             requested_at=WEDNESDAY - datetime.timedelta(hours=2))  # fmt: skip
    expiring = agent_in(agency, last_name="Expiring", license_expires_on=today + datetime.timedelta(days=20))
    agent_in(agency, last_name="Faraway", license_expires_on=today + datetime.timedelta(days=200))
    other, _ = agency_with_manager()
    outsider = ConsumerCaseFactory(last_name="Outsider")
    delegate(outsider, agent=agent_in(other), agency=other)
    VerificationFactory(case=outsider, due_date=today - datetime.timedelta(days=50))
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "cases": cases, "expiring": expiring}


def tile(page: str, label: str) -> tuple[int, str]:
    """The figure of the tile whose label starts with `label`, and its link."""
    match = re.search(r'<a class="tile[^"]*" href="([^"]+)"><strong>([\d,]+)</strong><span>' + re.escape(label), page)
    assert match, f"no tile {label!r}"
    return int(match.group(2).replace(",", "")), match.group(1).replace("&amp;", "&")


def test_a_manager_lands_on_today_and_sees_the_agency_most_urgent_first(agency):
    client = sign_in(Client(), agency["manager"].user)
    assert client.get("/").url == "/today/"
    page = client.get("/today/").content.decode()
    assert tile(page, "conditional-eligibility items overdue")[0] == 2, (
        "last week's and a month ago's, not only this week's"
    )
    assert tile(page, "due within 7 days")[0] == 1
    assert tile(page, "request waiting over 2 business days")[0] == 1
    assert "of 2 pending" in page
    assert tile(page, "renewals not started")[0] == 1, "of the book's five cases, only Done is not started"
    assert page.index("Longago") < page.index("Lastweek"), "the most overdue first"
    assert "29 days overdue" in page and "3 days overdue" in page
    assert "Outsider" not in page and "Done" not in page and "Nextmonth" not in page
    assert "Expiring" in page and "Faraway" not in page
    assert AuditEvent.objects.filter(action="cases.listed", details__view="today").exists()


def test_every_figure_links_to_the_list_that_holds_as_many(agency):
    client = sign_in(Client(), agency["manager"].user)
    page = client.get("/today/").content.decode()
    overdue, link = tile(page, "conditional-eligibility items overdue")
    assert f"{overdue} cases." in client.get(link).content.decode()
    assert "Longago" in client.get(link).content.decode()
    due, link = tile(page, "due within 7 days")
    listed = client.get(link).content.decode()
    assert "Soonish" in listed and "Nextmonth" not in listed
    stale, link = tile(page, "request")
    queue = client.get(link).content.decode()
    assert "Waitedlong" in queue and "Justnow" not in queue
    renewals, link = tile(page, "renewals not started")
    assert renewals == 1 and "1 case." in client.get(link).content.decode()
    roster = client.get("/agency/agents/?expiring=60").content.decode()
    assert "Expiring" in roster and "Faraway" not in roster


def test_an_agent_sees_only_their_own_today(agency):
    client = sign_in(Client(), agency["rosa"].user)
    assert client.get("/").url == "/today/"
    page = client.get("/today/").content.decode()
    assert "Longago" in page and "Lastweek" in page and "Soonish" not in page and "Justnow" not in page
    assert "Waitedlong" in page
    assert "Expiring" not in page, "the roster is the manager's"
    assert tile(page, "conditional-eligibility items overdue")[0] == 2


def test_admin_staff_see_today_per_their_grants(agency):
    book = sign_in(Client(), admin_staff_in(agency["agency"], can_view_book=True)).get("/today/").content.decode()
    assert "Longago" in book and "Expiring" not in book
    nothing = sign_in(Client(), admin_staff_in(agency["agency"])).get("/today/").content.decode()
    assert "Longago" not in nothing and "Waitedlong" not in nothing
    assert "you see no consumers' cases in your role" in nothing


def test_ready_exports_are_on_today(agency):
    manager = agency["manager"].user
    BookOfBusinessExport.objects.create(requested_by=manager, agency=agency["agency"], file_format="xlsx",
                                        status="ready", rows_total=12, rows_written=12,
                                        expires_at=timezone.now() + datetime.timedelta(days=3))  # fmt: skip
    page = sign_in(Client(), manager).get("/today/").content.decode()
    assert "Exports ready" in page and "12 rows" in page


def test_outside_the_renewal_window_renewals_are_not_asked_for():
    assert in_renewal_window(datetime.date(2026, 10, 1)) and in_renewal_window(datetime.date(2027, 1, 31))
    assert in_renewal_window(datetime.date(2026, 12, 31))
    assert not in_renewal_window(datetime.date(2026, 9, 30)) and not in_renewal_window(datetime.date(2027, 2, 1))
    assert not in_renewal_window(datetime.date(2027, 6, 15))


def test_business_days_skip_the_weekend():
    monday = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=LA)
    assert business_days_before(monday, 2) == datetime.datetime(2026, 11, 12, 10, 0, tzinfo=LA)  # Thursday
    assert business_days_before(WEDNESDAY, 2) == monday


def test_today_speaks_spanish(agency):
    user = agency["manager"].user
    user.preferred_language = "es"
    user.save()
    client = sign_in(Client(), user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/today/"})
    page = client.get("/today/").content.decode()
    assert "Hoy" in page and "29 días de atraso" in page and "renovaciones sin empezar" in page


def test_today_takes_the_same_queries_for_a_bigger_book(agency, django_assert_max_num_queries):
    client = sign_in(Client(), agency["manager"].user)
    client.get("/today/")
    for n in range(40):
        case = ConsumerCaseFactory(last_name=f"More{n}")
        delegate(case, agent=agency["li"], agency=agency["agency"])
        VerificationFactory(case=case, due_date=datetime.date(2026, 11, 1))
        delegate(ConsumerCaseFactory(), agent=agency["li"], agency=agency["agency"], status="pending")
        agent_in(agency["agency"], license_expires_on=datetime.date(2026, 12, 1))
    with django_assert_max_num_queries(22):
        page = client.get("/today/").content.decode()
    assert tile(page, "conditional-eligibility items overdue")[0] == 42
