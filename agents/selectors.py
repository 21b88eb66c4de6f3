"""What agents a user may see. The roster and every agent page start here; Find Local Help too."""

import math
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from agencies.models import AgencyLocation, Membership
from delegations.selectors import delegation_counts_per_agent
from portal.cache import kept
from portal.choices import AGENT_ROLES, CertificationStatus
from portal.permissions import Capability, permissions_for

from .models import Agent


def _in_agency(agency_id: int) -> QuerySet[Membership]:
    """The agent's Active membership of this agency: one who left is no longer the agency's to read or edit."""
    return Membership.objects.filter(
        user_id=OuterRef("user_id"), agency_id=agency_id, role__in=AGENT_ROLES, status=Membership.Status.ACTIVE
    )


def user_ids_who_may_hold_cases(agency_id: int) -> QuerySet:
    """The sign-ins of the agency's Active agents and managers who are certified: who may be given its cases now
    (as portal.permissions.may_hold_agency_cases decides), read from the agency's memberships by their index."""
    certified = Agent.objects.filter(user_id=OuterRef("user_id"), certification_status=CertificationStatus.CERTIFIED)
    return (
        Membership.objects.filter(
            Exists(certified), agency_id=agency_id, role__in=AGENT_ROLES, status=Membership.Status.ACTIVE
        )
        .order_by()
        .values_list("user_id", flat=True)
    )


def agents_for(user) -> QuerySet[Agent]:
    """Service-center staff see every agent; a manager (or Admin Staff allowed to view the roster)
    sees the agency's Active agents; anyone else only their own profile."""
    if not user.is_authenticated:
        return Agent.objects.none()
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return Agent.objects.all()
    if permissions.allows(Capability.VIEW_ROSTER):
        return Agent.objects.filter(Exists(_in_agency(permissions.agency_id)))
    return Agent.objects.filter(user=user)


def agency_agents_for(user) -> QuerySet[Agent]:
    """The agents on the roster of the user's agency, with nothing counted: for choosing one in a filter.
    Empty unless the user may view the roster."""
    permissions = permissions_for(user)
    if not permissions.allows(Capability.VIEW_ROSTER):
        return Agent.objects.none()
    return Agent.objects.filter(Exists(_in_agency(permissions.agency_id)))


def receivers_for(user) -> QuerySet[Agent]:
    """The agents of the user's agency who may be given its cases or requests: certified (and, being on the
    roster, Active), by name, with nothing counted. Whether each still qualifies is checked again when moving."""
    return agency_agents_for(user).filter(certification_status="certified").order_by("last_name", "first_name", "pk")


AGENT_OPTIONS_SECONDS = 60


def agent_options(agents: QuerySet[Agent], *, agency_id: int | None, kind: str) -> list[tuple]:
    """(pk, first name, last name, license number) of `agents`, in their order, for a list to choose from (the
    Book of Business's agent filter, "Transfer to"): the largest agency's 820 agents, kept AGENT_OPTIONS_SECONDS
    per agency and `kind`. Only what is offered: whatever is chosen is checked again, as it is now, where it is
    used (book_scope, the transfer's services)."""

    def load():
        return list(agents.values_list("pk", "first_name", "last_name", "license_number"))

    if agents.query.is_empty():
        # Nothing for this person (agency_agents_for without the roster): never read from, nor kept for, the
        # agency's list, which is what those who may see the roster are offered.
        return []
    return load() if agency_id is None else kept(f"agent-options:{kind}:{agency_id}", AGENT_OPTIONS_SECONDS, load)


def agents_matching(agents: QuerySet[Agent], query: str) -> QuerySet[Agent]:
    """The agents whose name holds every word of `query`, or whose license number one of its words is: the
    roster's search."""
    for word in query.split():
        agents = agents.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(license_number__iexact=word)
        )
    return agents


def roster_for(user) -> QuerySet[Agent]:
    """The agency roster: each agent with their role and status in the agency and their delegation counts
    (`active_delegations`, `pending_requests`: see delegations.selectors.delegation_counts), all in one query."""
    permissions = permissions_for(user)
    if not permissions.allows(Capability.VIEW_ROSTER):
        return Agent.objects.none()
    agency_id = permissions.agency_id
    in_agency = _in_agency(agency_id)
    return Agent.objects.filter(Exists(in_agency)).annotate(
        agency_started_on=Subquery(in_agency.values("started_on")[:1]),
        agency_role=Subquery(in_agency.values("role")[:1]),
        **delegation_counts_per_agent(agency_id),
    )


