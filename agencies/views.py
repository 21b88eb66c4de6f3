"""The Agency Portal's pages of the agency itself: Admin Staff and their grants, the Agency Account, its locations
and documents. (The pages that combine the roster, delegations and the dashboard are in pages/agency.py.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import audit
from portal.downloads import uploaded_file_download
from portal.permissions import Capability, permissions_for

from . import services
from .forms import (
    AdminStaffForm,
    AgencyAccountForm,
    AgencyDocumentForm,
    AgencyLocationForm,
    GrantsForm,
    OpeningHoursFormSet,
)
from .models import Membership
from .selectors import agencies_for, agency_documents_for, staff_memberships_for

PAGE_SIZE = 50


def membership_allowing(request, capability: Capability = Capability.USE_AGENCY_PORTAL) -> Membership:
    """The user's Active agency membership, if they may use the Agency Portal and do `capability` there."""
    permissions = permissions_for(request.user)
    if not (permissions.allows(Capability.USE_AGENCY_PORTAL) and permissions.allows(capability)):
        raise PermissionDenied
    return permissions.membership


@login_required
def admin_staff(request):
    """Admin Staff: employees who are not licensed agents, and what each may do."""
    membership = membership_allowing(request, Capability.MANAGE_STAFF)
    staff = staff_memberships_for(request.user).order_by("status", "user__last_name", "user__email")
    form = AdminStaffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_admin_staff(agency=membership.agency, by=request.user, data=form.cleaned_data)
        except services.AgencyError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("%(email)s was added and invited.") % {"email": added.user.email})
            return redirect("agencies:admin_staff")
    return render(request, "agencies/admin_staff.html", {"agency": membership.agency, "staff": staff, "form": form})


@login_required
def admin_staff_member(request, membership_id: int):
    """Change what one of the agency's Admin Staff may do, or remove them."""
    membership_allowing(request, Capability.MANAGE_STAFF)
    member = get_object_or_404(
        staff_memberships_for(request.user).filter(status=Membership.Status.ACTIVE), pk=membership_id
    )
    form = GrantsForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST":
        if "remove" in request.POST:
            services.remove_admin_staff(membership=member, by=request.user)
            messages.success(
                request, _("%(email)s no longer has access to the agency.") % {"email": member.user.email}
            )
            return redirect("agencies:admin_staff")
        if form.is_valid():
            services.change_grants(membership=member, by=request.user, grants=form.cleaned_data)
            messages.success(request, _("What %(email)s may do was saved.") % {"email": member.user.email})
            return redirect("agencies:admin_staff")
    return render(request, "agencies/admin_staff_member.html", {"member": member, "form": form})


@login_required
def agency_account(request):
    membership = membership_allowing(request)
    agency = agencies_for(request.user).prefetch_related("locations__hours").get(pk=membership.agency_id)
    can_edit = permissions_for(request.user).allows(Capability.EDIT_ACCOUNT)
    documents = agency_documents_for(request.user).filter(agency=agency).select_related("uploaded_by")
    return render(
        request,
        "agencies/account.html",
        {
            "agency": agency,
            "documents": documents if can_edit else None,
            "membership": membership,
            "can_edit": can_edit,
            "document_form": AgencyDocumentForm() if can_edit else None,
        },
    )


@login_required
def agency_account_edit(request):
    membership = membership_allowing(request, Capability.EDIT_ACCOUNT)
    form = AgencyAccountForm(
        request.POST if request.method == "POST" else None,
        instance=membership.agency,
        may_set_reminders=permissions_for(request.user).allows(Capability.REMIND_CONSUMERS),
    )
    if request.method == "POST" and form.is_valid():
        services.update_agency_account(agency=membership.agency, by=request.user, data=form.cleaned_data)
        messages.success(request, _("The agency account was saved."))
        return redirect("agencies:account")
    return render(request, "agencies/account_edit.html", {"form": form, "agency": membership.agency})


@login_required
def location_edit(request, location_id: int | None = None):
    """Add or change a subsite and its opening hours."""
    membership = membership_allowing(request, Capability.EDIT_ACCOUNT)
    location = get_object_or_404(membership.agency.locations, pk=location_id) if location_id else None
    form = AgencyLocationForm(request.POST if request.method == "POST" else None, instance=location)
    hours = OpeningHoursFormSet(request.POST if request.method == "POST" else None, instance=location, prefix="hours")
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        days = [day for day in hours.cleaned_data if day and not day.get("DELETE")]
        services.save_location(agency=membership.agency, by=request.user, location=location, data=form.cleaned_data,
                               hours=days)  # fmt: skip
        messages.success(request, _("The location was saved."))
        return redirect("agencies:account")
    return render(
        request,
        "agencies/location_form.html",
        {"form": form, "hours": hours, "location": location, "agency": membership.agency},
    )


@require_POST
@login_required
def document_upload(request):
    membership = membership_allowing(request, Capability.EDIT_ACCOUNT)
    form = AgencyDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.upload_agency_document(
            agency=membership.agency,
            by=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            checked=form.checked,
        )
        messages.success(request, _("The document was uploaded."))
    else:
        for error in form.errors.get("file", []) + form.errors.get("kind", []):
            messages.error(request, error)
    return redirect("agencies:account")


@login_required
def document_download(request, document_id: int):
    """An agency document, through this view only: the agency's editors and service-center staff; audited."""
    document = get_object_or_404(agency_documents_for(request.user), pk=document_id)
    audit.record("file.downloaded", obj=document, details={"sha256": document.sha256})
    return uploaded_file_download(document)
