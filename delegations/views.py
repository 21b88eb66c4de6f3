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
