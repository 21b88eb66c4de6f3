"""What delegations a user may see."""

from django.db.models import QuerySet

from agencies.selectors import active_membership_for

from .models import Delegation


def delegations_for(user) -> QuerySet[Delegation]:
    """Service-center staff see all; a manager their agency's; Admin Staff allowed to view the
    Book of Business their agency's; an agent those made to them within their present agency."""
    if not user.is_authenticated:
        return Delegation.objects.none()
    if user.is_staff:
        return Delegation.objects.all()
    membership = active_membership_for(user)
    if membership is not None and membership.allows("view_book"):
        return Delegation.objects.filter(agency_id=membership.agency_id)
    if hasattr(user, "agent"):
        return Delegation.objects.filter(agent__user=user, **own_agency_filter(membership))
    return Delegation.objects.none()


def own_agency_filter(membership) -> dict:
    """Lookups that keep an agent to delegations of their present agency, or of none."""
    if membership is None:
        return {"agency__isnull": True}
    return {"agency_id": membership.agency_id}
