"""An Agency Manager acts on behalf of an agent of the agency, audited as both, and stops; never for another agency's."""

import pytest

from delegations.models import ActingOnBehalf
from portal.models import AuditEvent

from .cases_support import actions
from .factories import agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_manager_acts_on_behalf_of_an_agent_and_stops(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["manager"].user)
    client.post(f"/delegations/acting/{world['agent'].pk}/start/")
    page = client.get("/delegations/mine/").content.decode()
    assert "Acting on behalf of Rosa Delgado" in page and case.case_number in page
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    event = AuditEvent.objects.get(action="case.renewal_recorded")
    assert (event.actor, event.on_behalf_of) == (world["manager"].user, world["agent"].user)
    client.post("/delegations/acting/stop/")
    assert "Acting on behalf" not in client.get("/agency/").content.decode()
    acting = ActingOnBehalf.objects.get()
    assert acting.ended_at is not None
    assert {"acting.started", "acting.stopped"} <= set(actions())


def test_acting_on_behalf_ends_at_sign_out(client, world):
    sign_in(client, world["manager"].user)
    client.post(f"/delegations/acting/{world['agent'].pk}/start/")
    client.post("/accounts/logout/")
    assert ActingOnBehalf.objects.get().ended_at is not None


def test_acting_on_behalf_is_only_for_the_agencys_own_agents(client, world):
    other_agency, _ = agency_with_manager()
    stranger = agent_in(other_agency)
    sign_in(client, world["manager"].user)
    assert client.post(f"/delegations/acting/{stranger.pk}/start/").status_code == 404
    sign_in(client, world["agent"].user)
    assert client.post(f"/delegations/acting/{world['manager'].pk}/start/").status_code == 403
    assert not ActingOnBehalf.objects.exists()
