"""What a person may do now: the one place that decides.

Every question is a `Capability`, answered from the person's current facts only: their Active membership (its
agency, role and, for Admin Staff, the grants their manager gave), their agent profile and whether it is
certified, whether they are service-center staff, and, for a consumer's own account, whether its e-mail address is
confirmed. The facts are read once per request (`permissions_for`
keeps them on the request's user object) through the user's own relations, so this base module imports no
domain app. Selectors, views, templates (`may.view_book`), exports, downloads and the acting-on-behalf check ask it;
nothing else looks at a role or a grant.

Asking for something that is not a Capability is an error, never a grant.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from .choices import CertificationStatus, MembershipRole


class Capability(enum.StrEnum):
    USE_AGENCY_PORTAL = "use_agency_portal"  # the Agency Portal's pages: its home, account, delegations
    VIEW_ROSTER = "view_roster"  # the agency's agents, their profiles and books
    MANAGE_AGENTS = "manage_agents"  # add an agent, edit one, make one Inactive
    MANAGE_STAFF = "manage_staff"  # add Admin Staff and set their grants
    VIEW_BOOK = "view_book"  # the agency's Book of Business, delegations and dashboard
    EXPORT_BOOK = "export_book"  # export the Book of Business one is shown (the agency's, or one's own)
    EDIT_ACCOUNT = "edit_account"  # the Agency Account: information, locations, documents
    REMIND_CONSUMERS = "remind_consumers"  # turn the agency's deadline e-mails to consumers on or off: its manager
    TRANSFER = "transfer"  # move delegations between the agency's agents
    ACT_ON_BEHALF = "act_on_behalf"  # act on behalf of an agent of the agency
    WORK_AGENCY_CASES = "work_agency_cases"  # work any case delegated within the agency
    AGENCY_EXTRACTS = "agency_extracts"  # the agency's weekly extracts on the Agent Extranet
    OWN_DELEGATIONS = "own_delegations"  # My Delegations, My Agent Profile, My Book of Business: any agent
    VIEW_OWN_CASES = "view_own_cases"  # see the cases delegated to oneself: a certified agent
    WORK_OWN_CASES = "work_own_cases"  # work them: a certified agent who is not the agency's Admin Staff
    SERVICE_CENTER = "service_center"  # marketplace staff: every agency, agent and case, in admin
    OWN_CASE = "own_case"  # a consumer's own account: link their case, see it, upload to it, choose and remove helpers
    CHAT = "chat"  # Online Chat with the service center and writing to it from the Secure Mailbox: anyone above
    ANSWER_CHAT = "answer_chat"  # service-center staff of the chat group: the chat console and the messages to answer
    READ_TRANSCRIPTS = "read_transcripts"  # a service-center supervisor: any chat's transcript, any message thread


class UnknownCapability(Exception):
    """Raised for a question the layer does not know: a typo must fail loudly, never grant.
    (Not a LookupError, so a template's `may.typo` is an error too, not a silent blank.)"""


# What each role of an Active membership may do in its agency. Admin Staff get USE_AGENCY_PORTAL and
# whichever of ADMIN_STAFF_GRANTS their manager gave them; an agent role gives nothing agency-wide.
MANAGER_CAPABILITIES = frozenset({
    Capability.USE_AGENCY_PORTAL, Capability.VIEW_ROSTER, Capability.MANAGE_AGENTS, Capability.MANAGE_STAFF,
    Capability.VIEW_BOOK, Capability.EXPORT_BOOK, Capability.EDIT_ACCOUNT, Capability.TRANSFER,
    Capability.ACT_ON_BEHALF, Capability.WORK_AGENCY_CASES, Capability.AGENCY_EXTRACTS, Capability.REMIND_CONSUMERS,
})  # fmt: skip
# What shows or moves consumers' data: never for an agent who is not certified, manager or not.
CONSUMER_DATA = frozenset({
    Capability.VIEW_BOOK, Capability.EXPORT_BOOK, Capability.TRANSFER, Capability.ACT_ON_BEHALF,
    Capability.WORK_AGENCY_CASES, Capability.AGENCY_EXTRACTS,
})  # fmt: skip
# The membership's grant fields and what each allows.
ADMIN_STAFF_GRANTS = {
    "can_view_roster": Capability.VIEW_ROSTER,
    "can_view_book": Capability.VIEW_BOOK,
    "can_export_book": Capability.EXPORT_BOOK,
    "can_edit_account": Capability.EDIT_ACCOUNT,
}


@dataclass(frozen=True)
class Facts:
    """What is true of a person now, as far as access goes."""

    user_id: int | None = None
    is_staff: bool = False
    agency_id: int | None = None  # of the Active membership; None when there is none
    role: str | None = None  # MembershipRole of the Active membership
    grants: frozenset[str] = frozenset()  # the Admin Staff grant fields that are on
    agent_id: int | None = None
    agent_certified: bool = False
    consumer: bool = False  # a consumer's own account (made by signing up)
    email_confirmed: bool = False  # of a consumer: the sign-up address was confirmed by the link e-mailed to it
    answers_chat: bool = False  # service-center staff given the chat group's permission
    supervises_chat: bool = False  # service-center staff given the supervisors' permission to read any transcript


@dataclass(frozen=True)
class Permissions:
    facts: Facts
    capabilities: frozenset[Capability]
    # The objects the facts were read from, for pages that show them (the agency's name, the agent's profile).
    membership: object | None = field(default=None, compare=False, repr=False)
    agent: object | None = field(default=None, compare=False, repr=False)

    def allows(self, capability: Capability) -> bool:
        if not isinstance(capability, Capability):
            raise UnknownCapability(capability)
        return capability in self.capabilities

    @property
    def agency_id(self) -> int | None:
        return self.facts.agency_id

    @property
    def agent_id(self) -> int | None:
        return self.facts.agent_id

    @property
    def role(self) -> str | None:
        return self.facts.role

    @property
    def may(self) -> _May:
        """For templates: `{% if may.view_book %}`."""
        return _May(self)


class _May:
    def __init__(self, permissions: Permissions):
        self._permissions = permissions

    def __getitem__(self, name: str) -> bool:
        try:
            capability = Capability(name)
        except ValueError:
            raise UnknownCapability(name) from None
        return self._permissions.allows(capability)

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):  # Python's and Django's own probes (__html__, __deepcopy__): no template name
            raise AttributeError(name)
        return self[name]


