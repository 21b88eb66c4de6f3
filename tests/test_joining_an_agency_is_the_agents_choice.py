"""Joining an agency is an invitation the agent accepts (the seeds' Agency Agreement): a manager who knows a
license number and a last name (both public) can no longer claim an agent, nor bring a former agent back, without
the agent's yes; until then nothing of theirs changes (issue 16, finding 8)."""

import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.test import Client

from agencies.models import AgencyInvitation, Membership
from agents.models import Language
from agents.services import AgentError, accept_agency_invitation, set_agent_status
from delegations.models import Delegation
from portal.models import AuditEvent, MailboxMessage

from .factories import AgencyLocationFactory, AgentFactory, agency_with_manager, agent_in, delegate, invite, sign_in

pytestmark = pytest.mark.django_db


def add_new_agent(client, agency, **fields):
    location = AgencyLocationFactory(agency=agency)
    data = {"license_number": fields["license_number"], "last_name": fields["last_name"], "first_name": "Any",
            "email": "claim@example.com", "phone": "916 555 0100", "subsite_locations": [location.pk],
            "languages": [Language.objects.get(code="es").pk], "biography": "Written by the agency."}  # fmt: skip
    return client.post("/agency/agents/add/", data, follow=True)


@pytest.fixture
def unaffiliated():
    """A certified agent in no agency, with a case of their own."""
    agent = AgentFactory(license_number="0M12345", last_name="Moreno", biography="My own words.")
    delegate(agent=agent, agency=None)
    return agent


