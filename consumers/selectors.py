"""What consumer cases a user may see. Every case page, list and export starts here."""

from django.db.models import Exists, OuterRef, QuerySet

from agencies.selectors import active_membership_for
from delegations.models import Delegation
from delegations.selectors import own_agency_filter

from .models import CaseDocument, ConsumerCase


def cases_for(user) -> QuerySet[ConsumerCase]:
    """Service-center staff see every case. A manager (or Admin Staff allowed to view the Book of
    Business) sees the cases actively delegated within their agency; a certified agent sees the cases
    actively delegated to them within their present agency (or, unaffiliated, outside any agency).
    Admin Staff without the grant, agents who are not certified, and anyone else, see none."""
    if not user.is_authenticated:
        return ConsumerCase.objects.none()
    if user.is_staff:
        return ConsumerCase.objects.all()
    membership = active_membership_for(user)
    active = Delegation.objects.filter(case_id=OuterRef("pk"), status=Delegation.Status.ACTIVE)
    if membership is not None and membership.allows("view_book"):
        return ConsumerCase.objects.filter(Exists(active.filter(agency_id=membership.agency_id)))
    agent = getattr(user, "agent", None)
    if agent is not None and agent.is_certified:
        # Only delegations made within the agent's present agency (or none, if unaffiliated):
        # an agent made Inactive keeps nothing of the old agency's book.
        own = active.filter(agent__user=user, **own_agency_filter(membership))
        return ConsumerCase.objects.filter(Exists(own))
    return ConsumerCase.objects.none()


def can_act_on_case(user, case: ConsumerCase) -> bool:
    """Whether `user` may work on the case: the certified agent who holds its Active delegation (within their
    present agency), or the Agency Manager of the agency it is delegated within. Admin Staff never."""
    from agencies.models import Membership

    membership = active_membership_for(user)
    active = Delegation.objects.filter(case=case, status=Delegation.Status.ACTIVE)
    is_manager = membership is not None and membership.role == Membership.Role.MANAGER
    if is_manager and active.filter(agency_id=membership.agency_id).exists():
        return True
    agent = getattr(user, "agent", None)
    if agent is None or not agent.is_certified:
        return False
    if membership is not None and membership.role == Membership.Role.ADMIN_STAFF:
        return False
    return active.filter(agent=agent, **own_agency_filter(membership)).exists()


def case_documents_for(user) -> QuerySet[CaseDocument]:
    """The documents of the cases a user may see (see cases_for)."""
    return CaseDocument.objects.filter(case__in=cases_for(user))
