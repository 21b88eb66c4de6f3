"""What delegations a user may see."""

from django.db.models import QuerySet

from portal.permissions import Capability, Permissions, permissions_for

from .models import Delegation


def delegations_for(user) -> QuerySet[Delegation]:
    """Service-center staff see all; a manager their agency's; Admin Staff allowed to view the
    Book of Business their agency's; a certified agent those made to them within their present agency."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return Delegation.objects.all()
    if permissions.allows(Capability.VIEW_BOOK):
        return Delegation.objects.filter(agency_id=permissions.agency_id)
    if permissions.allows(Capability.VIEW_OWN_CASES):  # a certified agent: no consumer's data otherwise
        return Delegation.objects.filter(agent_id=permissions.agent_id, **own_agency_filter(permissions))
    return Delegation.objects.none()


def own_agency_filter(permissions: Permissions) -> dict:
    """Lookups that keep an agent to delegations of their present agency, or of none."""
    if permissions.agency_id is None:
        return {"agency__isnull": True}
    return {"agency_id": permissions.agency_id}
