"""Follow-ups on a case: added on the case page for one of the agency's certified, Active agents (the case's agent
unless another is chosen) or oneself, by a day; open ones first with the days left or overdue; marked done once.
Each person's own follow-ups due soon or overdue are on Today, linking to their cases, with a count that links to
the Book of Business filtered to them; the Book filters by follow-ups and knows each case's next one."""

import datetime
import re
import threading
import zoneinfo

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from consumers.models import FollowUp
from consumers.services import CaseError, mark_follow_up_done
from delegations.models import Delegation
from delegations.services import end_delegation
from portal.models import AuditEvent

from .book_support import names
from .factories import (
    ConsumerCaseFactory,
    UserFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

TODAY = datetime.date(2026, 11, 18)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 11, 18, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))),
]


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def add(client, case, *, owner, due, text="Call about the income letter"):
    return client.post(f"/cases/{case.pk}/follow-ups/", {"owner": owner.pk, "due_date": due, "text": text})


def section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]


def follow_up(case, owner, due, *, agency, helper, text="Call back", **fields):
    return FollowUp.objects.create(case=case, agency=agency, helper=helper, owner=owner, created_by=owner,
                                   due_date=TODAY + datetime.timedelta(days=due), text=text, **fields)  # fmt: skip


@pytest.fixture
def case(world):
    return delegate(ConsumerCaseFactory(last_name="Alvarez"), agent=world["agent"], agency=world["agency"]).case


