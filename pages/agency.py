"""The Agency Portal's pages that bring several apps together: its home (counts and the dashboard), the roster,
Add New Agent, Edit Agent Within Agency and the agency's delegations."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agencies.forms import ROSTER_SORTS, RosterFilterForm
from agencies.models import Membership
from agencies.selectors import invitations_sent_for
from agencies.views import membership_allowing
from agents.forms import AddAgentForm, AgentProfileForm
from agents.selectors import agency_agents_for, agent_options, agents_matching, receivers_for, roster_for
from agents.services import (
    ActiveDelegationsRemain,
    AgentError,
    add_agent_to_agency,
    set_agent_status,
    withdraw_agency_invitation,
)
from agents.services import update_agent_profile as save_agent_profile
from bookofbusiness.selectors import business_days_before, dashboard_for
from delegations.chosen import confirm_move, review_move
from delegations.models import Delegation
from delegations.selectors import delegation_counts, delegations_for, matching_consumer
from delegations.services import DelegationError, give_requests, reassign_request
from portal import audit
from portal.permissions import Capability, permissions_for
from portal.selection import Selection, as_id

from .forms import QUEUE_SORTS, QueueFilterForm

PAGE_SIZE = 50


@login_required
def agency_home(request):
    membership = membership_allowing(request)
    may = permissions_for(request.user)
    counts = (
        delegation_counts(delegations_for(request.user), keep_large=True) if may.allows(Capability.VIEW_BOOK) else None
    )
    roster_counts = (
        roster_for(request.user).aggregate(
            total=Count("pk"), certified=Count("pk", filter=Q(certification_status="certified"))
        )
        if may.allows(Capability.VIEW_ROSTER)
        else None
    )
    charts = dashboard_for(request.user) if may.allows(Capability.VIEW_BOOK) else None
    return render(
        request,
        "agencies/home.html",
        {
            "membership": membership,
            "agency": membership.agency,
            "counts": counts,
            "roster_counts": roster_counts,
            "charts": charts,
        },
    )


@login_required
def roster(request):
    """View Agent List: sort by each column, filter by status, search by name or license."""
    membership = membership_allowing(request, Capability.VIEW_ROSTER)
    form = RosterFilterForm(request.GET or None)
    agents = roster_for(request.user)
    sort = "name"
    if form.is_valid():
        agents = agents_matching(agents, form.cleaned_data["q"])
        if form.cleaned_data["certification"]:
            agents = agents.filter(certification_status=form.cleaned_data["certification"])
        if form.cleaned_data["expiring"] is not None:
            today = timezone.localdate()
            horizon = today + datetime.timedelta(days=form.cleaned_data["expiring"])
            agents = agents.filter(
                Q(license_expires_on__gte=today, license_expires_on__lte=horizon)
                | Q(certification_expires_on__gte=today, certification_expires_on__lte=horizon)
            )
        sort = form.cleaned_data["sort"] or "name"
    primary, *tiebreaks = ROSTER_SORTS[sort.lstrip("-")]
    order = [f"-{primary}" if sort.startswith("-") else primary, *tiebreaks]
    page = Paginator(agents.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/roster.html",
        {
            "agency": membership.agency,
            "membership": membership,
            "page": page,
            "form": form,
            "sort": sort,
            "invitations": invitations_sent_for(request.user),
        },
    )


def _roster_agent(request, agent_id: int):
    """An agent on the user's roster, or 404: another agency's agent does not exist here."""
    return get_object_or_404(roster_for(request.user), pk=agent_id)


@login_required
def agent_add(request):
    """Add New Agent: starts the agent's certification, or links an agent already certified."""
    membership = membership_allowing(request, Capability.MANAGE_AGENTS)
    form = AddAgentForm(request.POST if request.method == "POST" else None, agency=membership.agency)
    if request.method == "POST" and form.is_valid():
        try:
            agent, linked = add_agent_to_agency(agency=membership.agency, by=request.user, data=form.cleaned_data)
        except AgentError as error:
            form.add_error(error.field, str(error))
        else:
            if linked:
                messages.success(
                    request,
                    _(
                        "%(name)s is already known to the marketplace, so they were invited to join your agency. "
                        "They join your roster when they accept."
                    )
                    % {"name": agent.full_name},
                )
                return redirect("agencies:roster")
            else:
                messages.success(
                    request,
                    _("%(name)s was added. Their certification is Pending; they were e-mailed an invitation.")
                    % {"name": agent.full_name},
                )
            return redirect("agencies:agent", agent_id=agent.pk)
    return render(request, "agencies/agent_add.html", {"form": form, "agency": membership.agency})


