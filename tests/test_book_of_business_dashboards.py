"""The dashboards of the agency home and My Delegations: a list of links for each chart, a large book counted once."""

import pytest

from .book_support import case_for
from .factories import sign_in

pytestmark = pytest.mark.django_db


def test_agency_home_shows_a_dashboard_with_a_list_for_each_chart(client, book, django_assert_max_num_queries):
    sign_in(client, book["manager"].user)
    with django_assert_max_num_queries(20):
        page = client.get("/agency/").content.decode()
    assert page.count('<svg class="bars"') == 6
    assert "<figcaption>Enrollments by issuer</figcaption>" in page
    assert ">Kaiser Permanente: 1</a>" in page
    assert ">Blue Shield of California: 2</a>" in page
    assert ">Active delegations: 3</a>" in page
    assert "Outsider" not in page


def test_an_agents_dashboard_counts_only_their_book(client, book):
    sign_in(client, book["li"].user)
    page = client.get("/delegations/mine/").content.decode()
    assert ">Bronze: 1</a>" in page
    assert "Agents by certification status" not in page


def test_a_large_books_dashboard_is_counted_once_and_says_when(client, book, settings, django_assert_max_num_queries):
    sign_in(client, book["manager"].user)
    client.get("/agency/")  # the page frame's own once-a-minute reads
    settings.BOOK_COUNT_CACHE_FROM = 4
    small = client.get("/agency/").content.decode()
    assert "Counted at" not in small and ">Active delegations: 3</a>" in small
    case_for(book["rosa"], book["agency"], first_name="Dee")
    first = client.get("/agency/").content.decode()
    assert "Counted at" in first and ">Active delegations: 4</a>" in first, "small books: counted afresh"
    case_for(book["rosa"], book["agency"], first_name="Eve")
    with django_assert_max_num_queries(11):  # the page's own; none of the dashboard's four grouped queries
        again = client.get("/agency/").content.decode()
    assert ">Blue Shield of California: 3</a>" in again, "the counts of a few minutes ago"
    assert "Counted at" in again
