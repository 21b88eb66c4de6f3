"""An agent's own dashboard of delegations."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from portal import audit

from .models import Delegation
from .selectors import delegations_for

PAGE_SIZE = 50


@login_required
def my_delegations(request):
    """My Delegations: the agent's pending requests and active cases."""
    if not hasattr(request.user, "agent"):
        raise Http404
    mine = delegations_for(request.user).filter(agent__user=request.user)
    counts = mine.aggregate(
        active=Count("pk", filter=Q(status=Delegation.Status.ACTIVE)),
        pending=Count("pk", filter=Q(status=Delegation.Status.PENDING)),
    )
    status = request.GET.get("status") or Delegation.Status.ACTIVE
    if status not in Delegation.OPEN_STATUSES:
        status = Delegation.Status.ACTIVE
    rows = mine.filter(status=status).select_related("case").order_by("-requested_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_case_list(request, view="my_delegations", page=page)
    return render(
        request,
        "delegations/my_delegations.html",
        {"agent": request.user.agent, "counts": counts, "page": page, "status": status},
    )


@login_required
def transfer(request, agent_id: int):
    """Transfer an agent's active delegations to another agent of the agency (the Agency Manager only)."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404, redirect
    from django.utils.translation import gettext as _

    from agencies.selectors import active_membership_for
    from agents.selectors import roster_for

    from .forms import TransferForm
    from .services import DelegationError, transfer_delegations

    membership = active_membership_for(request.user)
    if membership is None or not membership.allows("transfer"):
        raise PermissionDenied
    from_agent = get_object_or_404(roster_for(request.user), pk=agent_id)
    held = Delegation.objects.filter(agent=from_agent, agency=membership.agency, status=Delegation.Status.ACTIVE)
    pending = Delegation.objects.filter(agent=from_agent, agency=membership.agency, status=Delegation.Status.PENDING)
    receivers = (
        roster_for(request.user)
        .filter(agency_status="active", certification_status="certified")
        .exclude(pk=from_agent.pk)
        .order_by("last_name", "first_name")
    )
    form = TransferForm(request.POST or None, agents=receivers)
    if request.method == "POST" and form.is_valid():
        try:
            count = transfer_delegations(
                by=request.user,
                agency=membership.agency,
                from_agent=from_agent,
                to_agent=form.cleaned_data["to_agent"],
            )
        except DelegationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(count)d delegations moved from %(from)s to %(to)s.")
                % {"count": count, "from": from_agent.full_name, "to": form.cleaned_data["to_agent"].full_name},
            )
            return redirect("agencies:agent", agent_id=from_agent.pk)
    return render(
        request,
        "delegations/transfer.html",
        {"from_agent": from_agent, "held": held.count(), "pending": pending.count(), "form": form},
    )
