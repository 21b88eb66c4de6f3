"""The dashboards of the agency home and My Delegations: a table for each chart, a large book counted once."""

import pytest

from .book_support import case_for
from .factories import sign_in

pytestmark = pytest.mark.django_db


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
