"""A signed-in consumer chooses a helper from Find Local Help with no access code (Pending until the helper accepts,
with the consent recorded as given signed in), and in Manage delegates removes one: the delegation ends at once, the
helper is refused the case at their next request and is told, nothing else of the case changes."""

import pytest

from delegations.models import Consent, Delegation
from delegations.services import accept_delegation
from portal.models import AuditEvent, MailboxMessage

from .factories import agent_in, consumer, consumer_signed_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(household):
    person = consumer(household["case"])
    return {**household, "person": person, "client": consumer_signed_in(person)}


def test_a_signed_in_consumer_asks_a_helper_with_no_access_code(mine):
    url = f"/find-local-help/{mine['helper'].pk}/request/"
    page = mine["client"].get(url).content.decode()
    assert "Access code" not in page and "By sending this request you allow Rosa Delgado of Golden Bear" in page
    response = mine["client"].post(url)
    assert "Your request was sent" in response.content.decode()
    request = Delegation.objects.get(case=mine["case"])
    assert (request.status, request.agent) == ("pending", mine["helper"])
    record = Consent.objects.get(delegation=request)
    assert (record.channel, record.recorded_by, record.consented_by) == (
        "signed_in", mine["person"], "Quintessa Vandermolen")  # fmt: skip
    assert MailboxMessage.objects.get(recipient=mine["helper"].user).subject == "A consumer asked for your help"
    assert mine["client"].get("/my-case/helpers/").content.decode().count("Pending") >= 1
    assert "access_code.used" not in AuditEvent.objects.values_list("action", flat=True), "no code was asked"


def test_a_second_request_while_one_is_open_is_refused_with_the_way_to_change(mine):
    delegate(mine["case"], agent=mine["helper"], agency=mine["agency"])
    other = agent_in(mine["agency"])
    other.subsite_locations.add(*mine["helper"].subsite_locations.all())
    url = f"/find-local-help/{other.pk}/request/"
    page = mine["client"].get(url).content.decode()
    assert "Rosa Delgado is your helper now." in page and "Manage delegates" in page
    mine["client"].post(url)
    assert Delegation.objects.filter(case=mine["case"], agent=other).count() == 0


