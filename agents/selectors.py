"""What agents a user may see. The roster and every agent page start here; Find Local Help too."""

import math

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from agencies.models import Membership
from delegations.selectors import delegation_counts_per_agent
from portal.choices import AGENT_ROLES, CertificationStatus
from portal.permissions import Capability, permissions_for

from .models import Agent


def _in_agency(agency_id: int) -> QuerySet[Membership]:
    """The agent's Active membership of this agency: one who left is no longer the agency's to read or edit."""
    return Membership.objects.filter(
        user_id=OuterRef("user_id"), agency_id=agency_id, role__in=AGENT_ROLES, status=Membership.Status.ACTIVE
    )


def agents_who_may_hold_cases(agency_id: int) -> QuerySet[Agent]:
    """The agency's Active agents and managers who are certified: who may be given its cases now (the same people
    portal.permissions.may_hold_agency_cases allows)."""
    return Agent.objects.filter(Exists(_in_agency(agency_id)), certification_status=CertificationStatus.CERTIFIED)


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


def find_local_help(
    *, latitude: float, longitude: float, miles: int, language: str = "", kind: str = "", expertise: str = ""
) -> QuerySet:
    """Find Local Help: certified, listed helpers active in a certified agency, at each listed subsite
    within `miles` of a point, nearest first. One row per helper and subsite, with `distance_squared`
    in square miles (an equirectangular approximation, exact enough at these distances)."""
    from django.db.models import ExpressionWrapper, FloatField
    from django.db.models.functions import Cast

    listing = Agent.subsite_locations.through
    miles_per_degree = 69.0
    cos_latitude = math.cos(math.radians(latitude))
    lat_span, lon_span = miles / miles_per_degree, miles / (miles_per_degree * max(cos_latitude, 0.01))
    active_here = Membership.objects.filter(
        user_id=OuterRef("agent__user_id"),
        agency_id=OuterRef("agencylocation__agency_id"),
        role__in=AGENT_ROLES,
        status=Membership.Status.ACTIVE,
    )
    dy = (Cast("agencylocation__latitude", FloatField()) - latitude) * miles_per_degree
    dx = (Cast("agencylocation__longitude", FloatField()) - longitude) * (miles_per_degree * cos_latitude)
    rows = listing.objects.filter(
        Exists(active_here),
        agent__is_listed=True,
        agent__certification_status=CertificationStatus.CERTIFIED,
        agencylocation__is_listed=True,
        agencylocation__agency__certification_status=CertificationStatus.CERTIFIED,
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


def find_local_help_agents() -> QuerySet[Agent]:
    """The helpers a consumer may ask for help: those Find Local Help lists somewhere."""
    listed_at = Agent.subsite_locations.through.objects.filter(
        agent_id=OuterRef("pk"),
        agencylocation__is_listed=True,
        agencylocation__agency__certification_status=CertificationStatus.CERTIFIED,
    )
    active = Membership.objects.filter(
        user_id=OuterRef("user_id"), role__in=AGENT_ROLES, status=Membership.Status.ACTIVE
    )
    return Agent.objects.filter(
        Exists(listed_at), Exists(active), is_listed=True, certification_status=CertificationStatus.CERTIFIED
    )
