"""What consumer cases a user may see. Every case page, list and export starts here."""

from django.db.models import Exists, OuterRef, QuerySet

from agencies.selectors import active_membership_for
from delegations.models import Delegation
from delegations.selectors import own_agency_filter

from .models import CaseDocument, ConsumerCase


def cases_for(user) -> QuerySet[ConsumerCase]:
    """Service-center staff see every case. A manager (or Admin Staff allowed to view the Book of
    Business) sees the cases actively delegated within their agency; an agent sees the cases
    actively delegated to them within their present agency (or, unaffiliated, outside any agency).
    Admin Staff without the grant, and anyone else, see none."""
    if not user.is_authenticated:
        return ConsumerCase.objects.none()
    if user.is_staff:
        return ConsumerCase.objects.all()
    membership = active_membership_for(user)
    active = Delegation.objects.filter(case_id=OuterRef("pk"), status=Delegation.Status.ACTIVE)
    if membership is not None and membership.allows("view_book"):
        return ConsumerCase.objects.filter(Exists(active.filter(agency_id=membership.agency_id)))
    if hasattr(user, "agent"):
        # Only delegations made within the agent's present agency (or none, if unaffiliated):
        # an agent made Inactive keeps nothing of the old agency's book.
        own = active.filter(agent__user=user, **own_agency_filter(membership))
        return ConsumerCase.objects.filter(Exists(own))
    return ConsumerCase.objects.none()


def case_documents_for(user) -> QuerySet[CaseDocument]:
    """The documents of the cases a user may see (see cases_for)."""
    return CaseDocument.objects.filter(case__in=cases_for(user))