def test_removing_the_helper_ends_the_delegation_at_once_and_tells_them(mine):
    held = delegate(mine["case"], agent=mine["helper"], agency=mine["agency"])
    helper_browser = sign_in(consumer_signed_in(mine["helper"].user), mine["helper"].user)
    assert helper_browser.get(f"/cases/{mine['case'].pk}/").status_code == 200
    before = mine["case"].__class__.objects.filter(pk=mine["case"].pk).values().get()
    response = mine["client"].post(f"/my-case/helpers/{held.pk}/remove/", follow=True)
    assert "Rosa Delgado is no longer your helper" in response.content.decode()
    held.refresh_from_db()
    assert (held.status, held.end_reason) == ("ended", "consumer_request")
    assert helper_browser.get(f"/cases/{mine['case'].pk}/").status_code == 404, "refused at their next request"
    told = MailboxMessage.objects.filter(recipient=mine["helper"].user, subject="A delegation ended").get()
    assert "Consumer asked to remove the helper" in told.body
    after = mine["case"].__class__.objects.filter(pk=mine["case"].pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"}, "nothing of the case changes"  # fmt: skip
    assert AuditEvent.objects.filter(action="delegation.ended", actor=mine["person"]).exists()
    # And the consumer may choose another.
    assert "Send my request" in mine["client"].get(f"/find-local-help/{mine['helper'].pk}/request/").content.decode()


def test_a_pending_request_is_withdrawn_and_cannot_then_be_accepted(mine):
    mine["client"].post(f"/find-local-help/{mine['helper'].pk}/request/")
    request = Delegation.objects.get(case=mine["case"])
    response = mine["client"].post(f"/my-case/helpers/{request.pk}/remove/", follow=True)
    assert "Your request to Rosa Delgado was withdrawn." in response.content.decode()
    from delegations.services import DelegationError

    with pytest.raises(DelegationError):
        accept_delegation(delegation=request, by=mine["helper"].user)


def test_removing_twice_says_it_already_ended(mine):
    held = delegate(mine["case"], agent=mine["helper"], agency=mine["agency"])
    mine["client"].post(f"/my-case/helpers/{held.pk}/remove/")
    again = mine["client"].post(f"/my-case/helpers/{held.pk}/remove/", follow=True).content.decode()
    assert "This delegation has already ended." in again
    assert AuditEvent.objects.filter(action="delegation.ended").count() == 1


def test_another_cases_delegation_cannot_be_removed(mine):
    theirs = delegate(agent=mine["helper"], agency=mine["agency"])
    assert mine["client"].post(f"/my-case/helpers/{theirs.pk}/remove/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "active"


def test_removing_needs_a_post(mine):
    held = delegate(mine["case"], agent=mine["helper"], agency=mine["agency"])
    assert mine["client"].get(f"/my-case/helpers/{held.pk}/remove/").status_code == 405


def test_the_consumer_is_told_in_their_secure_mailbox_when_the_helper_answers_or_leaves(mine):
    from delegations.services import decline_delegation, end_delegation

    mine["client"].post(f"/find-local-help/{mine['helper'].pk}/request/")
    request = Delegation.objects.get(case=mine["case"])
    accept_delegation(delegation=request, by=mine["helper"].user)
    told = MailboxMessage.objects.filter(recipient=mine["person"]).order_by("pk")
    assert told.last().subject == "Rosa Delgado accepted your request for help"
    end_delegation(delegation=request, by=mine["manager"].user, reason="agent_inactive")
    assert told.last().subject == "Your helper no longer helps with your case"
    assert "Agent no longer active" in told.last().body
    mine["client"].post(f"/find-local-help/{mine['helper'].pk}/request/")
    decline_delegation(delegation=Delegation.objects.get(case=mine["case"], status="pending"),
                       by=mine["helper"].user, reason="I do not cover your county")  # fmt: skip
    assert told.last().subject == "Rosa Delgado declined your request for help"
    assert "I do not cover your county" in told.last().body
    mine["client"].cookies["django_language"] = "es"
    assert "aceptó su solicitud de ayuda" in mine["client"].get("/mailbox/").content.decode()


def test_a_consumer_who_enrolled_a_second_factor_verifies_it_before_asking(mine):
    from .factories import verified_device

    verified_device(mine["person"])
    response = mine["client"].post(f"/find-local-help/{mine['helper'].pk}/request/")
    assert response.status_code == 302 and response["Location"].startswith("/security/two-factor/verify/")
    assert not Delegation.objects.filter(case=mine["case"]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_request_withdrawn_while_the_helper_accepts_it_ends_either_way_never_left_active(household):
    from consumers.services import remove_helper, request_help_signed_in
    from delegations.services import DelegationError

    from .concurrency_support import at_once

    person = consumer(household["case"])
    request = request_help_signed_in(user=person, agent=household["helper"])
    outcomes = at_once([
        lambda: remove_helper(user=person, delegation=request),
        lambda: accept_delegation(delegation=request, by=household["helper"].user),
    ])  # fmt: skip
    request.refresh_from_db()
    assert request.status == "ended", outcomes  # withdrawn first (the accept refused), or accepted then removed
    assert not isinstance(outcomes[0], Exception), outcomes
    assert isinstance(outcomes[1], (Delegation, DelegationError)), outcomes


def test_a_consumer_whose_helper_staff_removed_on_their_call_is_told(mine):
    from delegations.services import end_delegation

    from .factories import UserFactory

    held = delegate(mine["case"], agent=mine["helper"], agency=mine["agency"])
    end_delegation(delegation=held, by=UserFactory(is_staff=True), reason="consumer_request")
    assert MailboxMessage.objects.get(recipient=mine["person"]).subject == "Your helper no longer helps with your case"
