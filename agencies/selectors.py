"""What agencies and memberships a user may see. Every agency page starts here."""

from django.db.models import QuerySet

from .models import Agency, AgencyDocument, Membership


def active_membership_for(user) -> Membership | None:
    """The user's active membership (at most one, by constraint), cached on the user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_active_membership"):
        user._active_membership = (
            Membership.objects.select_related("agency").filter(user=user, status=Membership.Status.ACTIVE).first()
        )
    return user._active_membership


def agencies_for(user) -> QuerySet[Agency]:
    """Service-center staff see every agency; anyone else only the agency they are active in."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_staff:
        return Agency.objects.all()
    membership = active_membership_for(user)
    if membership is None:
        return Agency.objects.none()
    return Agency.objects.filter(pk=membership.agency_id)


def staff_memberships_for(user) -> QuerySet[Membership]:
    """The Admin Staff of the user's agency, for its Agency Manager."""
    membership = active_membership_for(user)
    if membership is None or membership.role != Membership.Role.MANAGER:
        return Membership.objects.none()
    return Membership.objects.select_related("user").filter(
        agency_id=membership.agency_id, role=Membership.Role.ADMIN_STAFF
    )


def agency_documents_for(user) -> QuerySet[AgencyDocument]:
    """Service-center staff see every agency's documents; an agency's manager, and Admin Staff allowed
    to edit the agency account, see that agency's. Nobody else sees any."""
    if not user.is_authenticated:
        return AgencyDocument.objects.none()
    if user.is_staff:
        return AgencyDocument.objects.all()
    membership = active_membership_for(user)
    if membership is None or not membership.allows("edit_account"):
        return AgencyDocument.objects.none()
    return AgencyDocument.objects.filter(agency_id=membership.agency_id)
