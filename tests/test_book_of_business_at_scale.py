"""A page of a large Book of Business stays cheap: constant queries, sorts along indexes, kept counts, every case once per page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from bookofbusiness.selectors import filtered_book
from consumers.models import ConsumerCase, Enrollment

from .book_support import case_for
from .factories import ConsumerCaseFactory, EnrollmentFactory, VerificationFactory, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_the_page_takes_the_same_queries_whatever_the_book(client, book, django_assert_max_num_queries):
    for n in range(120):
        case_for(book["rosa"], book["agency"], first_name=f"P{n:03d}")
    sign_in(client, book["manager"].user)
    client.get("/book/")  # once a minute the page frame reads the outage notices; not counted against the book
    for sort in ["name", "-household", "due", "premium", "agent"]:
        # Sorted by items due or on the enrollment, the page's ids are read in parts (DueSorted, EnrollmentSorted).
        # Two of them are the manager's: their saved views, and the agents chosen cases can be transferred to.
        with django_assert_max_num_queries(18 if sort in ("due", "premium") else 16):
            assert client.get("/book/", {"sort": sort, "page": 2}).status_code == 200


@pytest.mark.parametrize("sort", ["county", "-language", "renewal", "name", "-name"])
def test_sorts_on_the_cases_columns_follow_a_case_index(client, book, sort):
    """A sort on a column of the case walks that column's index on the case and stops after the page, rather
    than joining and sorting a whole 100,000-case agency (ties are broken by the case, which the index holds)."""
    from django.db import connection, transaction

    from bookofbusiness.selectors import page_of_book

    rows = filtered_book(book["manager"].user, filters={"sort": sort})
    sql, params = rows.values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: rule out what a big one makes too slow
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN " + sql + " LIMIT 50", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    index = {"county": "case_sort_county", "-language": "case_sort_language", "renewal": "case_sort_renewal"}
    assert index.get(sort, "case_sort_name") in plan and "Sort Key" not in plan, plan
    assert len(page_of_book(rows, 1).object_list) == 3


def test_a_large_books_count_is_kept_for_a_minute_and_a_small_ones_is_exact(client, book, settings):
    sign_in(client, book["manager"].user)
    settings.BOOK_COUNT_CACHE_FROM = 100
    assert "3 cases." in client.get("/book/", {"metal_tier": ""}).content.decode()
    case_for(book["rosa"], book["agency"], first_name="Dee")
    assert "4 cases." in client.get("/book/", {"metal_tier": ""}).content.decode(), "small: counted each time"
    settings.BOOK_COUNT_CACHE_FROM = 4
    assert "4 cases." in client.get("/book/", {"county": ""}).content.decode()
    case_for(book["rosa"], book["agency"], first_name="Eve")
    page = client.get("/book/", {"county": ""})
    assert "4 cases." in page.content.decode(), "large: the count of a minute ago"
    assert len(page.context["page"].object_list) == 5, "the rows themselves are always current"
    assert "4 cases." in client.get("/book/", {"sort": "-county"}).content.decode(), "whatever the sort"
    blue_shield = client.get("/book/", {"issuer": "Blue Shield of California"}).content.decode()
    assert "4 cases." in blue_shield, "other filters: counted afresh (Ben, Cho, Dee, Eve)"


def test_the_portals_select_writes_the_same_html_as_djangos():
    """The filter's agent list is written in Python for speed; its markup must stay Django's own: escaping,
    the chosen option, option groups, and the attributes the labels and error messages point to."""
    from django import forms
    from django.test.html import parse_html

    from portal.widgets import Select

    choices = [("", "All agents"), (7, 'O\'Brien, <Ana> & "Co"'), ("Group", [("a", "A"), ("b", "B")])]
    attrs = {"id": "id_agent", "aria-describedby": "id_agent_error", "aria-invalid": True, "required": False}
    for value in ["", 7, "7", "b", None]:
        ours = Select(choices=choices).render("agent", value, attrs=attrs)
        djangos = forms.Select(choices=choices).render("agent", value, attrs=attrs)
        assert parse_html(ours) == parse_html(djangos), (ours, djangos)
    assert "&lt;Ana&gt; &amp; &quot;Co&quot;" in Select(choices=choices).render("agent", "")
    flat = [("", "All agents"), (7, 'O\'Brien, <Ana> & "Co"'), (8, "Li, Wei"), (7, "the same value again")]
    for value in ["", 7, "7", 8, None, "nobody"]:
        ours = Select(choices=flat).render("agent", value, attrs=attrs)
        djangos = forms.Select(choices=flat).render("agent", value, attrs=attrs)
        assert parse_html(ours) == parse_html(djangos), (ours, djangos)


@pytest.mark.parametrize("sort", ["issuer", "-tier", "premium", "-premium", "net", "-net", "status", "-status"])
def test_pages_sorted_on_the_enrollment_hold_every_case_once_in_the_books_order(book, sort):
    """Sorted on the enrollment, the pages are read in two parts (cases with a current enrollment, walked along
    an enrollment sort index; cases without one); page after page they must give the sorted book exactly:
    ties, the cases without an enrollment first (descending) or last (ascending), nothing twice or missed."""

    from bookofbusiness.selectors import page_of_book

    agency, rosa = book["agency"], book["rosa"]
    for n, premium in enumerate(["612.00", "612.00", "450.00", "950.00"]):
        case = case_for(rosa, agency, first_name=f"Tie{n}", issuer="Anthem Blue Cross", tier="gold")
        case.current_enrollment.monthly_premium = Decimal(premium)
        case.current_enrollment.save()
    for n in range(2):
        delegate(ConsumerCaseFactory(first_name=f"Unenrolled{n}"), agent=rosa, agency=agency)
    rows = filtered_book(book["manager"].user, filters={"sort": sort})
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) == 9
    for per_page in (1, 2, 4, 50):
        for agency_id in (None, agency.pk):  # along every agency's sort index, and along the agency's own
            pages = [page_of_book(rows, n, per_page=per_page, sort=sort, agency_id=agency_id)
                     for n in range(1, -(-9 // per_page) + 1)]  # fmt: skip
            assert [row.pk for page in pages for row in page.object_list] == expected, (per_page, agency_id)
    unenrolled = [row.case.first_name for row in page_of_book(rows, 1, per_page=9, sort=sort).object_list]
    assert sorted(unenrolled[:2] if sort.startswith("-") else unenrolled[-2:]) == ["Unenrolled0", "Unenrolled1"]


def test_a_sort_on_the_enrollment_follows_an_enrollment_index(book):
    from django.db import connection, transaction

    from bookofbusiness.selectors import EnrollmentSorted

    rows = filtered_book(book["manager"].user, filters={"sort": "-net"})
    enrolled = EnrollmentSorted(rows, descending=True).parts[1]
    sql, params = enrolled[:50].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")  # tiny tables: rule out what a big one makes too slow
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "enrollment_sort_net" in plan, plan


def test_an_agencys_book_sorted_on_the_enrollment_follows_the_agencys_own_index(book):
    from django.db import connection, transaction

    from bookofbusiness.selectors import EnrollmentSorted

    # Enrollments in no one's book, enough pages of them that the index of every agency's enrollments costs more
    # to walk than the agency's own, whatever statistics an earlier test left (on a table of one page the two
    # cost alike, and the planner's choice would depend on them).
    cases = ConsumerCase.objects.bulk_create(ConsumerCaseFactory.build_batch(400))
    Enrollment.objects.bulk_create(EnrollmentFactory.build(case=case) for case in cases)

    rows = filtered_book(book["manager"].user, filters={"sort": "-net"})
    enrolled = EnrollmentSorted(rows, descending=True, agency_id=book["agency"].pk).parts[1]
    sql, params = enrolled[:50].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "enrollment_book_net" in plan, plan


def test_pages_sorted_by_items_due_hold_every_case_once_in_the_books_order(book):
    """By items due, soonest first, the pages walk the open items in date order and keep each case where it first
    appears; page after page they must give the sorted book: a case with several items at its earliest one,
    equal dates by case, closed items ignored, cases with nothing open last."""

    from bookofbusiness.selectors import page_of_book

    agency, rosa, today = book["agency"], book["rosa"], timezone.localdate()
    for n, days in enumerate([[30, 3], [3], [12, 40, 12], [-2]]):
        case = case_for(rosa, agency, first_name=f"Due{n}")
        for day in days:
            VerificationFactory(case=case, due_date=today + datetime.timedelta(days=day))
    VerificationFactory(case=book["cases"]["ana"], due_date=today - datetime.timedelta(days=9), status="verified")
    sort = "due"
    rows = filtered_book(book["manager"].user, filters={"sort": sort})
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) == 7
    for per_page in (1, 2, 3, 50):
        pages = [page_of_book(rows, n, per_page=per_page, sort=sort) for n in range(1, -(-7 // per_page) + 1)]
        assert [row.pk for page in pages for row in page.object_list] == expected, per_page
    firsts = [row.case.first_name for row in page_of_book(rows, 1, per_page=7, sort=sort).object_list]
    assert firsts[:5] == ["Due3", "Due0", "Due1", "Ben", "Due2"], "earliest item first; equal dates by case"
    assert sorted(firsts[5:]) == ["Ana", "Cho"], "nothing open: last (Ana's only item is verified)"
