"""The pages of delegations that bring several apps together: My Delegations with its dashboard, and the Agency
Manager's transfers and acting on behalf, which start from the agency's roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.selectors import invitations_received_by
from agencies.views import membership_allowing
from agents.selectors import receivers_for, roster_for
from bookofbusiness.selectors import dashboard_for
from delegations import services
from delegations.forms import TransferForm
from delegations.middleware import ACTING_SESSION_KEY
from delegations.models import Delegation
from delegations.selectors import delegation_counts, delegations_for
from portal import audit
from portal.permissions import Capability

PAGE_SIZE = 50


@login_required
def my_delegations(request):
    """My Delegations: the agent's pending requests and active cases (the acted-for agent's, when acting)."""
    user = request.scope_user
    agent = getattr(user, "agent", None)
    if agent is None:
        raise Http404
    mine = delegations_for(user).filter(agent=agent)
    counts = delegation_counts(mine)
    status = request.GET.get("status") or Delegation.Status.ACTIVE
    if status not in Delegation.OPEN_STATUSES:
        status = Delegation.Status.ACTIVE
    rows = mine.filter(status=status).select_related("case").order_by("-requested_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_case_list(request, view="my_delegations", page=page)
    return render(
        request,
        "delegations/my_delegations.html",
        {
            "agent": agent,
            "counts": counts,
            "page": page,
            "status": status,
            "can_write_business": agent.is_certified,
            "charts": dashboard_for(user, agent=agent),
            "invitations": invitations_received_by(request.user),
        },
    )


@login_required
def transfer(request, agent_id: int):
    """Transfer an agent's active delegations — the chosen cases, or every one — to another agent of the agency:
    the choice made here is confirmed, with its exact count, by the Book of Business's transfer of chosen cases."""
    membership = membership_allowing(request, Capability.TRANSFER)
    from_agent = get_object_or_404(roster_for(request.user), pk=agent_id)
    held = Delegation.objects.filter(agent=from_agent, agency=membership.agency, status=Delegation.Status.ACTIVE)
    counts = delegation_counts(Delegation.objects.filter(agent=from_agent, agency=membership.agency))
    receivers = receivers_for(request.user).exclude(pk=from_agent.pk)
    cases = Paginator(held.select_related("case").order_by("case__last_name", "pk"), 200).get_page(
        request.GET.get("page")
    )
    audit.record_case_list(request, view="transfer", page=cases)
    return render(
        request,
        "delegations/transfer.html",
        {"from_agent": from_agent, "held": counts["active"], "pending": counts["pending"], "counts": counts, "cases": cases,
         "form": TransferForm(agents=receivers), "filters": QueryDict(f"agent={from_agent.pk}").urlencode()},
    )  # fmt: skip


@require_POST
@login_required
def start_acting(request, agent_id: int):
    """An Agency Manager starts acting on behalf of an agent of the agency, from the agent's page."""
    membership = membership_allowing(request, Capability.ACT_ON_BEHALF)
    agent = get_object_or_404(roster_for(request.user), pk=agent_id)
    try:
        acting = services.start_acting(manager=request.user, agent=agent, agency=membership.agency)
    except services.DelegationError as error:
        messages.error(request, str(error))
        return redirect("agencies:agent", agent_id=agent.pk)
    request.session[ACTING_SESSION_KEY] = acting.pk
    messages.info(request, _("You are acting on behalf of %(name)s.") % {"name": agent.full_name})
    return redirect("delegations:mine")
