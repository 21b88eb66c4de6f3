"""An agent's own pages, and the public Find Local Help."""

import math

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.forms import AgencyLocationForm, OpeningHoursFormSet
from agencies.models import AgencyLocation, Membership
from agencies.selectors import invitations_received_by
from portal import audit
from portal.permissions import permissions_for

from .forms import ChangeEmailForm, FindLocalHelpForm, MyProfileForm
from .selectors import agents_for, find_local_help_listing, page_of_find_local_help
from .selectors import find_local_help as find_local_help_rows
from .services import (
    EMAIL_CHANGE_HOURS,
    AgentError,
    SignInLocked,
    accept_agency_invitation,
    confirm_email_change,
    confirm_own_password,
    decline_agency_invitation,
    independent_delegations,
    masked_email,
    pending_email_change,
    request_email_change,
    save_own_office,
    update_agent_profile,
)


@login_required
def my_profile(request):
    """My Agent Profile: what consumers see in Find Local Help, and the agent's certification."""
    agent = (
        agents_for(request.user)
        .filter(user=request.user)
        .prefetch_related("languages", "product_expertise", "subsite_locations", "certification_changes")
        .first()
    )
    if agent is None:
        raise Http404
    membership = permissions_for(request.user).membership
    form = MyProfileForm(
        request.POST if request.method == "POST" else None,
        instance=agent,
        agency=membership.agency if membership else None,
    )
    if request.method == "POST" and form.is_valid():
        update_agent_profile(agent=agent, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("agents:my_profile")
    return render(
        request,
        "agents/my_profile.html",
        {
            "agent": agent,
            "form": form,
            "invitations": invitations_received_by(request.user),
            "listing": find_local_help_listing(agent),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def own_office(request):
    """An agent in no agency adds or changes their own office, where Find Local Help finds them. An agent in an
    agency has none to keep (404): consumers find them at the agency's locations."""
    agent = _own_agent(request)
    if Membership.objects.filter(user_id=agent.user_id).current() is not None:
        raise Http404
    office = AgencyLocation.objects.filter(owner_id=agent.user_id).prefetch_related("hours").first()
    data = request.POST if request.method == "POST" else None
    form = AgencyLocationForm(data, instance=office)
    hours = OpeningHoursFormSet(data, instance=office, prefix="hours")
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        days = [day for day in hours.cleaned_data if day and not day.get("DELETE")]
        try:
            save_own_office(agent=agent, by=request.user, data=form.cleaned_data, hours=days)
        except AgentError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Your office location was saved."))
            return redirect("agents:my_profile")
    return render(request, "agents/own_office.html", {"agent": agent, "form": form, "hours": hours, "office": office})


def _own_agent(request):
    """The signed-in agent's own profile (never the one acted for), or 404."""
    if getattr(request, "acting", None) is not None:
        raise Http404
    agent = agents_for(request.user).filter(user=request.user).first()
    if agent is None:
        raise Http404
    return agent


@login_required
@require_http_methods(["GET", "POST"])
def change_email(request):
    """The agent changes their own e-mail: confirmed at the new address, the old one told."""
    agent = _own_agent(request)
    form = ChangeEmailForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            right = confirm_own_password(user=request.user, raw_password=form.cleaned_data["password"],
                                         client_ip=audit.client_ip(request))  # fmt: skip
        except SignInLocked as error:
            logout(request)
            messages.error(request, str(error))
            return redirect("account_login")
        try:
            if not right:
                raise AgentError(_("This is not your current password."), field="password")
            request_email_change(agent=agent, new_email=form.cleaned_data["email"])
        except AgentError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request,
                _("We sent a link to %(masked)s. Open it within %(hours)d hours to confirm the new address.")
                % {"masked": masked_email(form.cleaned_data["email"]), "hours": EMAIL_CHANGE_HOURS},
            )
            return redirect("agents:my_profile")
    return render(request, "agents/change_email.html", {"agent": agent, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request, token: str):
    """The link from the new address: shown first, applied only by the agent's own POST (mail scanners open links)."""
    agent = _own_agent(request)
    new_email = pending_email_change(token, user=request.user)
    if request.method == "POST" and new_email is not None:
        try:
            confirm_email_change(token=token, user=request.user)
        except AgentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": new_email})
            return redirect("agents:my_profile")
    return render(
        request,
        "agents/confirm_email.html",
        {"agent": agent, "new_email": new_email},
        status=200 if new_email else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_invitation(request, invitation_id: int):
    """An agency's invitation to its Agency Agreement: the agent reads what joining means, then accepts or
    declines. Only the invited person answers (never a manager acting on their behalf)."""
    if getattr(request, "acting", None) is not None:
        raise Http404
    invitation = get_object_or_404(invitations_received_by(request.user), pk=invitation_id)
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                accept_agency_invitation(invitation_id=invitation.pk, by=request.user)
                messages.success(request, _("You joined %(agency)s.") % {"agency": invitation.agency.public_name})
                return redirect("delegations:mine")
            if answer == "decline":
                decline_agency_invitation(invitation_id=invitation.pk, by=request.user)
                messages.success(
                    request,
                    _("You declined the invitation of %(agency)s.") % {"agency": invitation.agency.public_name},
                )
                return redirect("delegations:mine")
        except AgentError as error:
            messages.error(request, str(error))
    brought = independent_delegations(request.user.agent).count() if hasattr(request.user, "agent") else 0
    return render(request, "agents/agency_invitation.html", {"invitation": invitation, "brought": brought})


def find_local_help(request):
    """Find Local Help (public): helpers near a ZIP code, by language, type and expertise, nearest first."""
    form = FindLocalHelpForm(request.GET or None)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        rows = find_local_help_rows(
            latitude=form.place["latitude"],
            longitude=form.place["longitude"],
            miles=data["miles"] or 25,
            language=data["language"],
            kind=data["kind"],
            expertise=data["expertise"],
        )
        page = page_of_find_local_help(rows, request.GET.get("page"))
        for row in page.object_list:
            row.miles = math.sqrt(row.distance_squared)
    return render(request, "agents/find_local_help.html", {"form": form, "page": page})
