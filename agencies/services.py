"""Changes to an agency: its account, locations and hours, documents, and Admin Staff."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.invitations import send_invitation
from portal.models import User
from portal.permissions import ADMIN_STAFF_GRANTS

from .models import Agency, AgencyDocument, AgencyLocation, Membership


class AgencyError(Exception):
    """An agency change that cannot be made; the message is fit for the page."""


def update_agency_account(*, agency: Agency, by, form) -> Agency:
    """Save the Agency Account form (names and contact; FEIN, license and certification are the service center's)."""
    with transaction.atomic():
        agency = form.save()
        audit.record("agency.account_changed", actor=by, obj=agency, details={"fields": form.changed_data})
    return agency


def save_location(*, agency: Agency, by, form, hours) -> AgencyLocation:
    """Save a subsite and its opening hours together."""
    with transaction.atomic():
        location = form.save(commit=False)
        location.agency = agency
        location.clean()
        location.save()
        hours.instance = location
        hours.save()
        audit.record("agency.location_changed", actor=by, obj=location, object_label=f"location {location.name}")
    return location


def upload_agency_document(*, agency: Agency, by, kind: str, upload, checked) -> AgencyDocument:
    """Keep an uploaded document in private storage, with its checked type, size and SHA-256."""
    with transaction.atomic():
        document = AgencyDocument(agency=agency, kind=kind)
        document.store(upload, checked, by=by)
        audit.record("agency.document_uploaded", actor=by, obj=document, details={"sha256": checked.sha256})
    return document


def add_admin_staff(*, agency: Agency, by, data: dict) -> Membership:
    """Add an agency employee who is not a licensed agent, with the grants the manager chose, and invite them."""
    email = data["email"].strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            if user.memberships.filter(status=Membership.Status.ACTIVE).exists() or hasattr(user, "agent"):
                raise AgencyError(_("%(email)s already belongs to an agency or is an agent.") % {"email": email})
        else:
            user = User.objects.create_user(email=email, first_name=data["first_name"], last_name=data["last_name"])
            user.set_unusable_password()
            user.save(update_fields=["password"])
        grants = {field: bool(data.get(field)) for field in ADMIN_STAFF_GRANTS}
        membership = Membership.objects.create(user=user, agency=agency, role=Membership.Role.ADMIN_STAFF, **grants)
        audit.record("agency.staff_added", actor=by, obj=user, details={"agency": agency.pk, **grants})
        if not user.has_usable_password():
            send_invitation(user=user, agency=agency, role_label=str(_("Admin Staff")))
    return membership


def change_grants(*, membership: Membership, by, form) -> Membership:
    with transaction.atomic():
        membership = form.save()
        grants = {field: getattr(membership, field) for field in ADMIN_STAFF_GRANTS}
        audit.record("agency.staff_changed", actor=by, obj=membership.user, details=grants)
    return membership


def remove_admin_staff(*, membership: Membership, by) -> Membership:
    """Admin Staff leave the agency: their membership ends and they see nothing of it from now on."""
    with transaction.atomic():
        membership.status = Membership.Status.INACTIVE
        membership.ended_on = timezone.localdate()
        membership.save(update_fields=["status", "ended_on", "updated_at"])
        audit.record("agency.staff_removed", actor=by, obj=membership.user, details={"agency": membership.agency_id})
    return membership
