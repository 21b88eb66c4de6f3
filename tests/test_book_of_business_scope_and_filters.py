"""Whose Book of Business a person sees, and its filters, search and sort."""

import pytest

from .book_support import case_for, names
from .factories import admin_staff_in, sign_in

pytestmark = pytest.mark.django_db


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


def test_a_searched_book_keeps_its_order(client, book):
    case_for(book["li"], book["agency"], first_name="Abe", last_name="Chen")
    sign_in(client, book["manager"].user)
    assert names(client.get("/book/", {"q": "chen"})) == ["Abe", "Cho"]
    assert names(client.get("/book/", {"q": "chen", "sort": "-name"})) == ["Cho", "Abe"]
    counties = [row.case.county for row in client.get("/book/", {"q": "e", "sort": "county"}).context["page"]]
    assert counties == sorted(counties)