def decide(facts: Facts) -> Permissions:
    """The rules: role × state → capabilities."""
    capabilities: set[Capability] = set()
    if facts.is_staff:
        capabilities.add(Capability.SERVICE_CENTER)
    if facts.role == MembershipRole.MANAGER:
        # A manager is an agent: one no longer certified keeps the agency's roster and account, never its consumers.
        capabilities |= MANAGER_CAPABILITIES if facts.agent_certified else MANAGER_CAPABILITIES - CONSUMER_DATA
    elif facts.role == MembershipRole.ADMIN_STAFF:
        capabilities.add(Capability.USE_AGENCY_PORTAL)
        capabilities |= {capability for grant, capability in ADMIN_STAFF_GRANTS.items() if grant in facts.grants}
    if facts.agent_id is not None:
        capabilities.add(Capability.OWN_DELEGATIONS)
        # Consumers' data only while certified: a decertified, suspended, expired or pending agent keeps their
        # pages but sees no case, request or book, and exports nothing.
        if facts.agent_certified:
            capabilities.add(Capability.VIEW_OWN_CASES)
            if Capability.VIEW_BOOK not in capabilities:
                capabilities.add(Capability.EXPORT_BOOK)  # one's own book, which is what one is shown
            if facts.role != MembershipRole.ADMIN_STAFF:
                capabilities.add(Capability.WORK_OWN_CASES)
    # A consumer sees their own case only, once their address is confirmed; an account that is also anything else
    # (staff, a membership, an agent profile) is not a consumer's and gets nothing of one.
    if facts.consumer and facts.email_confirmed and not capabilities and facts.role is None:
        capabilities.add(Capability.OWN_CASE)
    # Online Chat is for the portal's people; the service center's staff are its other side.
    if capabilities & {Capability.USE_AGENCY_PORTAL, Capability.OWN_DELEGATIONS, Capability.OWN_CASE}:
        capabilities.add(Capability.CHAT)
    if facts.is_staff and facts.answers_chat:
        capabilities.add(Capability.ANSWER_CHAT)
    if facts.is_staff and facts.supervises_chat:
        capabilities.add(Capability.READ_TRANSCRIPTS)
    return Permissions(facts=facts, capabilities=frozenset(capabilities))


