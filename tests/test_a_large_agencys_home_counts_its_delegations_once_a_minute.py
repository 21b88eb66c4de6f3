"""The agency home of a large agency counts its delegations once a minute (as the Book of Business counts its
rows), not on every view; a small agency's is counted exactly on every view."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def active_shown(client) -> int:
    page = client.get("/agency/").content.decode()
    return int(re.search(r"(\d+)\s*</[^>]+>\s*<[^>]+>\s*Active delegations", page).group(1))


@pytest.fixture
def agency(client):
    agency, manager = agency_with_manager()
    agent = agent_in(agency)
    for _ in range(4):
        delegate(agent=agent, agency=agency)
    sign_in(client, manager.user)
    return {"agency": agency, "agent": agent}


def counts(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/agency/")
    return [q["sql"] for q in queries if 'FROM "delegations_delegation"' in q["sql"] and "COUNT(" in q["sql"]
            and '"delegations_delegation"."status" = ' in q["sql"] and "FILTER" in q["sql"]]  # fmt: skip


def test_a_large_agency_counts_once_a_minute(client, agency, settings, monkeypatch):
    from django.core.cache import cache

    settings.BOOK_COUNT_CACHE_FROM = 3
    kept = {}
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value, timeout=None: kept.update({key: timeout})
                        or real_set(key, value, timeout))  # fmt: skip
    assert active_shown(client) == 4
    delegate(agent=agency["agent"], agency=agency["agency"])
    assert counts(client) == [], "kept"
    assert active_shown(client) == 4, "a minute's count at most"
    assert [timeout for key, timeout in kept.items() if key.startswith("counted:")] == [60]


def test_a_small_agency_is_counted_exactly_every_time(client, agency, settings):
    settings.BOOK_COUNT_CACHE_FROM = 2000
    assert active_shown(client) == 4
    delegate(agent=agency["agent"], agency=agency["agency"])
    assert active_shown(client) == 5
    assert counts(client), "counted on every view"
