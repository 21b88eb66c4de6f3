"""What agencies and memberships a user may see. Every agency page starts here."""

from django.db.models import QuerySet

from portal.permissions import Capability, permissions_for

from .models import Agency, AgencyDocument, AgencyInvitation, Membership


def agencies_for(user) -> QuerySet[Agency]:
    """Service-center staff see every agency; anyone else only the agency they are active in."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return Agency.objects.all()
    if permissions.agency_id is None:
        return Agency.objects.none()
    return Agency.objects.filter(pk=permissions.agency_id)


def staff_memberships_for(user) -> QuerySet[Membership]:
    """The Admin Staff of the user's agency, for its Agency Manager."""
    permissions = permissions_for(user)
    if not permissions.allows(Capability.MANAGE_STAFF):
        return Membership.objects.none()
    return Membership.objects.select_related("user").filter(
        agency_id=permissions.agency_id, role=Membership.Role.ADMIN_STAFF
    )


def agency_documents_for(user) -> QuerySet[AgencyDocument]:
    """Service-center staff see every agency's documents; an agency's manager, and Admin Staff allowed
    to edit the agency account, see that agency's. Nobody else sees any."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return AgencyDocument.objects.all()
    if not permissions.allows(Capability.EDIT_ACCOUNT):
        return AgencyDocument.objects.none()
    return AgencyDocument.objects.filter(agency_id=permissions.agency_id)


def people_to_tell(agent) -> list:
    """The agent and the managers of the agency they are active in."""
    people = [agent.user]
    membership = Membership.objects.filter(user_id=agent.user_id).current()
    if membership is not None:
        managers = Membership.objects.filter(
            agency_id=membership.agency_id, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE
        ).exclude(user_id=agent.user_id)
        people += [m.user for m in managers.select_related("user")]
    return people


def invitations_sent_for(user) -> QuerySet[AgencyInvitation]:
    """The agency's invitations still waiting for an agent's answer, for those who may view its roster."""
    permissions = permissions_for(user)
    if not permissions.allows(Capability.VIEW_ROSTER):
        return AgencyInvitation.objects.none()
    return (
        AgencyInvitation.objects.open()
        .filter(agency_id=permissions.agency_id)
        .select_related("user__agent", "invited_by")
        .order_by("-created_at")
    )


def invitations_received_by(user) -> QuerySet[AgencyInvitation]:
    """The invitations to join an agency that wait for this person's answer."""
    if not user.is_authenticated:
        return AgencyInvitation.objects.none()
    return AgencyInvitation.objects.open().filter(user_id=user.pk).select_related("agency").order_by("-created_at")