def _listings() -> QuerySet:
    """Every (helper, location) pair Find Local Help shows, anywhere: a certified, listed helper at a listed location
    that is either a subsite of a certified agency the helper is Active in, or the helper's own office while they are
    in no agency. Rows of the subsite link (Agent.subsite_locations.through)."""
    active_here = Membership.objects.filter(
        user_id=OuterRef("agent__user_id"),
        agency_id=OuterRef("agencylocation__agency_id"),
        role__in=AGENT_ROLES,
        status=Membership.Status.ACTIVE,
    )
    in_an_agency = Membership.objects.filter(user_id=OuterRef("agent__user_id"), status=Membership.Status.ACTIVE)
    agency_subsite = Q(Exists(active_here), agencylocation__agency__certification_status=CertificationStatus.CERTIFIED)
    own_office = Q(agencylocation__owner_id=F("agent__user_id")) & ~Q(Exists(in_an_agency))
    return Agent.subsite_locations.through.objects.filter(
        agency_subsite | own_office,
        agent__is_listed=True,
        agent__certification_status=CertificationStatus.CERTIFIED,
        agencylocation__is_listed=True,
    )


def find_local_help(
    *, latitude: float, longitude: float, miles: int, language: str = "", kind: str = "", expertise: str = ""
) -> QuerySet:
    """Find Local Help: the listings (see _listings) within `miles` of a point, nearest first. One row per helper
    and location, with `distance_squared` in square miles (an equirectangular approximation, exact enough at these
    distances)."""
    from django.db.models import ExpressionWrapper, FloatField
    from django.db.models.functions import Cast

    miles_per_degree = 69.0
    cos_latitude = math.cos(math.radians(latitude))
    lat_span, lon_span = miles / miles_per_degree, miles / (miles_per_degree * max(cos_latitude, 0.01))
    dy = (Cast("agencylocation__latitude", FloatField()) - latitude) * miles_per_degree
    dx = (Cast("agencylocation__longitude", FloatField()) - longitude) * (miles_per_degree * cos_latitude)
    rows = _listings().filter(
        agencylocation__latitude__range=(latitude - lat_span, latitude + lat_span),
        agencylocation__longitude__range=(longitude - lon_span, longitude + lon_span),
    )
    if language:
        rows = rows.filter(agent__languages__code=language)
    if kind:
        rows = rows.filter(agent__kind=kind)
    if expertise:
        rows = rows.filter(agent__product_expertise__code=expertise)
    rows = rows.annotate(distance_squared=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
    return (
        rows.filter(distance_squared__lte=miles * miles)
        .order_by("distance_squared", "agent__last_name", "agent__first_name", "pk")
        .select_related("agent", "agencylocation", "agencylocation__agency")
        .prefetch_related("agent__languages", "agent__product_expertise", "agencylocation__hours")
    )


def page_of_find_local_help(rows: QuerySet, number, *, per_page: int = 20):
    """One page of Find Local Help's listings in two steps: every matching listing's id alone, in order (one
    narrow query, which also counts them: 3,000 listings near downtown Los Angeles), then the page's listings
    in full. The count and the page's rows used to be two queries that each joined and filtered every listing."""
    from django.core.paginator import Paginator

    ranked = list(rows.values_list("pk", flat=True))
    page = Paginator(ranked, per_page).get_page(number)
    ids = list(page.object_list)
    details = {row.pk: row for row in rows.filter(pk__in=ids)}
    page.object_list = [details[pk] for pk in ids if pk in details]
    return page


def find_local_help_agents() -> QuerySet[Agent]:
    """The helpers a consumer may ask for help: those Find Local Help lists somewhere."""
    return Agent.objects.filter(Exists(_listings().filter(agent_id=OuterRef("pk"))))


@dataclass(frozen=True)
class FindLocalHelpListing:
    """Where consumers find an agent in Find Local Help, or, when nowhere, why (`reason`): "not_certified",
    "hidden" (the agent chose not to be shown), "no_subsite" (in an agency, at none of its listed locations) or
    "no_office" (in no agency, with no listed office of their own). `office` is the own office of an agent in no
    agency, listed or not; `in_agency` whether they are in one."""

    locations: list
    reason: str
    in_agency: bool
    office: object | None


def find_local_help_listing(agent: Agent) -> FindLocalHelpListing:
    """For the agent's own profile: where Find Local Help shows them, with the same rules as its search."""
    rows = _listings().filter(agent=agent).select_related("agencylocation", "agencylocation__agency")
    locations = [row.agencylocation for row in rows.order_by("agencylocation__name", "pk")]
    in_agency = Membership.objects.filter(user_id=agent.user_id, status=Membership.Status.ACTIVE).exists()
    office = None if in_agency else AgencyLocation.objects.filter(owner_id=agent.user_id).first()
    reason = ""
    if not locations:
        if not agent.is_certified:
            reason = "not_certified"
        elif not agent.is_listed:
            reason = "hidden"
        else:
            reason = "no_subsite" if in_agency else "no_office"
    return FindLocalHelpListing(locations=locations, reason=reason, in_agency=in_agency, office=office)
