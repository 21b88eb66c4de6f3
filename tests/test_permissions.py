"""The permission layer: every person's state × every capability → allowed or not, read from current facts."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from agencies.models import Membership
from portal.permissions import (
    ADMIN_STAFF_GRANTS,
    Capability,
    UnknownCapability,
    may_act_on_behalf,
    may_hold_agency_cases,
    permissions_for,
)

from .factories import (
    AgencyFactory,
    AgentFactory,
    MembershipFactory,
    UserFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

C = Capability
MANAGER = {C.USE_AGENCY_PORTAL, C.VIEW_ROSTER, C.MANAGE_AGENTS, C.MANAGE_STAFF, C.VIEW_BOOK, C.EXPORT_BOOK,
           C.EDIT_ACCOUNT, C.REMIND_CONSUMERS, C.TRANSFER, C.ACT_ON_BEHALF, C.WORK_AGENCY_CASES, C.AGENCY_EXTRACTS,
           C.OWN_DELEGATIONS, C.VIEW_OWN_CASES, C.WORK_OWN_CASES, C.CHAT}  # fmt: skip
# Online Chat (CHAT) is every portal person's; its answering side is the service center's chat group's.
AGENT = {C.OWN_DELEGATIONS, C.EXPORT_BOOK, C.VIEW_OWN_CASES, C.WORK_OWN_CASES, C.CHAT}
UNCERTIFIED_AGENT = {C.OWN_DELEGATIONS, C.CHAT}


def person(state: str):
    agency = AgencyFactory()
    if state == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    if state.startswith("manager"):
        manager = AgentFactory(certification_status="decertified" if state == "manager_decertified" else "certified")
        MembershipFactory(user=manager.user, agency=agency, role=Membership.Role.MANAGER,
                          status="inactive" if state == "manager_inactive" else "active")  # fmt: skip
        return manager.user
    if state.startswith("staff"):
        grant = state.removeprefix("staff_")
        user = admin_staff_in(agency, **({grant: True} if grant in ADMIN_STAFF_GRANTS else {}))
        if state == "staff_removed":
            user.memberships.update(status="inactive")
        return user
    if state == "agent_inactive":
        agent = agent_in(agency)
        agent.user.memberships.update(status="inactive")
        return agent.user
    if state == "agent_unaffiliated":
        return AgentFactory().user
    if state.startswith("agent_"):
        return agent_in(agency, certification_status=state.removeprefix("agent_")).user
    if state == "service_center":
        return UserFactory(is_staff=True)
    if state == "no_role":
        return UserFactory()
    if state in ("chat_member", "chat_supervisor", "chat_group_not_staff"):
        from django.contrib.auth.models import Group

        user = UserFactory(is_staff=state != "chat_group_not_staff")
        user.groups.add(Group.objects.get(name="Service center: supervisor" if state == "chat_supervisor"
                                          else "Service center: chat"))  # fmt: skip
        return user
    raise AssertionError(state)


TABLE = {
    "anonymous": set(),
    "no_role": set(),
    "service_center": {C.SERVICE_CENTER},
    "chat_member": {C.SERVICE_CENTER, C.ANSWER_CHAT},
    "chat_supervisor": {C.SERVICE_CENTER, C.ANSWER_CHAT, C.READ_TRANSCRIPTS},
    # The chat group's permissions on an account that is not service-center staff give nothing.
    "chat_group_not_staff": set(),
    "manager": MANAGER,
    # Made Inactive, the manager is an agent of no agency: their own delegations outside any agency only.
    "manager_inactive": AGENT,
    # Decertified, the manager keeps the roster and the account (its consumer reminders too: a setting, no
    # consumer's data), and no consumer's data at all.
    "manager_decertified": {
        C.USE_AGENCY_PORTAL,
        C.VIEW_ROSTER,
        C.MANAGE_AGENTS,
        C.MANAGE_STAFF,
        C.EDIT_ACCOUNT,
        C.REMIND_CONSUMERS,
        C.OWN_DELEGATIONS,
        C.CHAT,
    },
    "staff_no_grants": {C.USE_AGENCY_PORTAL, C.CHAT},
    "staff_can_view_roster": {C.USE_AGENCY_PORTAL, C.VIEW_ROSTER, C.CHAT},
    "staff_can_view_book": {C.USE_AGENCY_PORTAL, C.VIEW_BOOK, C.CHAT},
    "staff_can_export_book": {C.USE_AGENCY_PORTAL, C.EXPORT_BOOK, C.CHAT},
    "staff_can_edit_account": {C.USE_AGENCY_PORTAL, C.EDIT_ACCOUNT, C.CHAT},
    "staff_removed": set(),
    "agent_certified": AGENT,
    "agent_unaffiliated": AGENT,
    "agent_inactive": AGENT,
    "agent_decertified": UNCERTIFIED_AGENT,
    "agent_suspended": UNCERTIFIED_AGENT,
    "agent_expired": UNCERTIFIED_AGENT,
    "agent_pending": UNCERTIFIED_AGENT,
}


@pytest.mark.parametrize("state", TABLE)
def test_each_state_may_do_exactly_its_capabilities(state):
    permissions = permissions_for(person(state))
    for capability in Capability:
        assert permissions.allows(capability) == (capability in TABLE[state]), (state, capability)


def test_asking_for_anything_but_a_capability_is_an_error_never_a_grant():
    manager = agency_with_manager()[1].user
    with pytest.raises(UnknownCapability):
        permissions_for(manager).allows("view_book")  # a string, not Capability.VIEW_BOOK
    with pytest.raises(UnknownCapability):
        permissions_for(manager).allows("delete_everything")
    with pytest.raises(UnknownCapability):
        Template("{% if may.veiw_book %}yes{% endif %}").render(Context({"may": permissions_for(manager).may}))
    assert Template("{% if may.view_book %}yes{% endif %}").render(Context({"may": permissions_for(manager).may}))


def test_a_request_reads_the_persons_facts_once_and_the_next_ones_keep_them_until_they_change(client):
    from portal import person

    agency, manager = agency_with_manager()
    agent_in(agency)
    sign_in(client, manager.user)
    client.get("/book/")  # once a minute the page frame reads the outage notices: not counted below

    def membership_reads():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/book/").status_code == 200
        return [q["sql"] for q in queries if 'FROM "agencies_membership"' in q["sql"] and "role" in q["sql"]
                and '"agencies_membership"."user_id" = ' in q["sql"]]  # fmt: skip

    assert membership_reads() == [], "kept from the request before"
    person.changed([manager.user.pk])  # what a change to the membership, the agent or the user does
    assert len(membership_reads()) == 1
    assert membership_reads() == []


def test_acting_on_behalf_needs_both_people_active_in_the_same_agency_now():
    agency, manager = agency_with_manager()
    agent = agent_in(agency)
    other_agency_agent = agent_in(AgencyFactory())
    assert may_act_on_behalf(permissions_for(manager.user), permissions_for(agent.user), agency_id=agency.pk)
    assert not may_act_on_behalf(permissions_for(manager.user), permissions_for(manager.user), agency_id=agency.pk)
    assert not may_act_on_behalf(
        permissions_for(manager.user), permissions_for(other_agency_agent.user), agency_id=agency.pk
    )
    staff = admin_staff_in(agency, can_view_book=True)
    assert not may_act_on_behalf(permissions_for(staff), permissions_for(agent.user), agency_id=agency.pk)
    Membership.objects.filter(user=manager.user).update(status="inactive")
    manager.user.refresh_from_db()
    fresh = type(manager.user).objects.get(pk=manager.user.pk)  # the next request's user: facts read anew
    assert not may_act_on_behalf(permissions_for(fresh), permissions_for(agent.user), agency_id=agency.pk)


def test_only_a_certified_active_agent_of_the_agency_may_be_given_its_cases():
    agency, manager = agency_with_manager()
    assert may_hold_agency_cases(permissions_for(agent_in(agency).user), agency_id=agency.pk)
    assert may_hold_agency_cases(permissions_for(manager.user), agency_id=agency.pk), "the manager is an agent too"
    assert not may_hold_agency_cases(permissions_for(agent_in(agency, certification_status="suspended").user),
                                     agency_id=agency.pk)  # fmt: skip
    assert not may_hold_agency_cases(permissions_for(agent_in(AgencyFactory()).user), agency_id=agency.pk)
    assert not may_hold_agency_cases(permissions_for(admin_staff_in(agency, can_view_book=True)), agency_id=agency.pk)
    gone = agent_in(agency)
    gone.user.memberships.update(status="inactive")
    assert not may_hold_agency_cases(permissions_for(gone.user), agency_id=agency.pk)