NOBODY = decide(Facts())


def may_hold_agency_cases(agent: Permissions, *, agency_id: int) -> bool:
    """Whether a person may be given the agency's cases (a transfer's receiver): a certified agent who is one of
    the agency's Active agents now."""
    return (
        agent.agency_id == agency_id
        and agent.role in (MembershipRole.MANAGER, MembershipRole.AGENT)
        and agent.allows(Capability.WORK_OWN_CASES)
    )


def may_act_on_behalf(manager: Permissions, agent: Permissions, *, agency_id: int) -> bool:
    """Whether `manager` may act on behalf of `agent` in the agency, now: the manager is still the Active
    Agency Manager of that agency, and the agent is still one of its Active agents (not the manager)."""
    return (
        manager.allows(Capability.ACT_ON_BEHALF)
        and manager.agency_id == agency_id
        and agent.agency_id == agency_id
        and agent.role in (MembershipRole.MANAGER, MembershipRole.AGENT)
        and agent.agent_id is not None
        and agent.facts.user_id != manager.facts.user_id
    )


# Permissions of the service center's chat model (servicecenter.Conversation's Meta), named here by their strings.
ANSWER_CHAT_PERMISSION = "servicecenter.answer_conversation"
SUPERVISE_CHAT_PERMISSION = "servicecenter.supervise_conversation"


def facts_of(user) -> tuple[Facts, object | None, object | None]:
    """Read a signed-in user's facts now, through the user's own relations: the Active membership (with its
    agency) and the agent profile, one query each (and, for a consumer, whether their address is confirmed: one
    more). Returns the facts and the two objects."""
    membership = user.memberships.current()  # agencies' MembershipQuerySet, reached through the user
    agent = getattr(user, "agent", None)  # Django keeps the profile, or its absence, on the user object
    facts = Facts(
        user_id=user.pk,
        is_staff=user.is_staff,
        agency_id=membership.agency_id if membership else None,
        role=membership.role if membership else None,
        grants=frozenset(grant for grant in ADMIN_STAFF_GRANTS if membership and getattr(membership, grant)),
        agent_id=agent.pk if agent else None,
        agent_certified=agent is not None and agent.certification_status == CertificationStatus.CERTIFIED,
        consumer=user.is_consumer,
        # allauth's EmailAddress, confirmed, of the address the account signs in with now.
        email_confirmed=user.is_consumer
        and user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists(),
        # Staff only: their groups' permissions (Django's, read once per user object).
        answers_chat=user.is_staff and user.is_active and user.has_perm(ANSWER_CHAT_PERMISSION),
        supervises_chat=user.is_staff and user.is_active and user.has_perm(SUPERVISE_CHAT_PERMISSION),
    )
    return facts, membership, agent


def permissions_for(user) -> Permissions:
    """What `user` may do now. Read once per request: kept on the user object, which each request loads anew."""
    if user is None or not user.is_authenticated:
        return NOBODY
    cached = getattr(user, "_permissions", None)
    if cached is None:
        kept = getattr(user, "_kept", None)  # the request's own user, read through portal.person
        if kept is not None:
            facts, membership, agent = kept.get("facts", lambda: facts_of(user))
            user._state.fields_cache.setdefault("agent", agent)  # `user.agent` asks no query either
        else:
            facts, membership, agent = facts_of(user)
        cached = user._permissions = replace(decide(facts), membership=membership, agent=agent)
    return cached


def forget(user) -> None:
    """After a change to the user's own facts within a request (a grant, a status), read them again."""
    user.__dict__.pop("_permissions", None)
    if getattr(user, "_kept", None) is not None:
        user._kept.forget("facts")
    if hasattr(user, "_state"):
        user._state.fields_cache.pop("agent", None)
