"""Acting on behalf of an agent: decided again on every request, from the current facts of both people."""

from portal.permissions import may_act_on_behalf, permissions_for

from . import services
from .models import ActingOnBehalf

ACTING_SESSION_KEY = "acting_on_behalf_id"


class ActingOnBehalfMiddleware:
    """While an Agency Manager acts on behalf of an agent, the agent's scope applies to agent pages
    (`request.scope_user`), the audit log records both identities, and every page shows a banner.

    The session ends the moment either person stops qualifying (the manager no longer the agency's Active
    manager, the agent no longer its Active agent): the request is served as the manager alone and the
    acting record is closed and audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = None
        request.acting_for_user = None
        request.scope_user = getattr(request, "user", None)
        user = request.scope_user
        if user is not None and user.is_authenticated and ACTING_SESSION_KEY in request.session:
            acting = (
                ActingOnBehalf.objects.select_related("agent__user")
                .filter(pk=request.session[ACTING_SESSION_KEY], manager=user, ended_at__isnull=True)
                .first()
            )
            if acting is not None and may_act_on_behalf(
                permissions_for(user), permissions_for(acting.agent.user), agency_id=acting.agency_id
            ):
                request.acting = acting
                request.acting_for_user = acting.agent.user
                request.scope_user = acting.agent.user
            else:
                del request.session[ACTING_SESSION_KEY]
                services.stop_acting(manager=user)
        return self.get_response(request)
