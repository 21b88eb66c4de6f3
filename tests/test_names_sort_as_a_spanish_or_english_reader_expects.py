"""People's names sort as a reader of Spanish or English expects: "Ávila" with the A's, not after "Willis"; "Ñúñez"
after the N's; lower and upper case together. In the Book of Business, the roster, and wherever names are listed."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from portal.collation import name_sort_key

from .book_support import case_for
from .factories import agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db

SURNAMES = ["Ávila", "Álvarez", "Zamora", "Willis", "Ñúñez", "Nava", "de la Cruz", "Nuñez", "Oakes", "Ortiz"]
EXPECTED = ["Álvarez", "Ávila", "de la Cruz", "Nava", "Nuñez", "Ñúñez", "Oakes", "Ortiz", "Willis", "Zamora"]


@pytest.fixture
def agency():
    agency, manager = agency_with_manager()
    manager.first_name, manager.last_name = "Ottoline", "Abbott"  # first on the roster, whatever Faker says
    manager.save()
    return agency, manager


def test_the_book_of_business_sorts_accented_names_with_their_letter(client, agency):
    agency, manager = agency
    agent = agent_in(agency, first_name="Quintessa", last_name="Pendergrass")
    for surname in SURNAMES:
        case_for(agent, agency, first_name="Quintessa", last_name=surname)
    sign_in(client, manager.user)

    def surnames(**params):
        return [row.case.last_name for row in client.get("/book/", params).context["page"].object_list]

    assert surnames() == EXPECTED
    assert surnames(sort="name") == EXPECTED
    assert surnames(sort="-name") == EXPECTED[::-1]
    # A searched book is sorted on the same values written as expressions: the same order.
    assert surnames(q="Quintessa") == EXPECTED


def test_the_roster_sorts_accented_names_with_their_letter(client, agency):
    agency, manager = agency
    for surname in SURNAMES:
        agent_in(agency, first_name="Quintessa", last_name=surname)
    sign_in(client, manager.user)
    rows = client.get("/agency/agents/").context["page"].object_list
    assert [agent.last_name for agent in rows] == ["Abbott", *EXPECTED]
    rows = client.get("/agency/agents/", {"sort": "-name"}).context["page"].object_list
    assert [agent.last_name for agent in rows] == [*EXPECTED[::-1], "Abbott"]


def test_python_sorts_agree_with_the_database():
    """Where names are sorted in Python (and on SQLite, which uses the same key), the order is PostgreSQL's."""
    names = [*SURNAMES, "avila", "Avila", "AVILA", "O'Brien", "Obrien", "Ñandú", "Nyberg", "Ángel", "Angel", "Éclair"]
    with connection.cursor() as cursor:
        cursor.execute('SELECT n FROM unnest(%s::text[]) AS n ORDER BY n COLLATE "portal_names"', [names])
        database_order = [row[0] for row in cursor.fetchall()]
    assert sorted(names, key=name_sort_key) == database_order


def test_sqlite_connections_sort_names_the_same_way():
    """`make run` uses SQLite: its connections get the collation the name columns are declared with."""
    sqlite = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {},
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "AUTOCOMMIT": True,
        }  # fmt: skip
    )
    try:
        with sqlite.cursor() as cursor:
            cursor.execute('CREATE TABLE people (last_name varchar(100) COLLATE "portal_names")')
            cursor.executemany("INSERT INTO people VALUES (%s)", [(name,) for name in SURNAMES])
            cursor.execute("CREATE INDEX people_name ON people (last_name)")
            cursor.execute("SELECT last_name FROM people ORDER BY last_name")
            assert [row[0] for row in cursor.fetchall()] == EXPECTED
    finally:
        sqlite.close()
