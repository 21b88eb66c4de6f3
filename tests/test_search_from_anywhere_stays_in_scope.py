"""Search from anywhere (issue 17): the header's box finds a case by its number or the consumer's name, and an agent
by name or license number, only within what the person may see; the cases it lists are audited like a list."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agents.models import Agent
from portal.models import AuditEvent

from .book_support import case_for
from .factories import admin_staff_in, agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    agency, manager = agency_with_manager()
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado", license_number="0R12345")
    li = agent_in(agency, first_name="Wei", last_name="Lindqvist")
    other_agency, _ = agency_with_manager()
    stranger = agent_in(other_agency, first_name="Rosalind", last_name="Delgadillo", license_number="0S54321")
    return {
        "agency": agency,
        "manager": manager,
        "rosa": rosa,
        "li": li,
        "stranger": stranger,
        # Names no page holds otherwise; the same family name in both agencies.
        "rosas": case_for(rosa, agency, first_name="Araceli", last_name="Quillfeather", case_number="7100000001"),
        "lis": case_for(li, agency, first_name="Bartholomew", last_name="Quillfeather", case_number="7100000002"),
        "theirs": case_for(stranger, other_agency, first_name="Araceli", last_name="Quillfeather",
                           case_number="7100000003"),
    }  # fmt: skip


def found(response) -> tuple[list[str], list[str]]:
    """The case numbers and the license numbers the results page lists."""
    assert response.status_code == 200
    cases, agents = response.context["cases"], response.context["agents"]
    return (
        [row.case.case_number for row in cases.object_list] if cases else [],
        [agent.license_number for agent in agents.object_list] if agents else [],
    )


def test_a_manager_finds_the_agencys_cases_by_number_and_name_and_its_agents(client, world):
    sign_in(client, world["manager"].user)
    assert found(client.get("/search/", {"q": "7100000001"}))[0] == ["7100000001"]
    assert found(client.get("/search/", {"q": "710-000"}))[0] == ["7100000001", "7100000002"], "a number's start"
    cases, _ = found(client.get("/search/", {"q": "quillfeather"}))
    assert cases == ["7100000001", "7100000002"], "Araceli before Bartholomew; never the other agency's"
    page = client.get("/search/", {"q": "Araceli Quill"})
    assert found(page)[0] == ["7100000001"]
    html = page.content.decode()
    assert "Quillfeather, Araceli" in html and "Rosa Delgado" in html, "the case, its number and its agent"
    assert f'href="/cases/{world["rosas"].pk}/"' in html
    assert found(client.get("/search/", {"q": "0r12345"}))[1] == ["0R12345"], "an agent by license number"
    _, agents = found(client.get("/search/", {"q": "Delgad"}))
    assert agents == ["0R12345"], "an agent by name; never the other agency's"
    assert f'href="/agency/agents/{world["rosa"].pk}/"' in client.get("/search/", {"q": "Delgad"}).content.decode()


def test_an_agent_finds_only_their_own_cases_and_no_agents(client, world):
    sign_in(client, world["rosa"].user)
    page = client.get("/search/", {"q": "Quillfeather"})
    assert found(page) == (["7100000001"], [])
    assert page.context["agents"] is None and "Agents of the agency" not in page.content.decode()
    assert found(client.get("/search/", {"q": "71000"}))[0] == ["7100000001"]
    assert found(client.get("/search/", {"q": "7100000002"}))[0] == [], "a colleague's case"


def test_another_agencys_case_never_appears(client, world):
    for person in (world["manager"], world["rosa"], world["li"]):
        sign_in(client, person.user)
        for q in ("7100000003", "Quillfeather", "Araceli", "Rosalind", "0S54321"):
            page = client.get("/search/", {"q": q})
            cases, agents = found(page)
            assert "7100000003" not in cases and "0S54321" not in agents, (person, q)
            # The page repeats the words searched (its box, the address to come back to); nothing else of theirs.
            html = page.content.decode().replace(q, "")
            assert "7100000003" not in html and "Delgadillo" not in html and "0S54321" not in html, (person, q)


def test_acting_on_behalf_searches_the_agents_book_and_no_roster(client, world):
    sign_in(client, world["manager"].user)
    client.post(f"/delegations/acting/{world['rosa'].pk}/start/")
    page = client.get("/search/", {"q": "Quillfeather"})
    assert found(page) == (["7100000001"], []), "Rosa's case, not Wei's; no agents"
    assert "Cases of Rosa Delgado" in page.content.decode()
    event = AuditEvent.objects.filter(action="cases.listed").latest("pk")
    assert (event.actor, event.on_behalf_of) == (world["manager"].user, world["rosa"].user)


@pytest.mark.parametrize("status", ["decertified", "suspended", "expired", "pending"])
def test_an_agent_not_certified_finds_nothing(client, world, status):
    Agent.objects.filter(pk=world["rosa"].pk).update(certification_status=status)
    sign_in(client, world["rosa"].user)
    page = client.get("/search/", {"q": "Quillfeather"})
    assert found(page) == ([], [])
    html = page.content.decode()
    assert "7100000001" not in html and "Quillfeather," not in html, "the query is repeated, never a case"
    assert "Araceli" not in html and "You see no consumers' cases in your role." in html


def test_a_manager_no_longer_certified_finds_agents_but_no_case(client, world):
    Agent.objects.filter(pk=world["manager"].pk).update(certification_status="decertified")
    sign_in(client, world["manager"].user)
    assert found(client.get("/search/", {"q": "Quillfeather"}))[0] == []
    assert found(client.get("/search/", {"q": "Delgado"}))[1] == ["0R12345"], "the roster stays the manager's"


def test_admin_staff_search_what_their_grants_show(client, world):
    agency = world["agency"]
    sign_in(client, admin_staff_in(agency, can_view_book=True))
    assert found(client.get("/search/", {"q": "Quillfeather"})) == (["7100000001", "7100000002"], [])
    sign_in(client, admin_staff_in(agency, can_view_roster=True))
    assert found(client.get("/search/", {"q": "Delgado"})) == ([], ["0R12345"])
    assert client.get("/search/", {"q": "Quillfeather"}).context["cases"] is None
    sign_in(client, admin_staff_in(agency))
    assert client.get("/search/", {"q": "Quillfeather"}).status_code == 403
    assert 'role="search"' not in client.get("/agency/").content.decode(), "no box for one who could find nothing"


def test_the_box_is_on_every_signed_in_page_of_those_who_may_search(client, world):
    sign_in(client, world["rosa"].user)
    for url in ("/today/", "/delegations/mine/", "/book/", "/agent/profile/", "/help/"):
        html = client.get(url).content.decode()
        assert 'action="/search/"' in html and 'name="q" maxlength="100"' in html, url
    client.logout()
    assert 'action="/search/"' not in client.get("/find-local-help/").content.decode(), "a consumer has no box"
    response = client.get("/search/", {"q": "Quillfeather"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_cases_listed_are_audited_without_the_words_searched(client, world, caplog):
    sign_in(client, world["manager"].user)
    with caplog.at_level(logging.DEBUG):
        client.get("/search/", {"q": "Quillfeather"})
    event = AuditEvent.objects.get(action="cases.listed")
    assert event.details == {"view": "search", "page": 1, "cases": ["7100000001", "7100000002"]}
    assert event.actor == world["manager"].user
    assert "Quillfeather" not in str(AuditEvent.objects.values_list("details", "object_label"))
    assert "Quillfeather" not in caplog.text, "the words searched are not logged"
    client.get("/search/", {"q": "Delgado"})
    assert AuditEvent.objects.filter(action="cases.listed").latest("pk").details["cases"] == []


def test_html_in_the_query_is_escaped(client, world):
    sign_in(client, world["manager"].user)
    page = client.get("/search/", {"q": '<script>alert("x")</script>'})
    html = page.content.decode()
    assert page.status_code == 200 and "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("q", ["Q", "Qu", "71", "7 1", "Li Wu", "   "])
def test_too_short_a_query_gives_a_hint_and_reads_no_case(client, world, q):
    sign_in(client, world["manager"].user)
    client.get("/search/")  # the page frame's outage notices, read once a minute
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/search/", {"q": q})
    assert page.status_code == 200 and page.context["cases"] is None and page.context["agents"] is None
    assert not [query for query in queries if "consumers_consumercase" in query["sql"]], "no query of the book"
    html = page.content.decode()
    if q.strip():
        assert "Type at least 3 letters of a name, or 3 digits of a case number." in html
        assert f'value="{q}"' in html, "the query is kept in its box"
    else:
        assert "Type a case number, a consumer's name, an agent's name" in html
    assert not AuditEvent.objects.filter(action="cases.listed").exists()


def test_an_over_long_query_is_refused_with_a_message(client, world):
    sign_in(client, world["manager"].user)
    page = client.get("/search/", {"q": "Quillfeather " * 10})
    assert page.status_code == 200 and page.context["cases"] is None
    assert "Ensure this value has at most 100 characters" in page.content.decode()
    assert not AuditEvent.objects.filter(action="cases.listed").exists()


def test_search_is_read_only(client, world):
    sign_in(client, world["manager"].user)
    assert client.post("/search/", {"q": "Quillfeather"}).status_code == 405


def test_many_matches_list_twenty_and_link_to_all_of_them_in_the_book(client, world, settings):
    agency, rosa = world["agency"], world["rosa"]
    for n in range(25):
        case_for(rosa, agency, first_name=f"Zora{n:02d}", last_name="Quillfeather")
    sign_in(client, world["manager"].user)
    page = client.get("/search/", {"q": "Quillfeather"})
    assert len(page.context["cases"].object_list) == 20
    html = page.content.decode()
    assert "See all 27 in the Book of Business" in html and 'href="/book/?q=Quillfeather"' in html
    settings.SEARCH_COUNT_UP_TO = 24
    assert "See more than 24 in the Book of Business" in client.get("/search/", {"q": "Quillfeather"}).content.decode()
    pending = client.get("/search/", {"q": "7100000001"}).content.decode()
    assert 'href="/agency/delegations/?status=pending&amp;q=7100000001"' in pending, "the queue, for the manager"


def test_the_results_take_the_same_queries_for_two_matches_as_for_sixty(client, world):
    def queries(q):
        client.get("/search/", {"q": q})  # the page frame's outage notices, read once a minute
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": q}).status_code == 200
        return len(captured)

    sign_in(client, world["manager"].user)
    few = {q: queries(q) for q in ("Quillfeather", "71000", "Lindqvist")}
    for n in range(60):
        case_for(world["rosa" if n % 2 else "li"], world["agency"], first_name=f"Ysolde{n}", last_name="Quillfeather",
                 case_number=f"71000{n + 10:05d}")  # fmt: skip
        agent_in(world["agency"], first_name=f"Ulric{n}", last_name="Lindqvist")
    assert {q: queries(q) for q in few} == few


def test_a_name_search_is_sorted_on_written_expressions_and_a_number_search_along_the_case_number(world):
    """At a million cases the trigram indexes find the few names that match, and the database sorts just those;
    a sort that follows an index would walk most of the cases first (see sort_book). A number's start is read along
    the case number's index, in its order, stopping after the rows counted."""
    from bookofbusiness.selectors import filtered_book

    by_name = filtered_book(world["manager"].user, filters={"q": "Quill", "sort": "name"}, searched=True)
    sql = str(by_name.values("pk").query)
    assert "CONCAT" in sql.upper() or "||" in sql, sql
    by_number = filtered_book(world["manager"].user, filters={"q": "71000", "sort": "case"})
    sql, params = by_number.values("pk").query.sql_with_params()
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql + " LIMIT 1001", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Sort Key" not in plan and "case_number" in plan, plan
