"""The Book of Business online and its exports: scope, filters, sort, round-trips, formulas, large exports."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from bookofbusiness import services
from bookofbusiness.exports import BOOK_COLUMNS, headers
from bookofbusiness.models import BookOfBusinessExport
from bookofbusiness.selectors import filtered_book
from portal.models import AuditEvent, MailboxMessage

from .factories import (
    ConsumerCaseFactory,
    EnrollmentFactory,
    VerificationFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db


def case_for(agent, agency, *, issuer="Blue Shield of California", tier="silver", **case_fields):
    case = ConsumerCaseFactory(**case_fields)
    enrollment = EnrollmentFactory(case=case, issuer=issuer, metal_tier=tier)
    case.current_enrollment = enrollment
    case.save()
    delegate(case, agent=agent, agency=agency)
    return case


@pytest.fixture
def book():
    agency, manager = agency_with_manager()
    rosa, li = agent_in(agency, last_name="Delgado"), agent_in(agency, last_name="Li")
    cases = {
        "ana": case_for(rosa, agency, first_name="Ana", last_name="Alvarez", preferred_language="es", county="Fresno",
                        issuer="Kaiser Permanente", tier="gold"),
        "ben": case_for(rosa, agency, first_name="Ben", last_name="Brown", county="Sacramento"),
        "cho": case_for(li, agency, first_name="Cho", last_name="Chen", preferred_language="cmn", county="Alameda",
                        tier="bronze"),
    }  # fmt: skip
    VerificationFactory(case=cases["ben"], due_date=timezone.localdate() + datetime.timedelta(days=5))
    other_agency, _ = agency_with_manager()
    outsider = case_for(agent_in(other_agency), other_agency, first_name="Zed", last_name="Outsider")
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "cases": cases, "outsider": outsider}


def names(response):
    return [row.case.first_name for row in response.context["page"].object_list]


def test_manager_sees_the_agency_book_and_never_another_agencys(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/")
    assert sorted(names(response)) == ["Ana", "Ben", "Cho"]
    assert "Outsider" not in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"issuer": "Kaiser Permanente"}, ["Ana"]),
        ({"metal_tier": "bronze"}, ["Cho"]),
        ({"language": "es"}, ["Ana"]),
        ({"county": "Sacramento"}, ["Ben"]),
        ({"due_within": "10"}, ["Ben"]),
        ({"q": "chen"}, ["Cho"]),
        ({"renewal_status": "renewed"}, []),
        ({"sort": "-name"}, ["Cho", "Ben", "Ana"]),
        ({"sort": "tier"}, ["Cho", "Ana", "Ben"]),
    ],
)
def test_filters_search_and_sort(client, book, params, expected):
    sign_in(client, book["manager"].user)
    got = names(client.get("/book/", params))
    assert got == expected if "sort" in params else sorted(got) == sorted(expected)


def test_search_by_case_number_and_one_agents_book(client, book):
    sign_in(client, book["manager"].user)
    assert names(client.get("/book/", {"q": book["cases"]["cho"].case_number})) == ["Cho"]
    assert sorted(names(client.get("/book/", {"agent": book["rosa"].pk}))) == ["Ana", "Ben"]


def test_name_search_is_served_by_the_trigram_indexes(client, book):
    """The search by name must not read every case of a large agency: PostgreSQL can answer the lookups
    the search uses (Django's `icontains`, UPPER(column) LIKE '%WORD%') from the trigram indexes."""
    from django.db import connection, transaction
    from django.db.models import Q

    from consumers.models import ConsumerCase

    matches = ConsumerCase.objects.filter(Q(first_name__icontains="alv") | Q(last_name__icontains="alv"))
    sql, params = matches.values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: rule out the scans a big one avoids
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "case_first_name_trigram" in plan and "case_last_name_trigram" in plan, plan
    sign_in(client, book["manager"].user)
    assert names(client.get("/book/", {"q": "alv"})) == ["Ana"]


def test_an_agent_sees_only_their_own_book(client, book):
    sign_in(client, book["li"].user)
    assert names(client.get("/book/")) == ["Cho"]


def test_admin_staff_need_the_grant_to_view_and_another_to_export(client, book):
    sign_in(client, admin_staff_in(book["agency"]))
    assert client.get("/book/").status_code == 403
    sign_in(client, admin_staff_in(book["agency"], can_view_book=True))
    assert len(names(client.get("/book/"))) == 3
    assert client.get("/book/export/csv/").status_code == 403


def test_the_page_takes_the_same_queries_whatever_the_book(client, book, django_assert_max_num_queries):
    for n in range(120):
        case_for(book["rosa"], book["agency"], first_name=f"P{n:03d}")
    sign_in(client, book["manager"].user)
    client.get("/book/")  # once a minute the page frame reads the outage notices; not counted against the book
    for sort in ["name", "-household", "due", "premium", "agent"]:
        # Sorted by items due or on the enrollment, the page's ids are read in parts (DueSorted, EnrollmentSorted).
        with django_assert_max_num_queries(16 if sort in ("due", "premium") else 14):
            assert client.get("/book/", {"sort": sort, "page": 2}).status_code == 200


def test_csv_export_round_trips_exactly_what_the_view_shows(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/export/csv/", {"agent": book["rosa"].pk, "sort": "name"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == headers() and len(rows[0]) == len(BOOK_COLUMNS) >= 29
    assert [row[1] for row in rows[1:]] == ["Ana", "Ben"]
    ana = dict(zip(rows[0], rows[1], strict=True))
    case = book["cases"]["ana"]
    assert (ana["Case number"], ana["Date of birth"], ana["Issuer"], ana["Monthly premium"], ana["Net premium"]) == (
        case.case_number, "1985-06-01", "Kaiser Permanente", "612.00", "212.00",
    )  # fmt: skip
    assert ana["Agent license number"] == book["rosa"].license_number and ana["Household size"] == "1"
    event = AuditEvent.objects.get(action="export.created")
    assert event.details["format"] == "csv" and event.details["rows"] == 2


def test_xlsx_export_has_real_dates_and_numbers_a_frozen_filterable_header(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/export/xlsx/", {"sort": "name"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == headers()
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:AC4"
    values = {header: cell.value for header, cell in zip(headers(), sheet[2], strict=True)}
    assert values["First name"] == "Ana"
    assert values["Date of birth"] == datetime.datetime(1985, 6, 1)
    assert values["Monthly premium"] == 612 and isinstance(values["Monthly premium"], int | float | Decimal)
    assert values["Open conditional-eligibility items"] == 0


def test_formulas_in_consumer_data_are_neutralised_in_both_formats(client, book):
    case_for(book["rosa"], book["agency"], first_name='=HYPERLINK("http://evil.example","Click")', last_name="+Evil")
    sign_in(client, book["manager"].user)
    text = b"".join(client.get("/book/export/csv/", {"q": "Evil"}).streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1].startswith("'=HYPERLINK") and row[2] == "'+Evil"
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get("/book/export/xlsx/", {"q": "Evil"}).streaming_content))
    ).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