def test_a_manager_who_knows_the_license_and_last_name_only_invites(unaffiliated, django_capture_on_commit_callbacks):
    agency, manager = agency_with_manager(public_name="Claimant Agency")
    client = sign_in(Client(), manager.user)
    before = Client()
    sign_in(before, unaffiliated.user)
    own_book = before.get("/delegations/mine/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = add_new_agent(client, agency, license_number="0M12345", last_name="moreno").content.decode()
    assert "they were invited to join your agency" in page
    assert not Membership.objects.filter(user=unaffiliated.user).exists(), "no membership until they accept"
    unaffiliated.refresh_from_db()
    assert unaffiliated.biography == "My own words." and not unaffiliated.languages.exists()
    assert not unaffiliated.subsite_locations.exists()
    assert client.get(f"/agency/agents/{unaffiliated.pk}/").status_code == 404, "not on the roster yet"
    after = before.get("/delegations/mine/").content.decode()
    assert "Claimant Agency invites you to join it" in after
    assert own_book.count("<tr>") == after.count("<tr>"), "their own book is still theirs"
    assert MailboxMessage.objects.filter(recipient=unaffiliated.user, subject__contains="Claimant Agency").exists()
    assert [m.to[0] for m in mail.outbox] == [unaffiliated.user.email]
    assert AuditEvent.objects.filter(action="agent.invited", object_id=str(unaffiliated.pk)).exists()


def test_the_agent_reads_the_agreement_and_accepts_or_declines(unaffiliated, django_capture_on_commit_callbacks):
    agency, manager = agency_with_manager(public_name="Claimant Agency")
    invitation = invite(unaffiliated, agency=agency, by=manager.user)
    client = sign_in(Client(), unaffiliated.user)
    page = client.get(f"/agent/invitations/{invitation.pk}/").content.decode()
    assert "Agency Agreement" in page and "act on your behalf" in page
    assert "the 1 consumer who delegated their case to you outside any agency" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/agent/invitations/{invitation.pk}/", {"answer": "decline"})
    assert not Membership.objects.filter(user=unaffiliated.user).exists()
    assert MailboxMessage.objects.filter(recipient=manager.user, subject__contains="declined").exists()
    assert client.get(f"/agent/invitations/{invitation.pk}/").status_code == 404, "an answer is final"

    again = invite(unaffiliated, agency=agency, by=manager.user)
    own_case = Delegation.objects.get(agent=unaffiliated).case
    client.post(f"/agent/invitations/{again.pk}/", {"answer": "accept"})
    assert Membership.objects.get(user=unaffiliated.user).agency == agency
    assert Delegation.objects.get(agent=unaffiliated).agency == agency, "their consumers come with them"
    assert own_case.case_number in client.get("/delegations/mine/").content.decode(), "their book is still theirs"
    assert MailboxMessage.objects.filter(recipient=manager.user, subject__contains="joined your agency").exists()


def test_a_former_agent_comes_back_only_by_accepting():
    agency, manager = agency_with_manager()
    former = agent_in(agency)
    set_agent_status(agent=former, agency=agency, by=manager.user, active=False)
    client = sign_in(Client(), manager.user)
    assert client.post(f"/agency/agents/{former.pk}/status/", {"status": "active"}).status_code == 404
    with pytest.raises(AgentError):
        set_agent_status(agent=former, agency=agency, by=manager.user, active=True)
    page = add_new_agent(client, agency, license_number=former.license_number, last_name=former.last_name)
    assert "invited" in page.content.decode()
    assert former.user.memberships.get().status == "inactive"
    invitation = former.user.agency_invitations.get()
    sign_in(Client(), former.user).post(f"/agent/invitations/{invitation.pk}/", {"answer": "accept"})
    membership = former.user.memberships.get()
    assert membership.status == "active" and membership.ended_on is None


def test_only_the_invited_agent_answers(unaffiliated):
    agency, manager = agency_with_manager()
    invitation = invite(unaffiliated, agency=agency, by=manager.user)
    for user in (manager.user, agent_in(agency).user, AgentFactory().user):
        other = sign_in(Client(), user)
        assert other.get(f"/agent/invitations/{invitation.pk}/").status_code == 404
        assert other.post(f"/agent/invitations/{invitation.pk}/", {"answer": "accept"}).status_code == 404
    assert not Membership.objects.filter(user=unaffiliated.user).exists()


def test_a_manager_acting_on_behalf_cannot_accept_for_the_agent():
    agency, manager = agency_with_manager()
    agent = agent_in(agency)
    other, other_manager = agency_with_manager()
    client = sign_in(Client(), manager.user)
    assert client.post(f"/delegations/acting/{agent.pk}/start/").status_code == 302
    # Whatever the acting manager was invited to, the page answers only for the signed-in person, never the agent.
    invitation = invite(agent, agency=other, by=other_manager.user)
    assert client.get(f"/agent/invitations/{invitation.pk}/").status_code == 404


def test_a_withdrawn_or_expired_invitation_cannot_be_accepted(unaffiliated):
    agency, manager = agency_with_manager()
    withdrawn = invite(unaffiliated, agency=agency, by=manager.user)
    sign_in(Client(), manager.user).post(f"/agency/invitations/{withdrawn.pk}/withdraw/")
    withdrawn.refresh_from_db()
    assert withdrawn.outcome == "withdrawn"
    with pytest.raises(AgentError):
        accept_agency_invitation(invitation_id=withdrawn.pk, by=unaffiliated.user)
    expired = invite(unaffiliated, agency=agency, by=manager.user, days=-1)
    with pytest.raises(AgentError):
        accept_agency_invitation(invitation_id=expired.pk, by=unaffiliated.user)
    assert not Membership.objects.filter(user=unaffiliated.user).exists()


def test_another_agencys_manager_cannot_withdraw_our_invitation(unaffiliated):
    agency, manager = agency_with_manager()
    invitation = invite(unaffiliated, agency=agency, by=manager.user)
    _, stranger = agency_with_manager()
    assert sign_in(Client(), stranger.user).post(f"/agency/invitations/{invitation.pk}/withdraw/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_agent_active_elsewhere_cannot_accept():
    agency, manager = agency_with_manager()
    elsewhere, _ = agency_with_manager()
    agent = agent_in(elsewhere)
    invitation = invite(agent, agency=agency, by=manager.user)
    page = sign_in(Client(), agent.user).post(f"/agent/invitations/{invitation.pk}/", {"answer": "accept"})
    assert "You are active in another agency" in page.content.decode()
    assert agent.user.memberships.get(status="active").agency == elsewhere


@pytest.mark.django_db(transaction=True)
def test_two_invitations_accepted_at_once_make_one_active_agency():
    """Two agencies' invitations accepted at the same moment, on two PostgreSQL connections: at most one Active
    membership, and the other answer is a clear refusal, not an error."""
    agent = AgentFactory()
    invitations = []
    for _ in range(2):
        agency, manager = agency_with_manager()
        invitations.append(invite(agent, agency=agency, by=manager.user))
    barrier, outcomes = threading.Barrier(2), []

    def accept(invitation):
        close_old_connections()
        try:
            barrier.wait()
            accept_agency_invitation(invitation_id=invitation.pk, by=agent.user)
            outcomes.append("joined")
        except AgentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(invitation,)) for invitation in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["joined", "refused"]
    assert Membership.objects.filter(user=agent.user, status="active").count() == 1
    assert AgencyInvitation.objects.filter(user=agent.user, outcome="accepted").count() == 1


def test_an_agency_invites_an_agent_at_most_once_a_day(unaffiliated, django_capture_on_commit_callbacks):
    agency, manager = agency_with_manager()
    client = sign_in(Client(), manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        add_new_agent(client, agency, license_number="0M12345", last_name="Moreno")
        invitation = AgencyInvitation.objects.get(user=unaffiliated.user)
        client.post(f"/agency/invitations/{invitation.pk}/withdraw/")
        again = add_new_agent(client, agency, license_number="0M12345", last_name="Moreno").content.decode()
    assert "invited less than a day ago" in again
    assert AgencyInvitation.objects.filter(user=unaffiliated.user).count() == 1
    assert len([m for m in mail.outbox if "invites you" in m.subject]) == 1


def test_a_former_manager_invited_back_comes_back_as_an_agent_with_no_grants():
    agency, boss = agency_with_manager()
    former = AgentFactory()
    Membership.objects.create(user=former.user, agency=agency, role=Membership.Role.MANAGER, can_export_book=True)
    set_agent_status(agent=former, agency=agency, by=boss.user, active=False)
    membership = accept_agency_invitation(invitation_id=invite(former, agency=agency, by=boss.user).pk,
                                          by=former.user)  # fmt: skip
    membership.refresh_from_db()
    assert (membership.role, membership.can_export_book, membership.status) == ("agent", False, "active")
    assert sign_in(Client(), former.user).get("/agency/agents/add/").status_code == 403


def test_an_invitation_closes_when_its_agency_or_its_inviter_no_longer_qualifies(unaffiliated):
    agency, boss = agency_with_manager()
    invitation = invite(unaffiliated, agency=agency, by=boss.user)
    agency.certification_status = "decertified"
    agency.save()
    with pytest.raises(AgentError):
        accept_agency_invitation(invitation_id=invitation.pk, by=unaffiliated.user)
    other, other_boss = agency_with_manager()
    second = invite(unaffiliated, agency=other, by=other_boss.user)
    Membership.objects.filter(user=other_boss.user).update(status="inactive")
    with pytest.raises(AgentError):
        accept_agency_invitation(invitation_id=second.pk, by=unaffiliated.user)
    assert not Membership.objects.filter(user=unaffiliated.user).exists()


def test_a_license_number_alone_says_nothing_of_where_an_agent_works():
    agency, manager = agency_with_manager()
    elsewhere, _ = agency_with_manager()
    agent_in(elsewhere, license_number="0M54321", last_name="Secreto")
    page = add_new_agent(sign_in(Client(), manager.user), agency, license_number="0M54321",
                         last_name="WrongName").content.decode()  # fmt: skip
    assert "active in another agency" not in page and "another last name" in page


def test_add_new_agent_does_not_say_which_addresses_have_a_sign_in():
    from .factories import UserFactory

    agency, manager = agency_with_manager()
    staff = UserFactory(email="security.officer@marketplace.example", is_staff=True)
    client = sign_in(Client(), manager.user)
    location = AgencyLocationFactory(agency=agency)
    data = {"license_number": "0M99999", "last_name": "Nuevo", "first_name": "Ana", "email": staff.email,
            "phone": "916 555 0100", "subsite_locations": [location.pk]}  # fmt: skip
    page = client.post("/agency/agents/add/", data).content.decode()
    assert "already has a sign-in" not in page and "cannot be used for a new agent" in page


@pytest.mark.django_db(transaction=True)
def test_the_same_agent_added_twice_at_once_gets_one_invitation():
    """Two Add New Agent requests for one known agent on two PostgreSQL connections: one invitation, one e-mail's
    worth of notice, and a clear refusal for the other."""
    from agents.services import add_agent_to_agency

    agency, manager = agency_with_manager()
    known = AgentFactory(license_number="0M22222", last_name="Moreno")
    data = {"license_number": "0M22222", "last_name": "Moreno", "first_name": "Any", "email": "x@example.com"}
    barrier, outcomes = threading.Barrier(2), []

    def add():
        close_old_connections()
        try:
            barrier.wait()
            add_agent_to_agency(agency=agency, by=manager.user, data=data)
            outcomes.append("invited")
        except AgentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invited", "refused"]
    assert AgencyInvitation.objects.filter(user=known.user).count() == 1
    assert MailboxMessage.objects.filter(recipient=known.user).count() == 1
