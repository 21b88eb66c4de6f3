"""What consumer cases a user may see. Every case page, list and export starts here."""

from django.db.models import Exists, OuterRef, QuerySet

from delegations.models import Delegation
from delegations.selectors import own_agency_filter
from portal.permissions import Capability, permissions_for

from .models import CaseDocument, ConsumerCase


def cases_for(user) -> QuerySet[ConsumerCase]:
    """Service-center staff see every case. A manager (or Admin Staff allowed to view the Book of
    Business) sees the cases actively delegated within their agency; a certified agent sees the cases
    actively delegated to them within their present agency (or, unaffiliated, outside any agency).
    Admin Staff without the grant, agents who are not certified, and anyone else, see none."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return ConsumerCase.objects.all()
    active = Delegation.objects.filter(case_id=OuterRef("pk"), status=Delegation.Status.ACTIVE)
    if permissions.allows(Capability.VIEW_BOOK):
        return ConsumerCase.objects.filter(Exists(active.filter(agency_id=permissions.agency_id)))
    if permissions.allows(Capability.VIEW_OWN_CASES):
        # Only delegations made within the agent's present agency (or none, if unaffiliated):
        # an agent made Inactive keeps nothing of the old agency's book.
        own = active.filter(agent_id=permissions.agent_id, **own_agency_filter(permissions))
        return ConsumerCase.objects.filter(Exists(own))
    return ConsumerCase.objects.none()


def can_act_on_case(user, case: ConsumerCase) -> bool:
    """Whether `user` may work on the case: the certified agent who holds its Active delegation (within their
    present agency), or the Agency Manager of the agency it is delegated within. Admin Staff never."""
    permissions = permissions_for(user)
    active = Delegation.objects.filter(case=case, status=Delegation.Status.ACTIVE)
    if permissions.allows(Capability.WORK_AGENCY_CASES) and active.filter(agency_id=permissions.agency_id).exists():
        return True
    if not permissions.allows(Capability.WORK_OWN_CASES):
        return False
    return active.filter(agent_id=permissions.agent_id, **own_agency_filter(permissions)).exists()


def case_documents_for(user) -> QuerySet[CaseDocument]:
    """The documents of the cases a user may see (see cases_for)."""
    return CaseDocument.objects.filter(case__in=cases_for(user))