def test_a_large_export_runs_as_a_task_lands_in_the_mailbox_and_expires(client, book, monkeypatch,
                                                                          django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(services, "STREAM_LIMIT", 1)
    sign_in(client, book["manager"].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/book/export/xlsx/")
    job = BookOfBusinessExport.objects.get()
    assert response["Location"] == f"/book/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.rows_total) == ("ready", 3, 3)
    assert MailboxMessage.objects.filter(recipient=book["manager"].user, subject__contains="export is ready").exists()
    download = client.get(f"/book/exports/{job.pk}/download/")
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.max_row == 4
    assert AuditEvent.objects.filter(action="file.downloaded", object_id=str(job.pk)).exists()
    BookOfBusinessExport.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 410
    name = job.file.name
    assert services.expire_exports() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file and not default_storage.exists(name), "the file is gone"
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 410
    assert "This export has expired" in client.get(f"/book/exports/{job.pk}/").content.decode()
    assert services.expire_exports() == 0
    sign_in(client, book["rosa"].user)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404


def test_agency_home_shows_a_dashboard_with_a_table_for_each_chart(client, book, django_assert_max_num_queries):
    sign_in(client, book["manager"].user)
    with django_assert_max_num_queries(20):
        page = client.get("/agency/").content.decode()
    assert page.count('<svg class="bars"') == 6
    assert "<caption>Enrollments by issuer</caption>" in page
    assert '<th scope="row">Kaiser Permanente</th><td>1</td>' in page
    assert '<th scope="row">Blue Shield of California</th><td>2</td>' in page
    assert '<th scope="row">Active</th><td>3</td>' in page
    assert "Outsider" not in page


def test_an_agents_dashboard_counts_only_their_book(client, book):
    sign_in(client, book["li"].user)
    page = client.get("/delegations/mine/").content.decode()
    assert '<th scope="row">Bronze</th><td>1</td>' in page
    assert "Agents by certification status" not in page


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


def test_a_searched_book_keeps_its_order(client, book):
    case_for(book["li"], book["agency"], first_name="Abe", last_name="Chen")
    sign_in(client, book["manager"].user)
    assert names(client.get("/book/", {"q": "chen"})) == ["Abe", "Cho"]
    assert names(client.get("/book/", {"q": "chen", "sort": "-name"})) == ["Cho", "Abe"]
    counties = [row.case.county for row in client.get("/book/", {"q": "e", "sort": "county"}).context["page"]]
    assert counties == sorted(counties)


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


def test_a_large_books_dashboard_is_counted_once_and_says_when(client, book, settings, django_assert_max_num_queries):
    sign_in(client, book["manager"].user)
    client.get("/agency/")  # the page frame's own once-a-minute reads
    settings.BOOK_COUNT_CACHE_FROM = 4
    small = client.get("/agency/").content.decode()
    assert "Counted at" not in small and '<th scope="row">Active</th><td>3</td>' in small
    case_for(book["rosa"], book["agency"], first_name="Dee")
    first = client.get("/agency/").content.decode()
    assert "Counted at" in first and '<th scope="row">Active</th><td>4</td>' in first, "small books: counted afresh"
    case_for(book["rosa"], book["agency"], first_name="Eve")
    with django_assert_max_num_queries(11):  # the page's own; none of the dashboard's four grouped queries
        again = client.get("/agency/").content.decode()
    assert '<th scope="row">Blue Shield of California</th><td>3</td>' in again, "the counts of a few minutes ago"
    assert "Counted at" in again


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
        pages = [page_of_book(rows, n, per_page=per_page, sort=sort) for n in range(1, -(-9 // per_page) + 1)]
        assert [row.pk for page in pages for row in page.object_list] == expected, per_page
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
