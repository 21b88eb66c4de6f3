"""The Agency Portal's pages for an Agency Manager and the Admin Staff they grant."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render

from agents.selectors import roster_for
from delegations.models import Delegation
from delegations.selectors import delegations_for
from portal import audit

from .models import Membership
from .selectors import active_membership_for, agencies_for, agency_documents_for, staff_memberships_for

PAGE_SIZE = 50


def _membership_allowing(request, permission: str | None = None) -> Membership:
    """The user's agency membership, if it is a manager's or Admin Staff's allowed `permission`."""
    membership = active_membership_for(request.user)
    if membership is None or membership.role == Membership.Role.AGENT:
        raise PermissionDenied
    if permission is not None and not membership.allows(permission):
        raise PermissionDenied
    return membership


@login_required
def agency_home(request):
    membership = _membership_allowing(request)
    counts = (
        delegations_for(request.user).aggregate(
            active=Count("pk", filter=Q(status=Delegation.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Delegation.Status.PENDING)),
        )
        if membership.allows("view_book")
        else None
    )
    agents = roster_for(request.user)
    roster_counts = (
        agents.aggregate(total=Count("pk"), certified=Count("pk", filter=Q(certification_status="certified")))
        if membership.allows("view_roster")
        else None
    )
    return render(
        request,
        "agencies/home.html",
        {"membership": membership, "agency": membership.agency, "counts": counts, "roster_counts": roster_counts},
    )


@login_required
def roster(request):
    membership = _membership_allowing(request, "view_roster")
    agents = roster_for(request.user).order_by("last_name", "first_name", "pk")
    page = Paginator(agents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "agencies/roster.html", {"agency": membership.agency, "page": page})


@login_required
def admin_staff(request):
    membership = _membership_allowing(request, "manage_staff")
    staff = staff_memberships_for(request.user).order_by("status", "user__last_name", "user__email")
    return render(request, "agencies/admin_staff.html", {"agency": membership.agency, "staff": staff})


@login_required
def agency_delegations(request):
    membership = _membership_allowing(request, "view_book")
    delegations = (
        delegations_for(request.user)
        .filter(status__in=Delegation.OPEN_STATUSES)
        .select_related("case", "agent")
        .order_by("-requested_at", "-pk")
    )
    status = request.GET.get("status")
    if status in Delegation.OPEN_STATUSES:
        delegations = delegations.filter(status=status)
    page = Paginator(delegations, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_case_list(request, view="agency_delegations", page=page)
    return render(
        request,
        "agencies/delegations.html",
        {"agency": membership.agency, "page": page, "status": status, "statuses": Delegation.OPEN_STATUSES},
    )


@login_required
def agency_account(request):
    membership = _membership_allowing(request)
    agency = agencies_for(request.user).prefetch_related("locations__hours").get(pk=membership.agency_id)
    documents = (
        agency_documents_for(request.user).filter(agency=agency).select_related("uploaded_by")
        if membership.allows("edit_account")
        else None
    )
    return render(
        request, "agencies/account.html", {"agency": agency, "documents": documents, "membership": membership}
    )
