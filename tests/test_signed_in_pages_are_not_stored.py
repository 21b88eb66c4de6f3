"""No browser or proxy keeps what a signed-in person was shown: every signed-in answer is private, no-store."""

import pytest

from .extranet_support import MONDAY, active_account, extranet_client
from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def not_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_every_page_with_consumer_data_and_every_other_signed_in_page_is_no_store(client):
    agency, manager = agency_with_manager()
    case = delegate(agent=agent_in(agency), agency=agency).case
    sign_in(client, manager.user)
    for url in (f"/cases/{case.pk}/", "/book/", "/delegations/mine/", "/agency/delegations/", "/agency/", "/help/",
                "/mailbox/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and not_stored(response), url


def test_public_pages_for_someone_not_signed_in_may_be_cached(client):
    assert not not_stored(client.get("/help/"))


@pytest.mark.frozen_at(MONDAY)
def test_the_extranet_file_list_is_no_store():
    agency, manager = agency_with_manager()
    response = extranet_client(active_account(manager)).get("/extranet/")
    assert response.status_code == 200 and not_stored(response)
