"""Delegations: accepting and declining requests, and stopping acting on behalf. (My Delegations, transfers and
starting to act are in pages/delegations.py.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .middleware import ACTING_SESSION_KEY
from .models import Delegation
from .selectors import delegations_for

PAGE_SIZE = 50


def _pending_for(request, delegation_id: int) -> Delegation:
    """A pending request made to the agent (or the agent acted for), or 404."""
    agent = getattr(request.scope_user, "agent", None)
    if agent is None:
        raise Http404
    mine = delegations_for(request.scope_user).filter(agent=agent, status=Delegation.Status.PENDING)
    return get_object_or_404(mine, pk=delegation_id)


@require_POST
@login_required
def accept(request, delegation_id: int):
    delegation = _pending_for(request, delegation_id)
    try:
        services.accept_delegation(delegation=delegation, by=request.user)
    except services.DelegationError as error:
        messages.error(request, str(error))
        return redirect("delegations:mine")
    messages.success(request, _("You accepted the request. The case is in your book."))
    return redirect("consumers:case", case_id=delegation.case_id)


@require_POST
@login_required
def decline(request, delegation_id: int):
    delegation = _pending_for(request, delegation_id)
    try:
        services.decline_delegation(delegation=delegation, by=request.user, reason=request.POST.get("reason", ""))
    except services.DelegationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You declined the request."))
    return redirect(f"{reverse('delegations:mine')}?status=pending")


@require_POST
@login_required
def stop_acting(request):
    services.stop_acting(manager=request.user)
    request.session.pop(ACTING_SESSION_KEY, None)
    messages.info(request, _("You stopped acting on behalf of an agent."))
    return redirect("agencies:roster")
