"""Transfers between the agency's agents: all or chosen cases, in one transaction, with the chain kept."""

import pytest

from delegations.models import Delegation
from portal.models import AuditEvent

from .bulk_support import TRANSFER, review_and_confirm
from .factories import agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_a_transfer_that_fails_half_way_leaves_every_delegation_as_it_was(world, monkeypatch):
    from delegations import services

    other = agent_in(world["agency"])
    delegations = [delegate(agent=world["agent"], agency=world["agency"]) for _ in range(5)]

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Delegation.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        services.transfer_delegations(by=world["manager"].user, agency=world["agency"], from_agent=world["agent"],
                                      to_agent=other)  # fmt: skip
    for delegation in delegations:
        delegation.refresh_from_db()
        assert (delegation.status, delegation.agent, delegation.ended_at) == ("active", world["agent"], None)
    assert not Delegation.objects.filter(agent=other).exists()
    assert not AuditEvent.objects.filter(action="delegation.transferred").exists()


def test_a_transfer_of_chosen_cases_moves_only_those_and_keeps_the_chain(client, world):
    other = agent_in(world["agency"], last_name="Receiver")
    chosen, kept = (delegate(agent=world["agent"], agency=world["agency"]) for _ in range(2))
    sign_in(client, world["manager"].user)
    review_and_confirm(client, TRANSFER, {"to_agent": other.pk, "chosen": [chosen.pk], "filters": f"agent={world['agent'].pk}",
                                          "from_agent": world["agent"].pk})  # fmt: skip
    new = Delegation.objects.get(agent=other)
    assert new.transferred_from_id == chosen.pk and new.case_id == chosen.case_id
    kept.refresh_from_db()
    assert kept.status == "active" and kept.agent == world["agent"]
    page = client.get(f"/cases/{chosen.case_id}/").content.decode()
    assert "Transferred to another agent" in page and "Receiver" in page
