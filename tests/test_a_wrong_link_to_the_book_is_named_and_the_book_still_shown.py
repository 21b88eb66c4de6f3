"""A Book of Business link with a sort or a filter the book does not have (a hand-edited URL, an old bookmark):
the page says which part it could not use and shows the book without it, the rest of the link kept; an export
or a bulk action with such a link takes nothing rather than more than was asked (issue 18)."""

import pytest

from .book_support import names
from .factories import sign_in

pytestmark = pytest.mark.django_db


def test_an_unknown_sort_is_named_and_the_book_is_shown_sorted_by_name(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/?sort=bogus")
    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["Ana", "Ben", "Cho"]
    assert "This link asks for something the book does not have, so the book is shown without it:" in html
    assert "Sort: “bogus”" in html
    assert "0 cases" not in html and "No case matches" not in html


def test_a_bad_filter_is_named_beside_its_field_and_the_good_ones_still_apply(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/?due_within=abc&county=Fresno")
    html = response.content.decode()
    assert names(response) == ["Ana"], "the county filter still applies"
    assert "Conditional eligibility due within (days): “abc”" in html
    assert "Enter a whole number." in html, "and the field says why"
    assert "Filters (2 in use)" in html


def test_two_wrong_parts_are_both_named(client, book):
    sign_in(client, book["manager"].user)
    html = client.get("/book/?sort=bogus&per=7").content.decode()
    assert "This link asks for 2 things the book does not have, so the book is shown without them:" in html
    assert "Rows per page: “7”" in html and "Sort: “bogus”" in html


def test_what_a_link_carries_is_escaped_and_shortened(client, book):
    sign_in(client, book["manager"].user)
    html = client.get("/book/?sort=<script>alert(1)</script>" + "x" * 200).content.decode()
    assert "<script>alert(1)" not in html
    assert "Sort: “&lt;script&gt;alert(1)&lt;/script&gt;" + "x" * 14 + "…”" in html


def test_in_spanish_the_wrong_part_is_named_in_spanish(client, book):
    sign_in(client, book["manager"].user)
    client.cookies["django_language"] = "es"
    html = client.get("/book/?sort=bogus").content.decode()
    assert "Este enlace pide algo que la cartera no tiene, así que la cartera se muestra sin ello:" in html
    assert "Orden: “bogus”" in html


def test_an_export_with_a_wrong_filter_exports_nothing(client, book):
    sign_in(client, book["manager"].user)
    response = client.get("/book/export/csv/?due_within=abc")
    rows = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert "Alvarez" not in rows and "Brown" not in rows