@login_required
def agent_detail(request, agent_id: int):
    """Edit Agent Within Agency: the profile, Active/Inactive, and certification history."""
    membership = membership_allowing(request, Capability.VIEW_ROSTER)
    agent = _roster_agent(request, agent_id)
    can_edit = permissions_for(request.user).allows(Capability.MANAGE_AGENTS)
    form = AgentProfileForm(
        request.POST if request.method == "POST" else None, instance=agent, agency=membership.agency
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            save_agent_profile(agent=agent, by=request.user, data=form.cleaned_data)
            messages.success(request, _("The profile of %(name)s was saved.") % {"name": agent.full_name})
            return redirect("agencies:agent", agent_id=agent.pk)
    delegations = delegation_counts(Delegation.objects.filter(agent=agent, agency=membership.agency))
    return render(
        request,
        "agencies/agent_detail.html",
        {
            "agency": membership.agency,
            "agent": agent,
            "form": form,
            "can_edit": can_edit,
            "delegations": delegations,
            "history": agent.certification_changes.all()[:20],
        },
    )


@require_POST
@login_required
def agent_status(request, agent_id: int):
    """Make an agent Inactive in the agency (a former agent comes back only by accepting an invitation)."""
    membership = membership_allowing(request, Capability.MANAGE_AGENTS)
    agent = _roster_agent(request, agent_id)
    if request.POST.get("status") != Membership.Status.INACTIVE:
        messages.error(
            request, _("A former agent comes back through Add New Agent: they are invited and join when they accept.")
        )
        return redirect("agencies:agent", agent_id=agent.pk)
    try:
        set_agent_status(agent=agent, agency=membership.agency, by=request.user, active=False)
    except ActiveDelegationsRemain as error:
        messages.error(request, str(error))
        return redirect("delegations:transfer", agent_id=agent.pk)
    except AgentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is Inactive in your agency.") % {"name": agent.full_name})
        return redirect("agencies:roster")
    return redirect("agencies:agent", agent_id=agent.pk)


@require_POST
@login_required
def invitation_withdraw(request, invitation_id: int):
    """Take back an invitation the agent has not answered yet."""
    membership_allowing(request, Capability.MANAGE_AGENTS)
    invitation = get_object_or_404(invitations_sent_for(request.user), pk=invitation_id)
    withdraw_agency_invitation(invitation=invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(name)s was withdrawn.") % {"name": invitation.user.agent.full_name}
    )
    return redirect("agencies:roster")


@dataclass(frozen=True)
class Queue:
    rows: QuerySet
    form: QueueFilterForm
    status: str | None
    waiting_long: bool


def _queue(request, params) -> Queue:
    """The agency's open delegations as the queue's query string (`params`) filters and orders them."""
    delegations = (
        delegations_for(request.user)
        .filter(status__in=Delegation.OPEN_STATUSES)
        .select_related("case", "agent")
        .order_by("-requested_at", "-pk")
    )
    status = params.get("status")
    if status in Delegation.OPEN_STATUSES:
        delegations = delegations.filter(status=status)
    else:
        status = None
    waiting_long = params.get("waiting") == "long"
    if waiting_long:  # Today's "waiting longer than the agency's target"
        before = business_days_before(timezone.now(), settings.TODAY_REQUEST_TARGET_BUSINESS_DAYS)
        delegations = delegations.filter(status=Delegation.Status.PENDING, requested_at__lt=before).order_by(
            "requested_at", "pk"
        )
    agents = agency_agents_for(request.user).order_by("last_name", "first_name")
    agent_rows = agent_options(agents, agency_id=permissions_for(request.user).agency_id, kind="agency")
    form = QueueFilterForm(params or None, agent_rows=agent_rows)
    if form.is_valid():
        data = form.cleaned_data
        delegations = matching_consumer(delegations, data["q"])
        if data["agent"]:
            delegations = delegations.filter(agent_id=data["agent"])
        if data["language"]:
            delegations = delegations.filter(case__preferred_language=data["language"])
        if data["county"]:
            delegations = delegations.filter(case__county=data["county"])
        if data["older_than"] is not None:
            delegations = delegations.filter(
                requested_at__lt=timezone.now() - datetime.timedelta(days=data["older_than"])
            )
        if data["sort"]:
            delegations = delegations.order_by(*QUEUE_SORTS[data["sort"]])
    elif form.is_bound:
        delegations = delegations.none()
    return Queue(rows=delegations, form=form, status=status, waiting_long=waiting_long)


@login_required
def agency_delegations(request):
    membership = membership_allowing(request, Capability.VIEW_BOOK)
    queue = _queue(request, request.GET)
    page = Paginator(queue.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_case_list(request, view="agency_delegations", page=page)
    may_give = request.acting is None and permissions_for(request.user).allows(Capability.TRANSFER)
    pending_shown = any(delegation.status == Delegation.Status.PENDING for delegation in page)
    return render(
        request,
        "agencies/delegations.html",
        {
            "agency": membership.agency,
            "page": page,
            "status": queue.status,
            "statuses": Delegation.OPEN_STATUSES,
            "waiting_long": queue.waiting_long,
            "form": queue.form,
            "target_days": settings.TODAY_REQUEST_TARGET_BUSINESS_DAYS,
            "query": request.GET.urlencode(),
            "chooser": may_give and pending_shown,
            "receivers": _receivers(request).values_list("pk", "first_name", "last_name", "license_number")
            if may_give and pending_shown
            else [],
        },  # fmt: skip
    )


def _receivers(request):
    return receivers_for(request.user)


@require_POST
@login_required
def give_chosen(request):
    """Give chosen pending requests of the queue (some rows, or all matching its filter) to one agent, after a
    review that names how many, from whom and to whom (see delegations.chosen)."""
    membership = membership_allowing(request, Capability.TRANSFER)
    if request.acting is not None:
        raise PermissionDenied
    selection = Selection.from_post(request.POST)
    back = f"{reverse('agencies:delegations')}?{selection.query}"
    if selection.empty:
        messages.error(request, _("No request was chosen, so nothing was given. Tick the requests first, or choose "
                                  "all the requests matching the filter."))  # fmt: skip
        return redirect(back)
    chosen = selection.apply(_queue(request, selection.filters).rows.filter(status=Delegation.Status.PENDING))
    review = review_move(request.POST, chosen, receivers=_receivers(request), label=_("Give to"))
    return confirm_move(
        request, review, selection=selection, back=back, kind="give",
        move=lambda ids, to_agent: give_requests(by=request.user, agency=membership.agency, delegation_ids=ids,
                                                 to_agent=to_agent),
        done=lambda count: ngettext("%(count)s request is now with %(name)s.",
                                    "%(count)s requests are now with %(name)s.", count),
    )  # fmt: skip


@login_required
def assign_request(request, delegation_id: int):
    """Give a pending request to another certified, Active agent of the agency (the manager's, not while acting)."""
    membership = membership_allowing(request, Capability.TRANSFER)
    if request.acting is not None:
        raise PermissionDenied
    delegation = get_object_or_404(
        delegations_for(request.user).filter(status=Delegation.Status.PENDING).select_related("case", "agent"),
        pk=delegation_id,
    )
    receivers = receivers_for(request.user).exclude(pk=delegation.agent_id)
    error = None
    if request.method == "POST":
        to_agent = receivers.filter(pk=as_id(request.POST.get("agent"))).first()
        if to_agent is None:
            error = _("Choose a certified agent who is Active in your agency.")
        else:
            try:
                reassign_request(delegation=delegation, to_agent=to_agent, by=request.user)
            except DelegationError as problem:
                error = str(problem)
            else:
                messages.success(
                    request,
                    _("The request for case %(case)s is now with %(name)s.")
                    % {"case": delegation.case.case_number, "name": to_agent.full_name},
                )
                return redirect(f"{reverse('agencies:delegations')}?status=pending")
    audit.record("case.viewed", request=request, obj=delegation.case, details={"view": "assign_request"})
    return render(
        request,
        "agencies/assign_request.html",
        {
            "agency": membership.agency,
            "delegation": delegation,
            "receivers": receivers.order_by("last_name", "first_name", "pk"),
            "error": error,
        },  # fmt: skip
        status=400 if error else 200,
    )
