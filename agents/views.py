"""An agent's own pages, and the public Find Local Help."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.permissions import permissions_for

from .forms import FindLocalHelpForm, MyProfileForm
from .selectors import agents_for
from .selectors import find_local_help as find_local_help_rows
from .services import update_agent_profile


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
    return render(request, "agents/my_profile.html", {"agent": agent, "form": form})


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
        page = Paginator(rows, 20).get_page(request.GET.get("page"))
        for row in page.object_list:
            row.miles = math.sqrt(row.distance_squared)
    return render(request, "agents/find_local_help.html", {"form": form, "page": page})
