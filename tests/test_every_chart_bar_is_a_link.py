"""Every bar of a dashboard is a link to the list it counts, and that list holds as many (issue 17)."""

import re
from html import unescape

import pytest
from django.test import Client

from .factories import sign_in

pytestmark = pytest.mark.django_db


def bars(page: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} from the keyboard links each chart carries."""
    return {
        unescape(label): (int(count.replace(",", "")), unescape(link))
        for link, label, count in re.findall(r'<li><a href="([^"]+)">([^<]+): ([\d,]+)</a></li>', page)
    }


def cases_in(page: str) -> int:
    match = re.search(r"<p>([\d,]+) cases?\.</p>", page)
    assert match, "the Book of Business says how many cases it shows"
    return int(match.group(1).replace(",", ""))


def test_the_agency_dashboards_bars_open_the_lists_they_count(book):
    client = sign_in(Client(), book["manager"].user)
    found = bars(client.get("/agency/").content.decode())
    assert {"Kaiser Permanente", "Blue Shield of California", "Gold", "Silver", "Bronze", "Not started"} <= set(found)
    for label in ("Kaiser Permanente", "Blue Shield of California", "Gold", "Silver", "Bronze", "Not started"):
        count, link = found[label]
        assert link.startswith("/book/?"), link
        assert cases_in(client.get(link).content.decode()) == count, label
    count, link = found["Active delegations"]
    assert link == "/agency/delegations/?status=active" and count == 3
    [(week_count, week_link)] = [value for label, value in found.items() if re.fullmatch(r"\d\d/\d\d", label)]
    assert "due_week=" in week_link and cases_in(client.get(week_link).content.decode()) == week_count == 1
    count, link = found["Certified"]
    assert link == "/agency/agents/?certification=certified"
    assert f"{count} agents match" in client.get(link).content.decode()


def test_an_agents_bars_open_their_own_book(book):
    client = sign_in(Client(), book["rosa"].user)
    found = bars(client.get("/delegations/mine/").content.decode())
    count, link = found["Kaiser Permanente"]
    assert link.startswith("/book/?") and "mine" not in link
    assert cases_in(client.get(link).content.decode()) == count == 1
    assert found["Active delegations"][1] == "/delegations/mine/?status=active"


def test_a_managers_own_dashboard_opens_their_own_book_not_the_agencys(book):
    client = sign_in(Client(), book["manager"].user)
    page = client.get("/delegations/mine/").content.decode()
    assert all("mine=1" in link for _count, link in bars(page).values() if link.startswith("/book/"))
