"""What agents a user may see. The roster and every agent page start here."""

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from agencies.models import Membership
from agencies.selectors import active_membership_for
from delegations.models import Delegation

from .models import Agent

AGENT_ROLES = (Membership.Role.MANAGER, Membership.Role.AGENT)


def _in_agency(agency_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=OuterRef("user_id"), agency_id=agency_id, role__in=AGENT_ROLES)


def agents_for(user) -> QuerySet[Agent]:
    """Service-center staff see every agent; a manager (or Admin Staff allowed to view the roster)
    sees everyone on their agency's roster, active or not; anyone else only their own profile."""
    if not user.is_authenticated:
        return Agent.objects.none()
    if user.is_staff:
        return Agent.objects.all()
    membership = active_membership_for(user)
    if membership is not None and membership.allows("view_roster"):
        return Agent.objects.filter(Exists(_in_agency(membership.agency_id)))
    return Agent.objects.filter(user=user)


def roster_for(user) -> QuerySet[Agent]:
    """The agency roster: each agent with their role and status in the agency and the number of
    consumers delegated to them, all in one query."""
    membership = active_membership_for(user)
    if membership is None or not membership.allows("view_roster"):
        return Agent.objects.none()
    agency_id = membership.agency_id
    in_agency = _in_agency(agency_id).order_by("status", "-started_on")
    delegated = (
        Delegation.objects.filter(agent_id=OuterRef("pk"), agency_id=agency_id, status=Delegation.Status.ACTIVE)
        .order_by()
        .values("agent_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Agent.objects.filter(Exists(in_agency)).annotate(
        agency_status=Subquery(in_agency.values("status")[:1]),
        agency_role=Subquery(in_agency.values("role")[:1]),
        consumers_delegated=Coalesce(Subquery(delegated), Value(0), output_field=IntegerField()),
    )
