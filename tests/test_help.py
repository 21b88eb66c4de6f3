"""Help: service centers' hours and numbers, and a page per area written for agents, open to everyone."""

import pytest

from portal.views import HELP_TOPICS

pytestmark = pytest.mark.django_db


def test_the_help_index_lists_the_service_centers_and_every_topic(client):
    page = client.get("/help/").content.decode()
    assert "877-453-9198" in page and "855-777-6782" in page and "8:00 a.m. to 6:00 p.m." in page
    for slug, title in HELP_TOPICS.items():
        assert f'href="/help/{slug}/"' in page and str(title) in page


@pytest.mark.parametrize("slug", list(HELP_TOPICS))
def test_each_help_topic_has_its_page(client, slug):
    response = client.get(f"/help/{slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 id="topic-heading">{HELP_TOPICS[slug]}</h1>' in page
    assert 'aria-current="page"' in page and page.count("<h2>") >= 2


def test_an_unknown_topic_is_not_found(client):
    assert client.get("/help/nothing-here/").status_code == 404
