"""A transfer between an agency's agents is not a new consent: each transferred delegation's record continues the
one before it, keeping when and by whom the consumer consented, and the case page shows the chain back to the
consumer's own words, to the new helper and their manager."""

import pytest

from delegations import services
from delegations.models import Consent, Delegation

from .factories import ConsumerCaseFactory, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_each_transfer_continues_the_consent_before_it(client, world):
    case = ConsumerCaseFactory(first_name="Ofelia", last_name="Quan")
    first = delegate(case, agent=world["agent"], agency=world["agency"])
    original = first.consent
    second_agent, third_agent = (
        agent_in(world["agency"], last_name="Segundo"),
        agent_in(world["agency"], last_name="Tercero"),
    )
    manager = world["manager"].user
    services.transfer_delegations(by=manager, agency=world["agency"], from_agent=world["agent"], to_agent=second_agent)
    services.transfer_delegations(by=manager, agency=world["agency"], from_agent=second_agent, to_agent=third_agent)
    now_held = Delegation.objects.get(case=case, status="active")
    chain = [now_held.consent, now_held.transferred_from.consent, original]
    assert chain[0].continues == chain[1] and chain[1].continues == original
    assert [c.channel for c in chain[:2]] == [Consent.Channel.TRANSFER] * 2
    assert {c.consented_at for c in chain} == {original.consented_at}, "when the consumer consented is kept"
    assert {c.consented_by for c in chain} == {"Ofelia Quan"}
    assert chain[0].recorded_by == manager and chain[0].agent == third_agent
    assert "Segundo" in chain[0].covers and "Tercero" in chain[0].covers

    for reader in (third_agent.user, manager):
        sign_in(client, reader)
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert 'id="consent-heading"' in page
        assert page.count('class="consent"') == 3, "the whole chain"
        assert page.index("Tercero") < page.index("By sending this request you allow"), "newest first"


def test_a_delegation_with_no_consent_record_is_not_transferred_without_one(world):
    delegate(agent=world["agent"], agency=world["agency"], consent=False)
    other = agent_in(world["agency"])
    with pytest.raises(services.DelegationError):
        services.transfer_delegations(by=world["manager"].user, agency=world["agency"], from_agent=world["agent"],
                                      to_agent=other)  # fmt: skip
    assert not Delegation.objects.filter(agent=other).exists(), "nothing moved half-way"


def test_a_consent_given_in_english_says_so_on_a_spanish_page(client, world):
    held = delegate(agent=world["agent"], agency=world["agency"])
    sign_in(client, world["manager"].user)
    client.cookies["django_language"] = "es"
    page = client.get(f"/cases/{held.case_id}/").content.decode()
    assert "Las palabras tal como se mostraron (Inglés):" in page
    assert '<blockquote class="consent-words" lang="en">By sending this request' in page
