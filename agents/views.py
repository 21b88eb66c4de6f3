"""An agent's own pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .selectors import agents_for


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
    return render(request, "agents/my_profile.html", {"agent": agent})
