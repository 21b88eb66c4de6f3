"""The Book of Business as a work surface: a person chooses and orders its columns, the rows per page, and saves
the view (filters, sort, columns) under a name, theirs alone; the applicant, items due and agent always stay."""

import pytest
from django.test import Client

from bookofbusiness.models import SavedView

from .book_support import case_for, names
from .factories import agency_with_manager, sign_in

pytestmark = pytest.mark.django_db


def headers(response):
    html = response.content.decode()
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    import re

    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def test_chosen_columns_are_shown_in_the_chosen_order_after_the_key_ones(client, book):
    sign_in(client, book["manager"].user)
    page = client.get("/book/?cols=&cols=net&cols=county")
    assert headers(page)[-5:] == ["Primary applicant", "Items due", "Agent", "Net premium", "County"]
    body = page.content.decode().split("<tbody>", 1)[1]
    assert "Fresno" in body and "Kaiser Permanente" not in body


def test_no_optional_column_leaves_the_key_ones(client, book):
    sign_in(client, book["manager"].user)
    assert headers(client.get("/book/?cols="))[-3:] == ["Primary applicant", "Items due", "Agent"]
    assert "Issuer" in headers(client.get("/book/")), "without a choice, every column"


def test_unknown_columns_are_ignored_and_sorting_keeps_the_columns(client, book):
    sign_in(client, book["manager"].user)
    page = client.get("/book/?cols=county&cols=<script>&cols=county&sort=county").content.decode()
    assert "&lt;script&gt;" not in page and "<script>" not in page.split("</head>", 1)[1].split("portal.js")[0]
    assert "cols=county&amp;sort=-county" in page, "the header's sort link keeps the chosen columns"


def test_moving_a_column_left_swaps_it_with_its_neighbour(client, book):
    sign_in(client, book["manager"].user)
    page = client.get("/book/?cols=county&cols=net").content.decode()
    assert 'href="?cols=net&amp;cols=county" aria-label="Move Net premium left"' in page


def test_rows_per_page(client, book):
    for n in range(30):
        case_for(book["rosa"], book["agency"], first_name=f"R{n:02d}")
    sign_in(client, book["manager"].user)
    assert len(names(client.get("/book/?per=25"))) == 25
    assert len(names(client.get("/book/"))) == 33
    bad = client.get("/book/?per=7")
    assert "Select a valid choice" in bad.content.decode() and "Rows per page: “7”" in bad.content.decode()
    assert len(names(bad)) == 33, "a size the book does not offer is named, and the book shown at its usual size"


def test_a_view_is_saved_under_a_name_and_opened_from_the_list(client, book):
    sign_in(client, book["manager"].user)
    saved = client.post("/book/?county=Fresno&cols=&cols=county&per=25&page=3", {"name": "Fresno cases"},
                        follow=True)  # fmt: skip
    view = SavedView.objects.get(owner=book["manager"].user)
    assert (view.name, view.query) == ("Fresno cases", "county=Fresno&cols=&cols=county&per=25")
    assert saved.redirect_chain[-1][0] == "/book/?county=Fresno&cols=&cols=county&per=25"
    html = saved.content.decode()
    assert "The view “Fresno cases” is saved." in html
    assert 'href="?county=Fresno&amp;cols=&amp;cols=county&amp;per=25" aria-current="page">Fresno cases</a>' in html
    assert names(saved) == ["Ana"]


def test_a_name_used_twice_or_left_empty_is_said_beside_the_field_and_the_book_stays(client, book):
    sign_in(client, book["manager"].user)
    client.post("/book/", {"name": "Mine"})
    again = client.post("/book/?county=Fresno", {"name": "mine"})
    assert again.status_code == 400
    html = again.content.decode()
    assert "You already have a view with this name." in html and 'value="mine"' in html
    assert names(again) == ["Ana"], "the book is still shown as filtered"
    empty = client.post("/book/", {"name": ""})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    assert SavedView.objects.count() == 1


def test_at_most_twenty_views_a_person(client, book):
    sign_in(client, book["manager"].user)
    for n in range(20):
        SavedView.objects.create(owner=book["manager"].user, name=f"View {n}", query="")
    page = client.post("/book/", {"name": "One more"})
    assert page.status_code == 400 and "You have 20 saved views" in page.content.decode()


def test_views_are_the_persons_own(client, book):
    theirs = SavedView.objects.create(owner=book["rosa"].user, name="Rosa's secret view", query="county=Fresno")
    sign_in(client, book["manager"].user)
    assert "Rosa&#x27;s secret view" not in client.get("/book/").content.decode()
    assert client.post(f"/book/views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    _, stranger = agency_with_manager()
    assert sign_in(Client(), stranger.user).post(f"/book/views/{theirs.pk}/delete/").status_code == 404


def test_a_view_is_deleted_by_its_owner(client, book):
    view = SavedView.objects.create(owner=book["manager"].user, name="Old", query="")
    sign_in(client, book["manager"].user)
    page = client.post(f"/book/views/{view.pk}/delete/", follow=True)
    assert "The view “Old” is deleted." in page.content.decode()
    assert not SavedView.objects.exists()


def test_numbered_pages(client, book):
    for n in range(300):
        case_for(book["rosa"], book["agency"], first_name=f"N{n:03d}")
    sign_in(client, book["manager"].user)
    html = client.get("/book/?per=25&county=&page=7").content.decode()  # 303 cases: 13 pages
    assert '<span aria-current="page">7</span>' in html
    for number in (1, 5, 6, 8, 9, 13):
        assert f'href="?per=25&amp;county=&amp;page={number}"' in html
    for number in (2, 12):
        assert f'page={number}"' not in html, "pages far from the current one are elided"
