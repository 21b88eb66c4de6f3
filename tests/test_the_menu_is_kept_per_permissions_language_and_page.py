"""The menu is rendered once per process for each set of permissions, language and current menu item, and kept:
so each person still sees exactly their own menu, in their language, with the page they are on marked."""

import re

import pytest
from django.test import Client

from agents.services import set_certification

from .factories import UserFactory, agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db


def menu(client, path="/help/") -> str:
    page = client.get(path).content.decode()
    return re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)


def current(nav: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)<', nav)


@pytest.fixture
def people():
    agency, manager = agency_with_manager()
    agent = agent_in(agency)
    return {
        "manager": sign_in(Client(), manager.user),
        "agent": sign_in(Client(), agent.user),
        "manager_agent": manager,
    }


def test_each_person_sees_their_own_menu_whoever_came_first(people):
    managers, agents = menu(people["manager"]), menu(people["agent"])
    assert "Book of Business" in managers and ">Agents<" in managers
    assert ">Agents<" not in agents and "My Delegations" in agents
    assert menu(people["manager"]) == managers and menu(people["agent"]) == agents


def test_the_page_one_is_on_is_marked_and_only_it(people):
    assert current(menu(people["manager"], "/book/")) == ["Book of Business"]
    assert current(menu(people["manager"], "/agency/agents/")) == ["Agents"]
    assert current(menu(people["manager"], "/help/")) == []


def test_the_menu_speaks_the_readers_language(people):
    english = menu(people["manager"])
    people["manager"].cookies["django_language"] = "es"
    spanish = menu(people["manager"])
    assert "Cartera de Clientes" in spanish and "Book of Business" not in spanish
    assert "Book of Business" in english


def test_a_decertified_manager_loses_the_book_from_the_menu_at_the_next_page(people):
    assert "Book of Business" in menu(people["manager"])
    set_certification(agent=people["manager_agent"], status="decertified", by=UserFactory(is_staff=True),
                      reason="complaint")  # fmt: skip
    assert "Book of Business" not in menu(people["manager"])
