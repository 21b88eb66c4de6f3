"""Changes to an agency: its account, locations and hours, documents, and Admin Staff."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.invitations import send_invitation
from portal.models import User
from portal.permissions import ADMIN_STAFF_GRANTS, Capability, permissions_for
from portal.uploads import kept_with_its_row

from .models import Agency, AgencyDocument, AgencyLocation, Membership, OpeningHours


class AgencyError(Exception):
    """An agency change that cannot be made; the message is fit for the page."""


ACCOUNT_FIELDS = ("legal_name", "public_name", "phone", "email")  # FEIN, license, certification: the service center's
REMINDERS_FIELD = "remind_consumers"  # the manager's alone (Capability.REMIND_CONSUMERS), audited on its own
LOCATION_FIELDS = ("name", "street", "city", "zip_code", "county", "phone", "is_listed")


def update_agency_account(*, agency: Agency, by, data: dict) -> Agency:
    """Change the Agency Account's names and contact, and (its manager only) whether the agency's consumers get
    deadline reminders. Audited with the names of the fields that changed; turning reminders on or off is its own
    event, saying which."""
    reminders = data.get(REMINDERS_FIELD)
    if reminders is not None and not permissions_for(by).allows(Capability.REMIND_CONSUMERS):
        raise PermissionDenied
    with transaction.atomic():
        # Against the stored values: a ModelForm's validation has already put the new ones on `agency`.
        stored = Agency.objects.filter(pk=agency.pk).values(*ACCOUNT_FIELDS, REMINDERS_FIELD).get()
        changed = [field for field in ACCOUNT_FIELDS if field in data and stored[field] != data[field]]
        for field in changed:
            setattr(agency, field, data[field])
        agency.remind_consumers = stored[REMINDERS_FIELD] if reminders is None else bool(reminders)
        agency.full_clean()
        agency.save()
        audit.record("agency.account_changed", actor=by, obj=agency, details={"fields": changed})
        if agency.remind_consumers != stored[REMINDERS_FIELD]:
            audit.record("agency.consumer_reminders_changed", actor=by, obj=agency,
                         details={"remind_consumers": agency.remind_consumers})  # fmt: skip
    return agency


def save_location(
    *, agency: Agency | None, by, location: AgencyLocation | None, data: dict, hours: list[dict], owner=None
) -> AgencyLocation:
    """Add a subsite (`location` None) or change one, and set its opening hours to exactly `hours`
    ({weekday, opens_at, closes_at} each), together. With `owner` (a user) and no agency: that independent agent's
    own office (agents.services.save_own_office checks they are in no agency)."""
    with transaction.atomic():
        location = location or AgencyLocation(agency=agency, owner=owner)
        for field in LOCATION_FIELDS:
            if field in data:
                setattr(location, field, data[field])
        # Placed at its ZIP code's centre, again whenever it is saved: a changed ZIP code moves it.
        location.latitude = location.longitude = None
        location.clean()
        location.save()
        location.hours.all().delete()
        OpeningHours.objects.bulk_create([
            OpeningHours(location=location, weekday=day["weekday"], opens_at=day["opens_at"], closes_at=day["closes_at"])
            for day in hours
        ])  # fmt: skip
        audit.record("agency.location_changed", actor=by, obj=location, object_label=f"location {location.name}")
    return location


def upload_agency_document(*, agency: Agency, by, kind: str, upload, checked) -> AgencyDocument:
    """Keep an uploaded document in private storage, with its checked type, size and SHA-256."""
    document = AgencyDocument(agency=agency, kind=kind)
    with kept_with_its_row(document), transaction.atomic():
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
            if user.is_consumer:  # made by whoever signed up with the address: not the employee's to take over
                raise AgencyError(_("%(email)s is a consumer's own account. Give the employee's work address, or "
                                    "call the Agent Service Center.") % {"email": email})  # fmt: skip
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


def change_grants(*, membership: Membership, by, grants: dict) -> Membership:
    """Set what Admin Staff may do (the fields of ADMIN_STAFF_GRANTS that `grants` names)."""
    with transaction.atomic():
        for field in ADMIN_STAFF_GRANTS:
            if field in grants:
                setattr(membership, field, bool(grants[field]))
        membership.save(update_fields=[*ADMIN_STAFF_GRANTS, "updated_at"])
        audit.record("agency.staff_changed", actor=by, obj=membership.user,
                     details={field: getattr(membership, field) for field in ADMIN_STAFF_GRANTS})  # fmt: skip
    return membership


def remove_admin_staff(*, membership: Membership, by) -> Membership:
    """Admin Staff leave the agency: their membership ends and they see nothing of it from now on."""
    with transaction.atomic():
        membership.status = Membership.Status.INACTIVE
        membership.ended_on, membership.left_at = timezone.localdate(), timezone.now()
        membership.save(update_fields=["status", "ended_on", "left_at", "updated_at"])
        audit.record("agency.staff_removed", actor=by, obj=membership.user, details={"agency": membership.agency_id})
    return membership
