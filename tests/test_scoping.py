"""What each person may see starts from one selector per kind of object."""

import pytest

from agencies.models import Membership
from agencies.selectors import agencies_for
from agents.selectors import agents_for, roster_for
from consumers.selectors import cases_for
from delegations.models import Delegation
from delegations.selectors import delegations_for

from .factories import (
    AgentFactory,
    ConsumerCaseFactory,
    UserFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies():
    ours, manager = agency_with_manager(public_name="Ours")
    theirs, their_manager = agency_with_manager(public_name="Theirs")
    our_agent, their_agent = agent_in(ours), agent_in(theirs)
    our_case = delegate(agent=our_agent, agency=ours).case
    their_case = delegate(agent=their_agent, agency=theirs).case
    return locals()


def test_manager_sees_only_their_agencys_agents_and_cases(two_agencies):
    w = two_agencies
    user = w["manager"].user
    assert set(agents_for(user)) == {w["manager"], w["our_agent"]}
    assert set(cases_for(user)) == {w["our_case"]}
    assert list(agencies_for(user)) == [w["ours"]]


def test_manager_cannot_see_other_agencys_case(two_agencies):
    assert not cases_for(two_agencies["manager"].user).filter(pk=two_agencies["their_case"].pk).exists()


def test_agent_sees_only_cases_actively_delegated_to_them(two_agencies):
    w = two_agencies
    colleague = agent_in(w["ours"])
    colleagues_case = delegate(agent=colleague, agency=w["ours"]).case
    pending_case = delegate(agent=w["our_agent"], agency=w["ours"], status=Delegation.Status.PENDING).case
    visible = set(cases_for(w["our_agent"].user))
    assert visible == {w["our_case"]}
    assert colleagues_case not in visible and pending_case not in visible
    assert set(agents_for(w["our_agent"].user)) == {w["our_agent"]}


def test_admin_staff_see_cases_only_with_the_book_of_business_grant(two_agencies):
    w = two_agencies
    without = admin_staff_in(w["ours"], can_view_roster=True)
    assert not cases_for(without).exists()
    assert set(agents_for(without)) == {w["manager"], w["our_agent"]}
    other = UserFactory()
    Membership.objects.create(user=other, agency=w["ours"], role="admin_staff", can_view_book=True)
    assert set(cases_for(other)) == {w["our_case"]}
    assert not agents_for(other).exclude(user=other).exists()


def test_deactivated_agent_sees_nothing_of_the_old_agency(two_agencies):
    w = two_agencies
    membership = w["our_agent"].user.memberships.get()
    membership.status = Membership.Status.INACTIVE
    membership.save()
    user = w["our_agent"].user
    user.refresh_from_db()
    assert not cases_for(user).exists()
    assert not delegations_for(user).exists()
    assert not agencies_for(user).exists()


def test_unaffiliated_agent_sees_their_own_cases():
    agent = AgentFactory()
    case = delegate(agent=agent, agency=None).case
    assert list(cases_for(agent.user)) == [case]


def test_person_with_no_role_sees_nothing():
    ConsumerCaseFactory()
    user = UserFactory()
    assert not cases_for(user).exists()
    assert not agents_for(user).exists()
    assert not agencies_for(user).exists()


def test_roster_shows_each_agents_delegation_counts_in_one_query(client, django_assert_max_num_queries):
    agency, manager = agency_with_manager()
    for n in range(30):
        agent = agent_in(agency)
        for _ in range(n % 4):
            delegate(agent=agent, agency=agency)
    busiest = agent_in(agency, last_name="Zyzzyva")
    for _ in range(7):
        delegate(agent=busiest, agency=agency)
    delegate(agent=busiest, agency=agency, status=Delegation.Status.PENDING)
    rows = {a.pk: (a.active_delegations, a.pending_requests) for a in roster_for(manager.user)}
    assert rows[busiest.pk] == (7, 1)
    sign_in(client, manager.user)
    with django_assert_max_num_queries(13):  # the page, its counts, and the invitations waiting
        page = client.get("/agency/agents/")
    assert page.status_code == 200
    assert "Zyzzyva" in page.content.decode()


def test_roster_lists_other_agencies_agents_never(client, two_agencies):
    sign_in(client, two_agencies["manager"].user)
    page = client.get("/agency/agents/").content.decode()
    assert two_agencies["our_agent"].license_number in page
    assert two_agencies["their_agent"].license_number not in page


def test_agency_documents_are_seen_by_the_manager_and_granted_staff_only(two_agencies):
    from django.core.files.base import ContentFile

    from agencies.models import AgencyDocument
    from agencies.selectors import agency_documents_for

    w = two_agencies

    def document(agency):
        return AgencyDocument.objects.create(
            agency=agency, kind="license", file=ContentFile(b"%PDF-1.7", "l.pdf"), original_name="license.pdf",
            content_type="application/pdf", size=8, sha256="b" * 64,
        )  # fmt: skip

    ours, theirs = document(w["ours"]), document(w["theirs"])
    assert list(agency_documents_for(w["manager"].user)) == [ours]
    assert list(agency_documents_for(admin_staff_in(w["ours"], can_edit_account=True))) == [ours]
    assert not agency_documents_for(admin_staff_in(w["ours"], can_view_roster=True)).exists()
    assert not agency_documents_for(w["our_agent"].user).exists()
    assert theirs in agency_documents_for(UserFactory(is_staff=True))


def test_case_documents_follow_the_cases_a_person_may_see(two_agencies):
    from django.core.files.base import ContentFile

    from consumers.models import CaseDocument
    from consumers.selectors import case_documents_for

    w = two_agencies

    def document(case):
        return CaseDocument.objects.create(
            case=case, kind="income", file=ContentFile(b"%PDF-1.7", "i.pdf"), original_name="paystub.pdf",
            content_type="application/pdf", size=8, sha256="c" * 64,
        )  # fmt: skip

    ours, theirs = document(w["our_case"]), document(w["their_case"])
    assert list(case_documents_for(w["our_agent"].user)) == [ours]
    assert list(case_documents_for(w["manager"].user)) == [ours]
    assert theirs not in case_documents_for(w["manager"].user)
