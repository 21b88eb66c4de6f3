"""An agent's own pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agencies.selectors import active_membership_for
from portal import audit

from .forms import MyProfileForm
from .selectors import agents_for
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
    membership = active_membership_for(request.user)
    form = MyProfileForm(request.POST or None, instance=agent, agency=membership.agency if membership else None)
    if request.method == "POST" and form.is_valid():
        update_agent_profile(agent=agent, by=request.user, data=form.cleaned_data)
        audit.record("agent.profile_changed", obj=agent, details={"fields": form.changed_data})
        messages.success(request, _("Your profile was saved."))
        return redirect("agents:my_profile")
    return render(request, "agents/my_profile.html", {"agent": agent, "form": form})