def test_a_manager_adds_a_follow_up_for_the_cases_agent_by_default(world, case):
    client = sign_in(Client(), world["manager"].user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    chosen = re.search(r'<option value="(\d+)" selected>', section(page, "follow-ups-heading"))
    assert chosen and int(chosen.group(1)) == world["agent"].user_id, "the case's agent is chosen first"
    response = add(client, case, owner=world["agent"].user, due=days(3))
    assert response.status_code == 302
    made = FollowUp.objects.get()
    assert (made.owner, made.created_by, made.agency, made.done_at) == (
        world["agent"].user, world["manager"].user, world["agency"], None
    )  # fmt: skip
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Call about the income letter" in section(page, "follow-ups-heading")
    assert "3 days left" in section(page, "follow-ups-heading")
    event = AuditEvent.objects.get(action="case.follow_up_added")
    assert event.details == {"follow_up": made.pk, "owner": world["agent"].user_id, "due_date": days(3)}


def test_open_follow_ups_come_first_with_days_overdue_and_done_ones_say_who(world, case):
    rosa = world["agent"]
    follow_up(case, rosa.user, 5, agency=world["agency"], helper=rosa, text="Later one")
    follow_up(case, rosa.user, -4, agency=world["agency"], helper=rosa, text="Late one")
    follow_up(case, rosa.user, -30, agency=world["agency"], helper=rosa, text="Done one",
              done_at=datetime.datetime(2026, 11, 10, tzinfo=datetime.UTC), done_by=world["manager"].user)  # fmt: skip
    shown = section(sign_in(Client(), rosa.user).get(f"/cases/{case.pk}/").content.decode(), "follow-ups-heading")
    assert shown.index("Late one") < shown.index("Later one") < shown.index("Done one")
    assert "4 days overdue" in shown and "5 days left" in shown
    assert f"Done by {world['manager'].user}" in shown


def test_the_owner_must_be_of_the_agency_and_the_day_not_past(world, case):
    other, their_manager = agency_with_manager()
    client = sign_in(Client(), world["manager"].user)
    page = add(client, case, owner=their_manager.user, due=days(2), text="Crafted").content.decode()
    shown = section(page, "follow-ups-heading")
    assert 'id="follow_up_owner_error"' in shown and "Select a valid choice" in shown
    assert 'value="Crafted"' in shown, "what was typed is kept"
    admin_staff = admin_staff_in(world["agency"], can_view_book=True)
    page = add(client, case, owner=admin_staff, due=days(2)).content.decode()
    assert "Select a valid choice" in page, "Admin Staff hold no cases: only their own follow-ups"
    page = add(client, case, owner=world["agent"].user, due=days(-1)).content.decode()
    assert 'id="follow_up_due_date_error"' in page and "Choose today or a later day." in page
    assert not FollowUp.objects.exists()
    # The author may give one to themselves, whoever they are.
    staff_client = sign_in(Client(), admin_staff)
    assert add(staff_client, case, owner=admin_staff, due=days(1)).status_code == 302
    assert FollowUp.objects.get().owner == admin_staff


def test_marking_done_is_for_those_who_may_see_the_case_and_happens_once(world, case):
    item = follow_up(case, world["agent"].user, 1, agency=world["agency"], helper=world["agent"])
    url = f"/cases/{case.pk}/follow-ups/{item.pk}/done/"
    other, their_manager = agency_with_manager()
    their_case = delegate(agent=their_manager, agency=other).case
    theirs = sign_in(Client(), their_manager.user)
    assert theirs.post(url).status_code == 404
    assert theirs.post(f"/cases/{their_case.pk}/follow-ups/{item.pk}/done/").status_code == 404
    assert sign_in(Client(), agent_in(other).user).post(url).status_code == 404
    assert sign_in(Client(), UserFactory(is_staff=True)).post(url).status_code == 403
    item.refresh_from_db()
    assert item.done_at is None
    client = sign_in(Client(), world["agent"].user)
    assert "marked done" in client.post(url, follow=True).content.decode()
    assert "already marked done" in client.post(url, follow=True).content.decode()
    item.refresh_from_db()
    assert item.done_by == world["agent"].user
    assert AuditEvent.objects.filter(action="case.follow_up_done").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_marking_it_done_at_once_mark_it_once():
    agency, manager = agency_with_manager()
    rosa = agent_in(agency)
    case = delegate(agent=rosa, agency=agency).case
    item = follow_up(case, rosa.user, 0, agency=agency, helper=rosa)
    barrier, outcomes = threading.Barrier(2), []

    def run(by):
        close_old_connections()
        try:
            barrier.wait(timeout=20)
            mark_follow_up_done(follow_up=FollowUp.objects.get(pk=item.pk), by=by)
            outcomes.append("done")
        except CaseError:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(who,)) for who in (rosa.user, manager.user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already", "done"]
    assert AuditEvent.objects.filter(action="case.follow_up_done").count() == 1


# -- Today and the Book of Business --------------------------------------------------------------------------------


def tile(page: str, label: str) -> tuple[int, str]:
    match = re.search(r'<a class="tile[^"]*" href="([^"]+)"><strong>([\d,]+)</strong><span>' + re.escape(label), page)
    assert match, f"no tile {label!r}"
    return int(match.group(2).replace(",", "")), match.group(1).replace("&amp;", "&")


@pytest.fixture
def day(book):
    """Rosa's and Li's follow-ups on the agency's book, and one on another agency's case."""
    agency, rosa, li, cases = book["agency"], book["rosa"], book["li"], book["cases"]
    follow_up(cases["ana"], rosa.user, -2, agency=agency, helper=rosa, text="Ana overdue")
    follow_up(cases["ana"], rosa.user, 0, agency=agency, helper=rosa, text="Ana today")
    follow_up(cases["ben"], rosa.user, 6, agency=agency, helper=rosa, text="Ben soon")
    follow_up(cases["ben"], rosa.user, 30, agency=agency, helper=rosa, text="Ben next month")
    follow_up(cases["cho"], li.user, -1, agency=agency, helper=li, text="Cho for Li")
    follow_up(cases["cho"], rosa.user, -10, agency=agency, helper=li, text="Cho done",
              done_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC), done_by=rosa.user)  # fmt: skip
    return book


def test_today_lists_the_persons_own_follow_ups_due_soon_or_overdue_linking_to_their_cases(day):
    page = sign_in(Client(), day["rosa"].user).get("/today/").content.decode()
    due = section(page, "follow-ups-heading")
    assert due.index("Ana overdue") < due.index("Ana today") < due.index("Ben soon")
    assert "2 days overdue" in due and "due today" in due and "6 days left" in due
    assert "Ben next month" not in due and "Cho" not in due, "not beyond 7 days, not others', not done ones"
    assert f'href="/cases/{day["cases"]["ana"].pk}/#follow-ups-heading"' in due
    listed = AuditEvent.objects.filter(action="cases.listed", details__view="today").latest("id")
    assert day["cases"]["ben"].case_number in listed.details["cases"]


def test_the_follow_up_count_on_today_links_to_as_many_cases_in_the_book(day):
    for person, expected in ((day["rosa"].user, 2), (day["li"].user, 1), (day["manager"].user, 0)):
        client = sign_in(Client(), person)
        count, link = tile(client.get("/today/").content.decode(), "case")
        assert (count, link) == (expected, "/book/?follow_up=mine"), person
        assert len(client.get(link).context["page"].object_list) == expected


def test_the_book_filters_by_follow_ups_and_knows_each_cases_next_one(day):
    client = sign_in(Client(), day["manager"].user)
    assert names(client.get("/book/?follow_up=due")) == ["Ana", "Cho"]
    assert names(client.get("/book/?follow_up=open")) == ["Ana", "Ben", "Cho"]
    assert names(client.get("/book/?follow_up=mine")) == []
    assert "Zed" not in names(client.get("/book/"))
    rows = {row.case.first_name: row.next_follow_up for row in client.get("/book/").context["page"].object_list}
    assert rows == {"Ana": TODAY - datetime.timedelta(days=2), "Ben": TODAY + datetime.timedelta(days=6),
                    "Cho": TODAY - datetime.timedelta(days=1)}  # fmt: skip
    rosa = sign_in(Client(), day["rosa"].user)
    assert names(rosa.get("/book/?follow_up=mine")) == ["Ana", "Ben"]
    assert names(rosa.get("/book/?follow_up=due")) == ["Ana"], "her own book only"
    assert "Select a valid choice" in client.get("/book/?follow_up=everything").content.decode()


def test_after_the_consumer_moves_to_another_agency_its_follow_ups_stay_behind(day):
    ana = day["cases"]["ana"]
    end_delegation(delegation=Delegation.objects.get(case=ana, status="active"), by=UserFactory(is_staff=True),
                   reason="consumer_request")  # fmt: skip
    other, their_manager = agency_with_manager()
    delegate(ana, agent=their_manager, agency=other)
    rosa = sign_in(Client(), day["rosa"].user).get("/today/").content.decode()
    assert "Ana overdue" not in rosa and "Ben soon" in rosa
    theirs = sign_in(Client(), their_manager.user)
    assert "Ana overdue" not in theirs.get(f"/cases/{ana.pk}/").content.decode()
    assert [row.next_follow_up for row in theirs.get("/book/").context["page"].object_list] == [None]
    assert names(theirs.get("/book/?follow_up=open")) == []


def test_today_takes_the_same_queries_however_many_follow_ups(book):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    rosa, agency = book["rosa"], book["agency"]
    client = sign_in(Client(), rosa.user)
    follow_up(book["cases"]["ana"], rosa.user, 1, agency=agency, helper=rosa)
    client.get("/today/")
    with CaptureQueriesContext(db) as few:
        client.get("/today/")
    for n in range(30):
        case = delegate(ConsumerCaseFactory(), agent=rosa, agency=agency).case
        follow_up(case, rosa.user, n % 7, agency=agency, helper=rosa)
    with CaptureQueriesContext(db) as many:
        page = client.get("/today/").content.decode()
    assert len(many) == len(few)
    assert tile(page, "cases with a follow-up")[0] == 31
